package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;

/**
 * {@code Activation}: an element-wise non-linearity, output shape = input shape. relu
 * {@code max(x,0)} (NaN stays NaN, as mshadow's relu); sigmoid {@code 1/(1+e^-x)}; tanh;
 * softrelu {@code log(1+e^x)} (x itself above 20); softsign {@code x/(1+|x|)}. Gradients use
 * the output (the input for softsign), as MXNet's kernels do. May run in place.
 */
@AutoService(OpDef.class)
public final class Activation extends OpDef<Activation.Params> {
  /** MXNet's {@code act_type} values. */
  public enum ActType implements MxEnum {
    RELU,
    SIGMOID,
    TANH,
    SOFTRELU,
    SOFTSIGN
  }

  static final Param<ActType> ACT_TYPE = Param.requiredEnum("act_type", ActType.class);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Activation OP = new Activation();

  /**
   * Parameters of {@code Activation}.
   *
   * @param actType {@code act_type}
   */
  public record Params(ActType actType) {
    /** Checks the type is set. */
    public Params {
      ACT_TYPE.validate(actType);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Activation() {
    super("Activation", List.of("_npx_activation"), Params.class, List.of(ACT_TYPE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }


  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public List<int[]> backwardInplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return p.actType() == ActType.SOFTSIGN ? BackwardDeps.inputs(0) : BackwardDeps.outputs(0);
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? new Cpu(p.actType()) : null));
  }

  /**
   * The default (Java) kernel of {@code type}, for any shape of float32 data: the reference,
   * and what an accelerated kernel hands a call to that it does not run itself (such as a
   * gradient requested as {@code add}).
   */
  public static DataGradientKernel defaultKernel(ActType type) {
    return new Cpu(type);
  }

  /** One loop per type, so the inner loop has no dispatch. */
  private record Cpu(ActType type) implements DataGradientKernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      int n = in[0].size();
      switch (type) {
        case RELU -> {
          for (int i = 0; i < n; i++) {
            float v = x.get(i);
            y.put(i, v > 0f || v != v ? v : 0f); // mshadow: NaN passes, -0 becomes 0
          }
        }
        case SIGMOID -> {
          for (int i = 0; i < n; i++) {
            y.put(i, (float) (1.0 / (1.0 + Math.exp(-x.get(i)))));
          }
        }
        case TANH -> {
          for (int i = 0; i < n; i++) {
            y.put(i, (float) Math.tanh(x.get(i)));
          }
        }
        case SOFTRELU -> {
          for (int i = 0; i < n; i++) {
            float v = x.get(i);
            y.put(i, v > 20f ? v : (float) Math.log1p(Math.exp(v)));
          }
        }
        case SOFTSIGN -> {
          for (int i = 0; i < n; i++) {
            float v = x.get(i);
            y.put(i, v / (1f + Math.abs(v)));
          }
        }
      }
    }

    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      boolean add = a.adds(0);
      int n = a.inGrad()[0].size();
      if (type == ActType.SOFTSIGN) {
        FloatBuffer x = a.in()[0].floats();
        for (int i = 0; i < n; i++) {
          float d = 1f + Math.abs(x.get(i));
          float g = dy.get(i) / (d * d);
          dx.put(i, add ? dx.get(i) + g : g);
        }
        return;
      }
      FloatBuffer y = a.out()[0].floats();
      for (int i = 0; i < n; i++) {
        float o = y.get(i);
        float d = switch (type) {
          case RELU -> Float.isNaN(o) ? o : (o > 0f ? 1f : 0f);
          case SIGMOID -> o * (1f - o);
          case TANH -> 1f - o * o;
          default -> (float) -Math.expm1(-o); // softrelu: 1 - e^-y
        };
        float g = dy.get(i) * d;
        dx.put(i, add ? dx.get(i) + g : g);
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    double[] x = in[0];
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      y[i] = switch (p.actType()) {
        case RELU -> Double.isNaN(v) || v > 0 ? v : 0;
        case SIGMOID -> 1 / (1 + Math.exp(-v));
        case TANH -> Math.tanh(v);
        case SOFTRELU -> v > 20 ? v : Math.log1p(Math.exp(v));
        case SOFTSIGN -> v / (1 + Math.abs(v));
      };
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return java.util.Arrays.stream(ActType.values())
        .map(t -> Sample.of(new Params(t), Shape.of(4, 9)))
        .toList();
  }
}
