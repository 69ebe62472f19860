package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.ErfMath;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
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
 * {@code LeakyReLU} (alias {@code _npx_leaky_relu}): the parametrized ReLU family, element-wise,
 * output shape = data shape, as MXNet 1.9.1 ({@code src/operator/leaky_relu-inl.h},
 * {@code mshadow_op.h}).
 *
 * <ul>
 *   <li>{@code leaky}: {@code x > 0 ? x : slope·x}; gradient from the output:
 *       {@code y > 0 ? 1 : slope}.
 *   <li>{@code prelu}: as leaky with a learned {@code gamma} input broadcast onto the data's
 *       first two axes (MXNet's {@code expand_shape}: gamma's axes are matched from the right
 *       against data axes 0 and 1 only; {@code (C,)} by default). Gradients
 *       {@code dx = (x > 0 ? 1 : gamma)·dy}, {@code dgamma = Σ (x > 0 ? 0 : x)·dy}.
 *   <li>{@code rrelu}: outputs {@code output} and {@code mask}, both visible (MXNet declares no
 *       hidden outputs here). Training: {@code mask = lower + u·(upper - lower)} per element
 *       (u uniform in [0, 1) from {@link OpContext#random()}), {@code y = x > 0 ? x : mask·x}.
 *       Inference: slope {@code (lower + upper)/2} (Kindling also writes that slope into the
 *       mask, which MXNet leaves unwritten). Gradient {@code (y > 0 ? 1 : mask)·dy}.
 *   <li>{@code elu}: {@code x > 0 ? x : slope·(e^x - 1)}; gradient {@code y > 0 ? 1 : slope + y}.
 *   <li>{@code selu}: {@code λ·(x > 0 ? x : α·(e^x - 1))}. Gradient as MXNet computes it,
 *       {@code λ·(y > 0 ? 1 : α + y)}, which is <b>not</b> the exact derivative
 *       ({@code y + λα} for x ≤ 0); MXNet's own test asserts this formula.
 *   <li>{@code gelu}: the erf form {@code 0.5·x·(1 + erf(x/√2))} (both MXNet's mshadow kernel and
 *       its oneDNN {@code eltwise_gelu_erf} use erf, not the tanh approximation).
 * </ul>
 *
 * <p>One deliberate difference: MXNet 1.9.1's rrelu backward is mis-wired (its
 * {@code _backward_LeakyReLU} takes the mask's head gradient as the data and the output as the
 * mask, so it computes {@code (x > 0 ? 1 : y)·dy}); Kindling computes the intended gradient
 * above. MXNet has no rrelu test.
 */
@AutoService(OpDef.class)
public final class LeakyReLU extends OpDef<LeakyReLU.Params> {
  /** MXNet's {@code act_type} values, in its declaration order. */
  public enum ActType implements MxEnum {
    RRELU,
    LEAKY,
    PRELU,
    ELU,
    SELU,
    GELU
  }

  /** mshadow's SELU constants, as floats. */
  static final float SELU_ALPHA = 1.6732632423543772848170429916717f;
  static final float SELU_LAMBDA = 1.0507009873554804934193349852946f;
  private static final double SQRT_2 = Math.sqrt(2);

  static final Param<ActType> ACT_TYPE =
      Param.enumParam("act_type", ActType.class, ActType.LEAKY);
  static final Param<Float> SLOPE = Param.floatParam("slope", 0.25f);
  static final Param<Float> LOWER_BOUND = Param.floatParam("lower_bound", 0.125f);
  static final Param<Float> UPPER_BOUND = Param.floatParam("upper_bound", 0.334f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final LeakyReLU OP = new LeakyReLU();

  /**
   * Parameters of {@code LeakyReLU}.
   *
   * @param actType {@code act_type}
   * @param slope {@code slope} (leaky, elu)
   * @param lowerBound {@code lower_bound} of the random slope (rrelu)
   * @param upperBound {@code upper_bound} of the random slope (rrelu)
   */
  public record Params(ActType actType, float slope, float lowerBound, float upperBound) {
    /** Checks the type is set. */
    public Params {
      ACT_TYPE.validate(actType);
    }

    /** {@code act_type} with the default slope and bounds. */
    public static Params of(ActType t) {
      return new Params(t, 0.25f, 0.125f, 0.334f);
    }

    /** A copy with {@code slope} set. */
    public Params withSlope(float v) {
      return new Params(actType, v, lowerBound, upperBound);
    }

    /** A copy with {@code lower_bound} and {@code upper_bound} set. */
    public Params withBounds(float lower, float upper) {
      return new Params(actType, slope, lower, upper);
    }

    /** The inference slope of rrelu, computed in float as MXNet does. */
    float meanSlope() {
      return (lowerBound + upperBound) / 2.0f;
    }
  }

  /** For the service loader; use {@link #OP}. */
  public LeakyReLU() {
    super("LeakyReLU", List.of("_npx_leaky_relu"), Params.class,
        List.of(ACT_TYPE, SLOPE, LOWER_BOUND, UPPER_BOUND));
  }

  @Override
  public List<String> inputNames(Params p) {
    return p.actType() == ActType.PRELU ? List.of("data", "gamma") : List.of("data");
  }

  @Override
  public List<String> outputNames(Params p) {
    return p.actType() == ActType.RRELU ? List.of("output", "mask") : List.of("output");
  }

  /** prelu's gamma starts at 0.25 (input 1 exists only for prelu). */
  @Override
  public Map<String, String> inputVariableAttrs(Params p, int input) {
    return input == 1 ? Map.of("__init__", "[\"Constant\", {\"value\": 0.25}]") : Map.of();
  }

  /** The data as {@code (d0, d1, rest)} and gamma's extents {@code (e0, e1)} on d0 and d1. */
  record Prelu(int d0, int d1, int rest, int e0, int e1) {
    int gammaIndex(int n, int c) {
      return (e0 > 1 ? n : 0) * e1 + (e1 > 1 ? c : 0);
    }
  }

  /** MXNet's {@code expand_shape} of gamma onto the data, reduced to extents on axes 0 and 1. */
  static Prelu prelu(Shape data, Shape gamma) {
    int nd = data.ndim();
    if (nd == 0) {
      throw new IllegalArgumentException("LeakyReLU prelu: data must have at least one axis");
    }
    int[] result = new int[nd];
    int s = gamma.ndim() - 1;
    for (int i = nd - 1; i >= 0; i--) {
      if (s >= 0 && i <= 1 && (data.get(i) == gamma.get(s) || gamma.get(s) == 1)) {
        result[i] = gamma.get(s);
        s--;
      } else {
        result[i] = 1;
      }
    }
    if (s != -1) {
      throw new IllegalArgumentException("LeakyReLU prelu: cannot broadcast gamma of shape "
          + gamma + " to data of shape " + data + " (gamma's axes must match data axes 0 and 1, "
          + "e.g. (C,) for data (N, C, ...))");
    }
    int d1 = nd > 1 ? data.get(1) : 1;
    return new Prelu(data.get(0), d1, d1 == 0 || data.get(0) == 0 ? 0
        : data.intSize() / data.get(0) / d1, result[0], nd > 1 ? result[1] : 1);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    if (p.actType() == ActType.PRELU) {
      if (s.in(1) == null) {
        if (d.ndim() < 2) {
          throw new IllegalArgumentException("LeakyReLU prelu: cannot infer gamma's shape for "
              + "data of shape " + d + "; give gamma's shape");
        }
        s.assignIn(1, Shape.of(d.get(1)));
      }
      prelu(d, s.in(1)); // checks that gamma broadcasts
    }
    s.assignOut(0, d);
    if (p.actType() == ActType.RRELU) {
      s.assignOut(1, d);
    }
  }

  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return switch (p.actType()) {
      case PRELU -> BackwardDeps.inputs(0, 1);
      case GELU -> BackwardDeps.inputs(0);
      case RRELU -> BackwardDeps.outputs(0, 1);
      default -> BackwardDeps.outputs(0);
    };
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> !sig.allFloat32() ? null
        : new Cpu(p, p.actType() == ActType.PRELU ? prelu(sig.in(0), sig.in(1)) : null,
            sig.in(0).intSize())));
  }

  /** The default kernel; one loop per type so that the inner loop has no dispatch. */
  private record Cpu(Params p, Prelu pr, int n) implements Kernel {
    @Override
    public long workspaceBytes() {
      return pr == null ? 0 : (long) pr.e0() * pr.e1() * Double.BYTES;
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      switch (p.actType()) {
        case LEAKY -> leaky(x, y, p.slope(), n);
        case RRELU -> {
          FloatBuffer mask = out[1].floats();
          if (ctx.isTrain()) {
            RandomGenerator r = ctx.random();
            float range = p.upperBound() - p.lowerBound();
            for (int i = 0; i < n; i++) {
              float m = r.nextFloat() * range + p.lowerBound();
              float v = x.get(i);
              mask.put(i, m);
              y.put(i, v > 0f ? v : v * m);
            }
          } else {
            float slope = p.meanSlope();
            for (int i = 0; i < n; i++) {
              mask.put(i, slope);
            }
            leaky(x, y, slope, n);
          }
        }
        case PRELU -> {
          FloatBuffer g = in[1].floats();
          for (int a = 0; a < pr.d0(); a++) {
            for (int c = 0; c < pr.d1(); c++) {
              float slope = g.get(pr.gammaIndex(a, c));
              int base = (a * pr.d1() + c) * pr.rest();
              for (int i = base, end = base + pr.rest(); i < end; i++) {
                float v = x.get(i);
                y.put(i, v > 0f ? v : v * slope);
              }
            }
          }
        }
        case ELU -> {
          float slope = p.slope();
          for (int i = 0; i < n; i++) {
            float v = x.get(i);
            y.put(i, v > 0f ? v : slope * (float) Math.expm1(v));
          }
        }
        case SELU -> {
          for (int i = 0; i < n; i++) {
            float v = x.get(i);
            y.put(i, SELU_LAMBDA * (v > 0f ? v : SELU_ALPHA * (float) Math.expm1(v)));
          }
        }
        case GELU -> {
          for (int i = 0; i < n; i++) {
            float v = x.get(i);
            y.put(i, (float) (0.5 * v * (1 + ErfMath.erf(v / SQRT_2))));
          }
        }
      }
    }

    private static void leaky(FloatBuffer x, FloatBuffer y, float slope, int n) {
      for (int i = 0; i < n; i++) {
        float v = x.get(i);
        y.put(i, v > 0f ? v : v * slope);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer dy = a.outGrad()[0].floats();
      if (p.actType() == ActType.PRELU) {
        preluBackward(ctx, a, dy);
        return;
      }
      if (!a.wants(0)) {
        return;
      }
      FloatBuffer dx = a.inGrad()[0].floats();
      boolean add = a.adds(0);
      if (p.actType() == ActType.GELU) {
        FloatBuffer x = a.in()[0].floats();
        for (int i = 0; i < n; i++) {
          double t = x.get(i) / SQRT_2;
          float d = (float) (0.5 * (1 + ErfMath.erf(t)
              + x.get(i) * ErfMath.derivative(t) / SQRT_2));
          float g = dy.get(i) * d;
          dx.put(i, add ? dx.get(i) + g : g);
        }
        return;
      }
      FloatBuffer y = a.out()[0].floats();
      FloatBuffer mask = p.actType() == ActType.RRELU ? a.out()[1].floats() : null;
      float slope = p.slope();
      for (int i = 0; i < n; i++) {
        float o = y.get(i);
        float d = switch (p.actType()) {
          case LEAKY -> o > 0f ? 1f : slope;
          case RRELU -> o > 0f ? 1f : mask.get(i);
          case ELU -> o > 0f ? 1f : slope + o;
          default -> SELU_LAMBDA * (o > 0f ? 1f : SELU_ALPHA + o); // MXNet's selu_grad
        };
        float g = dy.get(i) * d;
        dx.put(i, add ? dx.get(i) + g : g);
      }
    }

    private void preluBackward(OpContext ctx, BackwardArgs a, FloatBuffer dy) {
      FloatBuffer x = a.in()[0].floats();
      FloatBuffer gamma = a.in()[1].floats();
      FloatBuffer dx = a.wants(0) ? a.inGrad()[0].floats() : null;
      boolean add = a.adds(0);
      int ng = pr.e0() * pr.e1();
      DoubleBuffer acc = ctx.workspace().asDoubleBuffer();
      for (int k = 0; k < ng; k++) {
        acc.put(k, 0);
      }
      for (int b = 0; b < pr.d0(); b++) {
        for (int c = 0; c < pr.d1(); c++) {
          int gi = pr.gammaIndex(b, c);
          float slope = gamma.get(gi);
          int base = (b * pr.d1() + c) * pr.rest();
          double sum = 0;
          for (int i = base, end = base + pr.rest(); i < end; i++) {
            float v = x.get(i);
            float g = dy.get(i);
            if (v <= 0f || v != v) {
              sum += v * g; // prelu_grad: x > 0 ? 0 : x
            }
            if (dx != null) {
              float d = (v > 0f ? 1f : slope) * g;
              dx.put(i, add ? dx.get(i) + d : d);
            }
          }
          acc.put(gi, acc.get(gi) + sum);
        }
      }
      if (a.wants(1)) {
        FloatBuffer dg = a.inGrad()[1].floats();
        for (int k = 0; k < ng; k++) {
          float g = (float) acc.get(k);
          dg.put(k, a.adds(1) ? dg.get(k) + g : g);
        }
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    if (train && p.actType() == ActType.RRELU) {
      throw new UnsupportedOperationException("rrelu is random in training; no reference");
    }
    double[] x = in[0];
    double[] y = new double[x.length];
    Prelu pr = p.actType() == ActType.PRELU ? prelu(inShapes[0], inShapes[1]) : null;
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      y[i] = switch (p.actType()) {
        case LEAKY -> v > 0 ? v : v * p.slope();
        case RRELU -> v > 0 ? v : v * p.meanSlope();
        case PRELU -> {
          int rowSize = pr.d1() * pr.rest();
          int b = rowSize == 0 ? 0 : i / rowSize;
          int c = pr.rest() == 0 ? 0 : (i / pr.rest()) % pr.d1();
          yield v > 0 ? v : v * in[1][pr.gammaIndex(b, c)];
        }
        case ELU -> v > 0 ? v : p.slope() * Math.expm1(v);
        case SELU -> SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
        case GELU -> 0.5 * v * (1 + ErfMath.erf(v / SQRT_2));
      };
    }
    if (p.actType() == ActType.RRELU) {
      double[] mask = new double[x.length];
      java.util.Arrays.fill(mask, p.meanSlope());
      return new double[][] {y, mask};
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(ActType.LEAKY), Shape.of(4, 5)),
        Sample.of(Params.of(ActType.LEAKY).withSlope(0.1f), Shape.of(2, 3, 4)),
        Sample.of(Params.of(ActType.PRELU), Shape.of(2, 3, 4), Shape.of(3))
            .domain(1, Domain.FINITE),
        Sample.of(Params.of(ActType.PRELU), Shape.of(3, 4), Shape.of(1)),
        Sample.of(Params.of(ActType.PRELU), Shape.of(2, 3, 2), Shape.of(2, 3))
            .domain(1, Domain.FINITE),
        Sample.of(Params.of(ActType.ELU), Shape.of(4, 5)),
        Sample.of(Params.of(ActType.ELU).withSlope(1f), Shape.of(3, 4)),
        // MXNet's selu gradient is not the exact derivative: LeakyReLUTest checks its formula
        Sample.of(Params.of(ActType.SELU), Shape.of(4, 5)).noGradientCheck(),
        Sample.of(Params.of(ActType.GELU), Shape.of(4, 5)),
        Sample.of(Params.of(ActType.RRELU).withBounds(0.1f, 0.3f), Shape.of(3, 4)));
  }
}
