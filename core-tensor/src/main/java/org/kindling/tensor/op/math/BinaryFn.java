package org.kindling.tensor.op.math;

import java.util.function.DoubleBinaryOperator;

/**
 * The element functions of MXNet's binary operators ({@code mshadow_op}), shared by the
 * {@code elemwise_*}/{@code _*} (equal shapes), {@code broadcast_*} and {@code _*_scalar}
 * families: the float32 function the kernels apply, the float64 reference that defines it for the
 * test suites, and the partial derivatives MXNet's backward functors compute ({@code gradA} with
 * respect to the left operand, {@code gradB} the right).
 *
 * <p>MXNet's semantics are kept where they surprise: {@link #MOD} is Python's modulo (the result
 * takes the divisor's sign) computed in double, and {@code x % 0 == 0}; {@link #MAXIMUM} and
 * {@link #MINIMUM} return a NaN left operand but otherwise compare ({@code a > b ? a : b}), so a
 * NaN right operand wins too; comparisons give 1 or 0 in the operands' type; logical operators
 * treat NaN as true (C's {@code a && b}); {@link #POWER} follows C's {@code pow} (1 for a base of 1
 * or for -1 to an infinite power), unlike Java's {@link Math#pow}.
 */
enum BinaryFn {
  /** {@code a + b}; gradients {@code dy}, {@code dy}. */
  PLUS((a, b) -> a + b, (a, b) -> a + b, (a, b) -> 1f, (a, b) -> 1f) {
    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] + b[i];
      }
    }
  },
  /** {@code a - b}; gradients {@code dy}, {@code -dy}. */
  MINUS((a, b) -> a - b, (a, b) -> a - b, (a, b) -> 1f, (a, b) -> -1f) {
    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] - b[i];
      }
    }
  },
  /** {@code a * b}; gradients {@code dy b}, {@code dy a}. */
  MUL((a, b) -> a * b, (a, b) -> a * b, (a, b) -> b, (a, b) -> a) {
    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] * b[i];
      }
    }
  },
  /** {@code a / b} (IEEE division); gradients {@code dy / b}, {@code -dy a / b^2}. */
  DIV((a, b) -> a / b, (a, b) -> a / b, (a, b) -> 1f / b, (a, b) -> -a / (b * b)) {
    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] / b[i];
      }
    }
  },
  /**
   * mshadow_op::mod, {@code a mod b} with the divisor's sign, 0 where {@code b == 0}; gradients
   * mod_grad ({@code dy}) and mod_rgrad ({@code -dy floor(a / b)}, in float).
   */
  MOD((a, b) -> (float) mod(a, b), BinaryFn::refMod, (a, b) -> 1f,
      (a, b) -> (float) -Math.floor(a / b)),
  /** C's {@code pow}; gradients {@code dy b a^(b-1)}, {@code dy a^b ln(a)}. */
  POWER((a, b) -> (float) cpow(a, b), BinaryFn::cpow, (a, b) -> (float) (cpow(a, b - 1f) * b),
      (a, b) -> (float) (cpow(a, b) * Math.log(a))),
  /**
   * The larger operand (a NaN left operand wins, then {@code a > b ? a : b}); the gradient goes
   * to {@code a} where {@code a >= b} (mshadow_op::ge: ties to the left), else to {@code b}
   * (mshadow_op::lt).
   */
  MAXIMUM((a, b) -> a != a ? a : (a > b ? a : b), (a, b) -> Double.isNaN(a) ? a : a > b ? a : b,
      (a, b) -> a >= b ? 1f : 0f, (a, b) -> a < b ? 1f : 0f),
  /**
   * The smaller operand (a NaN left operand wins, then {@code a < b ? a : b}); the gradient goes
   * to {@code a} where {@code a <= b} (mshadow_op::le: ties to the left), else to {@code b}
   * (mshadow_op::gt).
   */
  MINIMUM((a, b) -> a != a ? a : (a < b ? a : b), (a, b) -> Double.isNaN(a) ? a : a < b ? a : b,
      (a, b) -> a <= b ? 1f : 0f, (a, b) -> a > b ? 1f : 0f),
  /** {@code sqrt(a^2 + b^2)}; gradients {@code dy a / y}, {@code dy b / y}. */
  HYPOT((a, b) -> (float) Math.hypot(a, b), BinaryFn::refHypot,
      (a, b) -> (float) (a / Math.hypot(a, b)), (a, b) -> (float) (b / Math.hypot(a, b))),
  /** 1 where {@code a == b}, else 0. */
  EQUAL((a, b) -> a == b),
  /** 1 where {@code a != b} (also for NaN), else 0. */
  NOT_EQUAL((a, b) -> a != b),
  /** 1 where {@code a > b}, else 0. */
  GREATER((a, b) -> a > b),
  /** 1 where {@code a >= b}, else 0. */
  GREATER_EQUAL((a, b) -> a >= b),
  /** 1 where {@code a < b}, else 0. */
  LESSER((a, b) -> a < b),
  /** 1 where {@code a <= b}, else 0. */
  LESSER_EQUAL((a, b) -> a <= b),
  /** 1 where both are non-zero (NaN counts as true), else 0. */
  LOGICAL_AND((a, b) -> a != 0 && b != 0),
  /** 1 where either is non-zero, else 0. */
  LOGICAL_OR((a, b) -> a != 0 || b != 0),
  /** 1 where exactly one is non-zero, else 0. */
  LOGICAL_XOR((a, b) -> (a != 0) != (b != 0)),
  /**
   * mshadow_op::smooth_l1_loss, {@code a} the data and {@code b} sigma: {@code 0.5 (sigma x)^2}
   * where {@code |x| <= 1/sigma^2}, else {@code |x| - 0.5/sigma^2}. Only {@code smooth_l1} uses
   * it, and only its left gradient.
   */
  SMOOTH_L1(BinaryFn::smoothL1, BinaryFn::refSmoothL1, BinaryFn::smoothL1Grad, (a, b) -> 0f);

  /** A float32 function of two operands (the kernel's, or a partial derivative). */
  interface FloatFn {
    float apply(float a, float b);
  }

  /** A comparison, in double: 1 where it holds, else 0, in float32 and float64 alike. */
  interface Test {
    boolean holds(double a, double b);
  }

  private final boolean logic;
  private final FloatFn fn;
  private final DoubleBinaryOperator ref;
  private final FloatFn gradA;
  private final FloatFn gradB;

  BinaryFn(FloatFn fn, DoubleBinaryOperator ref, FloatFn gradA, FloatFn gradB) {
    this.logic = false;
    this.fn = fn;
    this.ref = ref;
    this.gradA = gradA;
    this.gradB = gradB;
  }

  /** A comparison or logical operator: 1/0 results, zero gradients. */
  BinaryFn(Test test) {
    this.logic = true;
    this.fn = (a, b) -> test.holds(a, b) ? 1f : 0f;
    this.ref = (a, b) -> test.holds(a, b) ? 1 : 0;
    this.gradA = (a, b) -> 0f;
    this.gradB = (a, b) -> 0f;
  }

  /** True for comparisons and logical operators: 1/0 results, zero gradients. */
  final boolean logic() {
    return logic;
  }

  /** True if the gradients read the operands (all but plus and minus). */
  final boolean gradientReadsOperands() {
    return this != PLUS && this != MINUS;
  }

  /** The kernel's float32 function. */
  final float apply(float a, float b) {
    return fn.apply(a, b);
  }

  /** The float64 reference of {@link #apply}. */
  final double ref(double a, double b) {
    return ref.applyAsDouble(a, b);
  }

  /** d(a op b)/da as MXNet's backward computes it. */
  final float gradA(float a, float b) {
    return gradA.apply(a, b);
  }

  /** d(a op b)/db as MXNet's backward computes it. */
  final float gradB(float a, float b) {
    return gradB.apply(a, b);
  }

  /**
   * {@code out[i] = apply(a[i], b[i])} for {@code i < n}; {@code out} may be {@code a} or
   * {@code b}.
   */
  void map(float[] a, float[] b, float[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = fn.apply(a[i], b[i]);
    }
  }

  /** mshadow_op::mod on float operands, computed in double as MXNet does. */
  static double mod(double a, double b) {
    if (b == 0) {
      return 0;
    }
    if (b < 0) {
      if (a < 0) {
        return -((-a) % (-b));
      }
      double r = a % (-b);
      return r + (r != 0 ? b : 0);
    }
    if (a < 0) {
      double r = (-a) % b;
      return -r + (r != 0 ? b : 0);
    }
    return a % b;
  }

  /** The reference floored modulo: {@code a - b floor(a / b)} with fmod's exactness. */
  private static double refMod(double a, double b) {
    if (b == 0) {
      return 0;
    }
    double r = a % b;
    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
  }

  /** C99 {@code pow}: Java's {@link Math#pow} differs for a base of 1 and -1 to +-inf. */
  static double cpow(double a, double b) {
    if (a == 1 || (a == -1 && Double.isInfinite(b))) {
      return 1;
    }
    return Math.pow(a, b);
  }

  /** The reference hypot: C's, where an infinite leg wins even over NaN. */
  private static double refHypot(double a, double b) {
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.sqrt(a * a + b * b); // float operands cannot overflow in double
  }

  private static float smoothL1(float a, float b) {
    float bsq = b * b;
    float ibsq = 1f / bsq;
    if (a > ibsq) {
      return a - 0.5f * ibsq;
    } else if (a < -ibsq) {
      return -a - 0.5f * ibsq;
    }
    return 0.5f * a * a * bsq;
  }

  private static double refSmoothL1(double a, double b) {
    double t = 1 / (b * b);
    if (Math.abs(a) > t) {
      return Math.abs(a) - 0.5 * t;
    }
    return Double.isNaN(a) ? a : 0.5 * a * a * b * b;
  }

  private static float smoothL1Grad(float a, float b) {
    float bsq = b * b;
    float ibsq = 1f / bsq;
    if (a > ibsq) {
      return 1f;
    } else if (a < -ibsq) {
      return -1f;
    }
    return bsq * a;
  }
}
