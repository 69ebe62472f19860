package org.kindling.tensor.op.math;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.kindling.tensor.kernel.ErfMath;
import org.kindling.tensor.op.Domain;

/**
 * The table of MXNet's unary math operators ({@code MXNET_OPERATOR_REGISTER_UNARY} with its
 * {@code mshadow_op} functors), one row per operator: its name and aliases, the float32 function
 * the kernel applies, its float64 reference, what the gradient reads ({@link Reads}, MXNet's
 * {@code ElemwiseGradUseNone/UseIn/UseOut}, or a zero gradient for the rounding functions,
 * {@code MakeZeroGradNodes}), the derivative as MXNet's backward functor computes it from the
 * input {@code x} or the output {@code y}, and the value domains its test samples draw from
 * (default {@link Domain#ANY}). {@link UnaryMath} turns each row into an operator.
 *
 * <p>MXNet's behaviour is kept where it surprises: {@code sign(NaN) = 0}; {@code relu} passes NaN
 * (and its gradient is NaN there); {@code round} rounds halves away from zero while {@code rint}
 * rounds them down ({@code rint(2.5) = 2}, {@code rint(-2.5) = -3}); {@code fix} rounds toward
 * zero; {@code logical_not(NaN) = 0}.
 */
enum UnaryFn {
  /** {@code negative}: {@code -x}; gradient {@code -dy}. */
  NEGATIVE("negative", List.of("_sparse_negative"), Reads.NOTHING, x -> -x, x -> -x,
      (x, y) -> -1f) {
    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] = -v[i];
      }
    }
  },
  /** {@code abs}: {@code |x|}; gradient {@code dy * sign(x)} (mshadow_op::sign: 0 at 0, NaN). */
  ABS("abs", List.of("_sparse_abs"), Reads.INPUT, Math::abs, Math::abs, (x, y) -> sign(x)) {
    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] = Math.abs(v[i]);
      }
    }
  },
  /** {@code sign}: -1, 0 or 1 ({@code sign(NaN) = 0}, as mshadow); zero gradient. */
  SIGN("sign", List.of("_sparse_sign"), UnaryFn::sign, x -> x < 0 ? -1 : x > 0 ? 1 : 0,
      Domain.ANY, new Domain(-1, 2, true, false)),
  /** {@code round}: C's round, halves away from zero ({@code round(-2.5) = -3}); zero gradient. */
  ROUND("round", List.of("_sparse_round"),
      x -> (float) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x),
      x -> {
        double f = Math.floor(x);
        double d = x - f;
        double r = d > 0.5 || (d == 0.5 && x > 0) ? f + 1 : f;
        return Double.isInfinite(x) ? x : r;
      }),
  /**
   * {@code rint}: mshadow_op::rint, the nearer of floor and ceil, floor on a tie
   * ({@code rint(2.5) = 2}, {@code rint(-2.5) = -3}, not the even neighbour); zero gradient.
   */
  RINT("rint", List.of("_sparse_rint"),
      x -> {
        float f = (float) Math.floor(x);
        float c = (float) Math.ceil(x);
        return x - f <= c - x ? f : c;
      },
      x -> Double.isNaN(x) || Double.isInfinite(x) ? x
          : x - Math.floor(x) <= 0.5 ? Math.floor(x) : Math.floor(x) + 1),
  /** {@code ceil}: the smallest integer {@code >= x}; zero gradient. */
  CEIL("ceil", List.of("_sparse_ceil"), x -> (float) Math.ceil(x), x -> -Math.floor(-x)),
  /** {@code floor}: the largest integer {@code <= x}; zero gradient. */
  FLOOR("floor", List.of("_sparse_floor"), x -> (float) Math.floor(x), x -> -Math.ceil(-x)),
  /** {@code trunc}: the integer part, rounding toward zero; zero gradient. */
  TRUNC("trunc", List.of("_sparse_trunc"),
      x -> (float) (x < 0 ? Math.ceil(x) : Math.floor(x)),
      x -> x < 0 ? -Math.floor(-x) : Math.floor(x)),
  /**
   * {@code fix}: mshadow_op::fix, rounds toward zero (of floor and ceil, the one of smaller
   * magnitude); zero gradient.
   */
  FIX("fix", List.of("_sparse_fix"),
      x -> {
        float f = (float) Math.floor(x);
        float c = (float) Math.ceil(x);
        return Math.abs(f) < Math.abs(c) ? f : c;
      },
      x -> x < 0 ? -Math.floor(-x) : Math.floor(x)),
  /** {@code square}: {@code x^2}; gradient {@code 2x dy}. */
  SQUARE("square", List.of("_sparse_square"), Reads.INPUT, x -> x * x, x -> x * x,
      (x, y) -> 2f * x) {
    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] *= v[i];
      }
    }
  },
  /** {@code sqrt}: {@code sqrt(x)} (NaN below 0); gradient {@code dy 0.5 / y}, from the output. */
  SQRT("sqrt", List.of("_sparse_sqrt"), Reads.OUTPUT, x -> (float) Math.sqrt(x), Math::sqrt,
      (x, y) -> 0.5f / y, Domain.POSITIVE),
  /** {@code rsqrt}: {@code 1/sqrt(x)}; gradient {@code -0.5 dy / (sqrt(x) x)}. */
  RSQRT("rsqrt", List.of("_sparse_rsqrt"), Reads.INPUT, x -> (float) (1.0 / Math.sqrt(x)),
      x -> 1 / Math.sqrt(x), (x, y) -> (float) (-0.5 / (Math.sqrt(x) * x)), Domain.POSITIVE),
  /** {@code cbrt}: the cube root (odd); gradient {@code dy / (3 y^2)}, from the output. */
  CBRT("cbrt", List.of("_sparse_cbrt"), Reads.OUTPUT, x -> (float) Math.cbrt(x), UnaryFn::cbrt,
      (x, y) -> 1f / (3f * y * y), Domain.POSITIVE, Domain.range(-3, -0.5)),
  /** {@code rcbrt}: {@code 1/cbrt(x)}; gradient {@code -dy / (3 cbrt(x) x)}. */
  RCBRT("rcbrt", List.of(), Reads.INPUT, x -> (float) (1.0 / Math.cbrt(x)), x -> 1 / cbrt(x),
      (x, y) -> (float) (-1.0 / (3.0 * Math.cbrt(x) * x)), Domain.POSITIVE,
      Domain.range(-3, -0.5)),
  /** {@code exp}: {@code e^x}; gradient {@code dy * y}, from the output. */
  EXP("exp", List.of("_sparse_exp"), Reads.OUTPUT, x -> (float) Math.exp(x), Math::exp,
      (x, y) -> y),
  /** {@code expm1}: {@code e^x - 1}, accurate near 0; gradient {@code dy e^x}. */
  EXPM1("expm1", List.of("_sparse_expm1"), Reads.INPUT, x -> (float) Math.expm1(x), Math::expm1,
      (x, y) -> (float) Math.exp(x)),
  /** {@code log}: the natural logarithm (NaN below 0, -inf at 0); gradient {@code dy / x}. */
  LOG("log", List.of("_sparse_log"), Reads.INPUT, x -> (float) Math.log(x), Math::log,
      (x, y) -> 1f / x, Domain.POSITIVE),
  /** {@code log10}: the base-10 logarithm; gradient {@code dy / (x ln 10)}. */
  LOG10("log10", List.of("_sparse_log10"), Reads.INPUT, x -> (float) Math.log10(x),
      x -> Math.log(x) / Math.log(10), (x, y) -> 0.4342944819f / x, Domain.POSITIVE),
  /** {@code log2}: the base-2 logarithm; gradient {@code dy / (x ln 2)}. */
  LOG2("log2", List.of("_sparse_log2"), Reads.INPUT, x -> (float) (Math.log(x) / Ln2.VALUE),
      x -> Math.log(x) / Math.log(2), (x, y) -> 1.442695041f / x, Domain.POSITIVE),
  /** {@code log1p}: {@code log(1 + x)}, accurate near 0; gradient {@code dy / (1 + x)}. */
  LOG1P("log1p", List.of("_sparse_log1p"), Reads.INPUT, x -> (float) Math.log1p(x), Math::log1p,
      (x, y) -> 1f / (1f + x), Domain.range(-0.5, 3)),
  /** {@code sin}: the sine; gradient {@code dy cos(x)}. */
  SIN("sin", List.of("_sparse_sin"), Reads.INPUT, x -> (float) Math.sin(x), Math::sin,
      (x, y) -> (float) Math.cos(x)),
  /** {@code cos}: the cosine; gradient {@code -dy sin(x)}. */
  COS("cos", List.of("_sparse_cos"), Reads.INPUT, x -> (float) Math.cos(x), Math::cos,
      (x, y) -> (float) -Math.sin(x)),
  /** {@code tan}: the tangent; gradient {@code dy (y^2 + 1)}, from the output. */
  TAN("tan", List.of("_sparse_tan"), Reads.OUTPUT, x -> (float) Math.tan(x),
      x -> Math.sin(x) / Math.cos(x), (x, y) -> y * y + 1f, Domain.range(-1.2, 1.2)),
  /** {@code arcsin}: the inverse sine (NaN outside [-1, 1]); gradient {@code dy / sqrt(1-x^2)}. */
  ARCSIN("arcsin", List.of("_sparse_arcsin"), Reads.INPUT, x -> (float) Math.asin(x), Math::asin,
      (x, y) -> (float) (1.0 / Math.sqrt(1.0 - x * x)), Domain.range(-0.9, 0.9)),
  /** {@code arccos}: the inverse cosine; gradient {@code -dy / sqrt(1 - x^2)}. */
  ARCCOS("arccos", List.of("_sparse_arccos"), Reads.INPUT, x -> (float) Math.acos(x), Math::acos,
      (x, y) -> (float) (-1.0 / Math.sqrt(1.0 - x * x)), Domain.range(-0.9, 0.9)),
  /** {@code arctan}: the inverse tangent; gradient {@code dy / (x^2 + 1)}. */
  ARCTAN("arctan", List.of("_sparse_arctan"), Reads.INPUT, x -> (float) Math.atan(x), Math::atan,
      (x, y) -> 1f / (x * x + 1f)),
  /** {@code degrees}: radians to degrees, {@code x * 180 / pi}. */
  DEGREES("degrees", List.of("_sparse_degrees"), Reads.INPUT, x -> (float) (180.0 / Math.PI) * x,
      Math::toDegrees, (x, y) -> (float) (180.0 / Math.PI)),
  /** {@code radians}: degrees to radians, {@code x * pi / 180}. */
  RADIANS("radians", List.of("_sparse_radians"), Reads.INPUT, x -> (float) (Math.PI / 180.0) * x,
      Math::toRadians, (x, y) -> (float) (Math.PI / 180.0)),
  /** {@code sinh}: the hyperbolic sine; gradient {@code dy cosh(x)}. */
  SINH("sinh", List.of("_sparse_sinh"), Reads.INPUT, x -> (float) Math.sinh(x),
      x -> Double.isInfinite(x) ? x : (Math.exp(x) - Math.exp(-x)) / 2,
      (x, y) -> (float) Math.cosh(x)),
  /** {@code cosh}: the hyperbolic cosine; gradient {@code dy sinh(x)}. */
  COSH("cosh", List.of("_sparse_cosh"), Reads.INPUT, x -> (float) Math.cosh(x),
      x -> (Math.exp(x) + Math.exp(-x)) / 2, (x, y) -> (float) Math.sinh(x)),
  /** {@code tanh}: the hyperbolic tangent; gradient {@code dy (1 - y^2)}, from the output. */
  TANH("tanh", List.of("_sparse_tanh"), Reads.OUTPUT, x -> (float) Math.tanh(x), Math::tanh,
      (x, y) -> 1f - y * y),
  /** {@code arcsinh}: the inverse hyperbolic sine; gradient {@code dy / hypot(x, 1)}. */
  ARCSINH("arcsinh", List.of("_sparse_arcsinh"), Reads.INPUT, x -> (float) asinh(x),
      x -> x < 0 ? -Math.log(-x + Math.sqrt(x * x + 1)) : Math.log(x + Math.sqrt(x * x + 1)),
      (x, y) -> (float) (1.0 / Math.hypot(x, 1.0))),
  /**
   * {@code arccosh}: the inverse hyperbolic cosine (NaN below 1); gradient
   * {@code dy / sqrt(x^2 - 1)}.
   */
  ARCCOSH("arccosh", List.of("_sparse_arccosh"), Reads.INPUT,
      x -> (float) Math.log(x + Math.sqrt((double) x * x - 1.0)),
      x -> Math.log(x + Math.sqrt(x * x - 1)),
      (x, y) -> (float) (1.0 / Math.sqrt((double) x * x - 1.0)), Domain.range(1.2, 3)),
  /**
   * {@code arctanh}: the inverse hyperbolic tangent (NaN outside [-1, 1]); gradient
   * {@code dy / (1 - x^2)}.
   */
  ARCTANH("arctanh", List.of("_sparse_arctanh"), Reads.INPUT,
      x -> (float) (0.5 * Math.log1p(2.0 * x / (1.0 - x))),
      x -> 0.5 * Math.log((1 + x) / (1 - x)), (x, y) -> 1f / (1f - x * x),
      Domain.range(-0.9, 0.9)),
  /** {@code sigmoid}: {@code 1 / (1 + e^-x)}; gradient {@code dy y (1 - y)}, from the output. */
  SIGMOID("sigmoid", List.of("_sparse_sigmoid"), Reads.OUTPUT,
      x -> (float) (1.0 / (1.0 + Math.exp(-x))), x -> 1 / (1 + Math.exp(-x)),
      (x, y) -> y * (1f - y)),
  /**
   * {@code relu}: {@code max(x, 0)}, NaN kept (mshadow's relu); gradient {@code dy} where
   * {@code y > 0}, from the output (NaN where y is NaN).
   */
  RELU("relu", List.of("_sparse_relu"), Reads.OUTPUT, x -> x > 0f || x != x ? x : 0f,
      x -> Double.isNaN(x) || x > 0 ? x : 0, (x, y) -> y != y ? y : (y > 0f ? 1f : 0f)) {
    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] = v[i] > 0f || v[i] != v[i] ? v[i] : 0f;
      }
    }
  },
  /** {@code softsign}: {@code x / (1 + |x|)}; gradient {@code dy / (1 + |x|)^2}. */
  SOFTSIGN("softsign", List.of(), Reads.INPUT, x -> x / (1f + Math.abs(x)),
      x -> x / (1 + Math.abs(x)), (x, y) -> 1f / ((1f + Math.abs(x)) * (1f + Math.abs(x)))),
  /** {@code reciprocal}: {@code 1 / x}; gradient {@code -dy / x^2}. */
  RECIPROCAL("reciprocal", List.of(), Reads.INPUT, x -> 1f / x, x -> 1 / x,
      (x, y) -> -1f / (x * x), Domain.POSITIVE, Domain.range(-3, -0.5)),
  /** {@code erf}: the Gauss error function; gradient {@code dy 2/sqrt(pi) e^(-x^2)}. */
  ERF("erf", List.of("_npx_erf"), Reads.INPUT, x -> (float) ErfMath.erf(x), ErfMath::erf,
      (x, y) -> (float) ErfMath.derivative(x)),
  /**
   * {@code logical_not}: mshadow_op::nt, 1 where {@code x == 0}, else 0 (NaN gives 0), in the
   * input's type; zero gradient.
   */
  LOGICAL_NOT("logical_not", List.of(), x -> x != 0f ? 0f : 1f, x -> x == 0 ? 1 : 0,
      new Domain(-1, 2, true, false), Domain.ANY);

  /** What the backward pass reads. */
  enum Reads {
    /** Only the output gradient (negative). */
    NOTHING,
    /** The input (ElemwiseGradUseIn). */
    INPUT,
    /** The output (ElemwiseGradUseOut). */
    OUTPUT,
    /** Nothing: the gradient is zero (MakeZeroGradNodes). */
    ZERO
  }

  /** A float32 element function. */
  interface FloatFn {
    float apply(float x);
  }

  /** dy/dx from the input {@code x} or the output {@code y}. */
  interface Derivative {
    float at(float x, float y);
  }

  /** ln 2, for log2 (enum constants may not read the enum's own static fields). */
  private static final class Ln2 {
    static final double VALUE = Math.log(2);
  }

  private final String opName;
  private final List<String> aliases;
  private final Reads reads;
  private final FloatFn fn;
  private final DoubleUnaryOperator ref;
  private final Derivative grad;
  private final List<Domain> domains;

  UnaryFn(String opName, List<String> aliases, Reads reads, FloatFn fn, DoubleUnaryOperator ref,
      Derivative grad, Domain... domains) {
    this.opName = opName;
    this.aliases = aliases;
    this.reads = reads;
    this.fn = fn;
    this.ref = ref;
    this.grad = grad;
    this.domains = domains.length == 0 ? List.of(Domain.ANY) : List.of(domains);
  }

  /** A function with a zero gradient (the rounding and logical functions). */
  UnaryFn(String opName, List<String> aliases, FloatFn fn, DoubleUnaryOperator ref,
      Domain... domains) {
    this(opName, aliases, Reads.ZERO, fn, ref, (x, y) -> 0f, domains);
  }

  /** MXNet's operator name. */
  final String opName() {
    return opName;
  }

  /** Names that resolve to the operator when read from files. */
  final List<String> aliases() {
    return aliases;
  }

  /** What the backward pass reads. */
  final Reads reads() {
    return reads;
  }

  /** Where the test samples' inputs come from; the first also feeds a 3-D sample. */
  final List<Domain> domains() {
    return domains;
  }

  /** The kernel's float32 function. */
  final float apply(float x) {
    return fn.apply(x);
  }

  /** The float64 reference of {@link #apply}. */
  final double ref(double x) {
    return ref.applyAsDouble(x);
  }

  /** dy/dx from the input {@code x} or the output {@code y} (whichever {@link #reads()} says). */
  final float grad(float x, float y) {
    return grad.at(x, y);
  }

  /** {@code v[i] = apply(v[i])} for {@code i < n}. */
  void map(float[] v, int n) {
    for (int i = 0; i < n; i++) {
      v[i] = fn.apply(v[i]);
    }
  }

  /** mshadow_op::sign. */
  static float sign(float x) {
    return x < 0f ? -1f : x > 0f ? 1f : 0f;
  }

  /** The real cube root, odd, as the float64 reference computes it. */
  private static double cbrt(double x) {
    return Math.copySign(Math.pow(Math.abs(x), 1.0 / 3), x);
  }

  /** asinh, accurate for large and small |x|, odd. */
  static double asinh(double x) {
    double a = Math.abs(x);
    double r = a > 1e8 ? Math.log(a) + Ln2.VALUE
        : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    return Math.copySign(r, x);
  }
}
