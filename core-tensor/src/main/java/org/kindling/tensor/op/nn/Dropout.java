package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code Dropout} (alias {@code _npx_dropout}), as MXNet 1.9.1's CPU kernel
 * ({@code src/operator/nn/dropout-inl.h}).
 *
 * <p>Outputs {@code output} (the data's shape) and the hidden {@code mask}: the data's shape with
 * 1 on every axis in {@code axes}, so that one mask value is shared (broadcast) along those axes
 * (variational dropout). When dropout is active — keep probability {@code q = 1 - p} below 1,
 * and a training pass or {@code mode='always'} — each mask element is
 * {@code 1/q} with probability q and 0 otherwise, drawn from {@link OpContext#random()}, and
 * {@code output = data · mask}; otherwise the output is the data and the mask is all ones. The
 * backward pass is {@code dx = dy · mask} (so {@code dy} after an inactive forward pass).
 *
 * <p>MXNet's details kept: without axes an element is kept when {@code u <= q}, with axes when
 * {@code u < q} (u uniform in [0, 1)); the mask value is computed as {@code keep · (1f/q)} in
 * float, so {@code p = 1} gives {@code 0 · inf = NaN} masks and NaN outputs, as in MXNet.
 */
@AutoService(OpDef.class)
public final class Dropout extends OpDef<Dropout.Params> {
  /** MXNet's {@code mode} values. */
  public enum Mode implements MxEnum {
    /** Dropout only in training passes. */
    TRAINING,
    /** Dropout in every pass. */
    ALWAYS
  }

  static final Param<Float> P =
      Param.floatParam("p", 0.5f).checked(v -> v >= 0f && v <= 1f, "in [0, 1]");
  static final Param<Mode> MODE = Param.enumParam("mode", Mode.class, Mode.TRAINING);
  static final Param<int[]> AXES = Param.tupleParam("axes", new int[0]);
  /** MXNet's {@code optional<bool>} with default False; None (null) also means False. */
  static final Param<Boolean> CUDNN_OFF =
      Param.boolParam("cudnn_off", false).optionalWithDefault();

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Dropout OP = new Dropout();

  /**
   * Parameters of {@code Dropout}.
   *
   * @param p {@code p}, the probability of dropping an element, in [0, 1]
   * @param mode {@code mode}: dropout in training passes only, or always
   * @param axes {@code axes} along which one mask value is shared
   * @param cudnnOff {@code cudnn_off} (no effect on CPU; null for None)
   */
  public record Params(float p, Mode mode, int[] axes, Boolean cudnnOff) {
    /** Checks p and copies the axes. */
    public Params {
      P.validate(p);
      MODE.validate(mode);
      axes = axes.clone();
    }

    /** Dropping with probability {@code p}, training mode, no shared axes. */
    public static Params of(float p) {
      return new Params(p, Mode.TRAINING, new int[0], null);
    }

    /** A copy with {@code mode} set. */
    public Params withMode(Mode m) {
      return new Params(p, m, axes, cudnnOff);
    }

    /** A copy with {@code axes} set. */
    public Params withAxes(int... a) {
      return new Params(p, mode, a, cudnnOff);
    }

    /** A copy with {@code cudnn_off} set. */
    public Params withCudnnOff(Boolean v) {
      return new Params(p, mode, axes, v);
    }

    /** A copy of {@code axes}. */
    @Override
    public int[] axes() {
      return axes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Float.compare(p, q.p) == 0 && mode == q.mode
          && Arrays.equals(axes, q.axes) && java.util.Objects.equals(cudnnOff, q.cudnnOff);
    }

    @Override
    public int hashCode() {
      return (Float.hashCode(p) * 31 + mode.hashCode()) * 31 + Arrays.hashCode(axes);
    }

    @Override
    public String toString() {
      return "Params[p=" + p + ", mode=" + mode + ", axes=" + Arrays.toString(axes)
          + ", cudnnOff=" + cudnnOff + "]";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Dropout() {
    super("Dropout", List.of("_npx_dropout"), Params.class, List.of(P, MODE, AXES, CUDNN_OFF));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  @Override
  public List<String> outputNames(Params p) {
    return List.of("output", "mask");
  }

  @Override
  public int numVisibleOutputs(Params p) {
    return 1;
  }

  /** The mask's shape: the data's with 1 on each axis of {@code axes}. */
  static Shape maskShape(Params p, Shape d) {
    int[] dims = d.dims();
    for (int a : p.axes) {
      if (a < 0 || a >= dims.length) {
        // MXNet indexes the shape with the raw axis; a negative one is not supported there
        throw new IllegalArgumentException("Dropout: axis " + a + " in parameter axes is out of "
            + "range for data of shape " + d + "; expected 0 <= axis < " + dims.length);
      }
      dims[a] = 1;
    }
    return Shape.of(dims);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    s.assignOut(0, d);
    s.assignOut(1, maskShape(p, d));
  }

  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  /**
   * In training mode (MXNet's default) or with {@code p = 0} an inference pass passes the data
   * through and fills the mask with ones, which only the backward pass reads.
   */
  @Override
  public boolean inferenceIdentity(Params p) {
    return p.mode() == Mode.TRAINING || p.p() == 0f;
  }

  @Override
  public List<int[]> backwardInplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.outputs(1);
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) ->
        sig.allFloat32() ? new Cpu(p, sig.in(0), sig.out(1)) : null));
  }

  /** The default kernel. */
  private record Cpu(Params p, Shape data, Shape mask) implements Kernel {
    private boolean active(OpContext ctx) {
      return 1f - p.p() < 1f && (ctx.isTrain() || p.mode() == Mode.ALWAYS);
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      FloatBuffer m = out[1].floats();
      int n = data.intSize();
      int nm = mask.intSize();
      if (!active(ctx)) {
        y.put(0, x, 0, n); // a no-op when running in place
        for (int i = 0; i < nm; i++) {
          m.put(i, 1f);
        }
        return;
      }
      float keep = 1f - p.p();
      float scale = 1f / keep;
      RandomGenerator r = ctx.random();
      boolean shared = p.axes.length > 0;
      for (int i = 0; i < nm; i++) {
        float u = r.nextFloat();
        boolean kept = shared ? u < keep : u <= keep;
        m.put(i, (kept ? 1f : 0f) * scale);
      }
      multiply(x, m, y, data, mask, false);
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (!a.wants(0)) {
        return;
      }
      // Always through the mask, which an inactive forward pass filled with ones: like MXNet's
      // remembered pass-through flag, this follows what the forward pass did, whatever the
      // training flag of the backward call.
      multiply(a.outGrad()[0].floats(), a.out()[1].floats(), a.inGrad()[0].floats(), data, mask,
          a.adds(0));
    }
  }

  /**
   * {@code out = x · broadcast(m)} (or {@code out += ...}), with m of {@code maskShape} broadcast
   * to {@code shape}. Walks the output in row-major order with one odometer, so that no index is
   * divided per element.
   */
  static void multiply(FloatBuffer x, FloatBuffer m, FloatBuffer out, Shape shape,
      Shape maskShape, boolean add) {
    int n = shape.intSize();
    if (shape.equals(maskShape)) {
      for (int i = 0; i < n; i++) {
        float v = x.get(i) * m.get(i);
        out.put(i, add ? out.get(i) + v : v);
      }
      return;
    }
    int nd = shape.ndim();
    int[] dims = shape.dims();
    int[] stride = new int[nd]; // mask stride per axis, 0 where the mask is broadcast
    int s = 1;
    for (int k = nd - 1; k >= 0; k--) {
      stride[k] = maskShape.get(k) == 1 ? 0 : s;
      s *= maskShape.get(k);
    }
    int[] idx = new int[nd];
    int mi = 0;
    for (int i = 0; i < n; i++) {
      float v = x.get(i) * m.get(mi);
      out.put(i, add ? out.get(i) + v : v);
      for (int k = nd - 1; k >= 0; k--) {
        mi += stride[k];
        if (++idx[k] < dims[k]) {
          break;
        }
        mi -= stride[k] * dims[k];
        idx[k] = 0;
      }
    }
  }

  /**
   * The inactive pass (the only deterministic one): the output is the data. The generic suites
   * run this; {@code DropoutTest} checks the random training behaviour.
   */
  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    boolean active = 1f - p.p() < 1f && (train || p.mode() == Mode.ALWAYS);
    if (active) {
      throw new UnsupportedOperationException("Dropout is random when active; no reference");
    }
    double[] mask = new double[maskShape(p, inShapes[0]).intSize()];
    Arrays.fill(mask, 1);
    return new double[][] {in[0].clone(), mask};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(0.5f), Shape.of(3, 4)),
        Sample.of(Params.of(0.3f).withAxes(1).withCudnnOff(true), Shape.of(2, 3, 4)),
        // p = 0 keeps everything even when dropout would be active
        Sample.of(Params.of(0f).withMode(Mode.ALWAYS), Shape.of(2, 5)),
        Sample.of(Params.of(0f).withAxes(0, 2).withCudnnOff(false), Shape.of(2, 3, 2))
            .training());
  }
}
