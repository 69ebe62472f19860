package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

/**
 * {@code Activation}: an element-wise non-linearity, output shape = input shape. relu
 * {@code max(x,0)}; sigmoid {@code 1/(1+e^-x)}; tanh; softrelu {@code log(1+e^x)} (x itself
 * above 20); softsign {@code x/(1+|x|)}. Gradients use the output (input for softsign), as
 * MXNet's kernels do.
 */
public final class Activation extends Operator<Activation.Params> {
  /** MXNet's {@code act_type} values. */
  public enum ActType implements MxEnum {
    RELU,
    SIGMOID,
    TANH,
    SOFTRELU,
    SOFTSIGN
  }

  static final Param<ActType> ACT_TYPE = Param.requiredEnum("act_type", ActType.class);

  /**
   * Parameters of {@code Activation}.
   *
   * @param actType {@code act_type}
   */
  public record Params(ActType actType) {
    public Params {
      ACT_TYPE.validate(actType);
    }
  }

  Activation() {
    super("Activation", List.of(), List.of(ACT_TYPE));
  }

  @Override
  protected Params fromValues(ParamValues v) {
    return new Params(v.get(ACT_TYPE));
  }

  @Override
  public Map<String, String> toAttrs(Params p) {
    TreeMap<String, String> m = new TreeMap<>();
    putIfSet(m, ACT_TYPE, p.actType());
    return m;
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    if (s.in(0) != null) {
      s.assignOut(0, s.in(0));
    } else if (s.out(0) != null) {
      s.assignIn(0, s.out(0));
    }
  }

  @Override
  public void forward(Params p, ForwardContext ctx) {
    FloatBuffer x = ctx.in(0);
    FloatBuffer y = ctx.out(0);
    int n = ctx.inShape(0).intSize();
    // One loop per type, so the inner loop has no dispatch.
    switch (p.actType()) {
      case RELU:
        for (int i = 0; i < n; i++) {
          float v = x.get(i);
          y.put(i, v > 0f ? v : 0f);
        }
        break;
      case SIGMOID:
        for (int i = 0; i < n; i++) {
          y.put(i, (float) (1.0 / (1.0 + Math.exp(-x.get(i)))));
        }
        break;
      case TANH:
        for (int i = 0; i < n; i++) {
          y.put(i, (float) Math.tanh(x.get(i)));
        }
        break;
      case SOFTRELU:
        for (int i = 0; i < n; i++) {
          float v = x.get(i);
          y.put(i, v > 20f ? v : (float) Math.log1p(Math.exp(v)));
        }
        break;
      case SOFTSIGN:
        for (int i = 0; i < n; i++) {
          float v = x.get(i);
          y.put(i, v / (1f + Math.abs(v)));
        }
        break;
      default:
        throw new IllegalStateException("unhandled act_type " + p.actType());
    }
  }

  @Override
  public void backward(Params p, BackwardContext ctx) {
    if (!ctx.wants(0)) {
      return;
    }
    FloatBuffer dy = ctx.outGrad(0);
    FloatBuffer y = ctx.out(0);
    FloatBuffer x = ctx.in(0);
    FloatBuffer dx = ctx.inGrad(0);
    boolean add = ctx.adds(0);
    int n = ctx.inShape(0).intSize();
    switch (p.actType()) {
      case RELU:
        for (int i = 0; i < n; i++) {
          float g = y.get(i) > 0f ? dy.get(i) : 0f;
          dx.put(i, add ? dx.get(i) + g : g);
        }
        break;
      case SIGMOID:
        for (int i = 0; i < n; i++) {
          float o = y.get(i);
          float g = dy.get(i) * o * (1f - o);
          dx.put(i, add ? dx.get(i) + g : g);
        }
        break;
      case TANH:
        for (int i = 0; i < n; i++) {
          float o = y.get(i);
          float g = dy.get(i) * (1f - o * o);
          dx.put(i, add ? dx.get(i) + g : g);
        }
        break;
      case SOFTRELU:
        for (int i = 0; i < n; i++) {
          float g = dy.get(i) * (float) -Math.expm1(-y.get(i));
          dx.put(i, add ? dx.get(i) + g : g);
        }
        break;
      case SOFTSIGN:
        for (int i = 0; i < n; i++) {
          float d = 1f + Math.abs(x.get(i));
          float g = dy.get(i) / (d * d);
          dx.put(i, add ? dx.get(i) + g : g);
        }
        break;
      default:
        throw new IllegalStateException("unhandled act_type " + p.actType());
    }
  }

  @Override
  public double[][] referenceForward(Params p, Shape[] inShapes, double[][] in) {
    double[] x = in[0];
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      switch (p.actType()) {
        case RELU -> y[i] = Math.max(v, 0);
        case SIGMOID -> y[i] = 1 / (1 + Math.exp(-v));
        case TANH -> y[i] = Math.tanh(v);
        case SOFTRELU -> y[i] = v > 20 ? v : Math.log(1 + Math.exp(v));
        case SOFTSIGN -> y[i] = v / (1 + Math.abs(v));
        default -> throw new IllegalStateException("unhandled act_type " + p.actType());
      }
    }
    return new double[][] {y};
  }
}
