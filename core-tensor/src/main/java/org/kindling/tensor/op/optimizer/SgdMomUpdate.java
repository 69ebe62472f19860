package org.kindling.tensor.op.optimizer;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code sgd_mom_update}: {@code mom = momentum·mom - lr·wd·weight - lr·clip(rescale_grad·grad,
 * clip_gradient)}, then {@code weight = weight + mom}, as MXNet's operator. {@code mom} is a
 * mutable input (the optimizer state); the weight is called as its own output (in place).
 */
@AutoService(OpDef.class)
public final class SgdMomUpdate extends OpDef<SgdMomUpdate.Params> {
  static final Param<Float> LR = Param.requiredFloat("lr");
  static final Param<Float> MOMENTUM = Param.floatParam("momentum", 0f);
  static final Param<Float> WD = Param.floatParam("wd", 0f);
  static final Param<Float> RESCALE_GRAD = Param.floatParam("rescale_grad", 1f);
  static final Param<Float> CLIP_GRADIENT = Param.floatParam("clip_gradient", -1f);
  static final Param<Boolean> LAZY_UPDATE = Param.boolParam("lazy_update", true);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SgdMomUpdate OP = new SgdMomUpdate();

  /**
   * Parameters of {@code sgd_mom_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param momentum {@code momentum}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param lazyUpdate {@code lazy_update} (sparse gradients only)
   */
  public record Params(float lr, float momentum, float wd, float rescaleGrad, float clipGradient,
      boolean lazyUpdate) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SgdMomUpdate() {
    super("sgd_mom_update", List.of("_sparse_sgd_mom_update"), Params.class,
        List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("weight", "grad", "mom");
  }

  @Override
  public Set<Integer> mutableInputs(Params p) {
    return Set.of(2);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape w = s.in(0) != null ? s.in(0) : s.in(1) != null ? s.in(1) : s.in(2);
    if (w != null) {
      for (int i = 0; i < 3; i++) {
        s.assignIn(i, w);
      }
      s.assignOut(0, w);
    }
  }

  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public Gradient gradient(Params p) {
    return Gradient.NONE;
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? new Cpu(p) : null));
  }

  private record Cpu(Params p) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer w = in[0].floats();
      FloatBuffer g = in[1].floats();
      FloatBuffer m = in[2].floats();
      FloatBuffer y = out[0].floats();
      float lrWd = p.lr() * p.wd();
      for (int i = 0, n = out[0].size(); i < n; i++) {
        float gi = SgdKernels.rescaledAndClipped(g.get(i), p.rescaleGrad(), p.clipGradient());
        float wi = w.get(i);
        float mi = p.momentum() * m.get(i) - lrWd * wi - p.lr() * gi;
        m.put(i, mi);
        y.put(i, wi + mi);
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      double g = SgdKernels.rescaledAndClipped(in[1][i], p.rescaleGrad(), p.clipGradient());
      double m = (double) p.momentum() * in[2][i] - (double) p.lr() * p.wd() * in[0][i]
          - p.lr() * g;
      in[2][i] = m;
      y[i] = in[0][i] + m;
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0.1f, 0.9f, 0f, 1f, -1f, true), Shape.of(3, 4), Shape.of(3, 4),
            Shape.of(3, 4)),
        Sample.of(new Params(0.05f, 0.5f, 0.001f, 0.25f, 0.3f, true), Shape.of(9), Shape.of(9),
            Shape.of(9)));
  }
}
