package org.kindling.tensor.op.math;

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
  PLUS {
    @Override
    float apply(float a, float b) {
      return a + b;
    }

    @Override
    double ref(double a, double b) {
      return a + b;
    }

    @Override
    float gradA(float a, float b) {
      return 1f;
    }

    @Override
    float gradB(float a, float b) {
      return 1f;
    }

    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] + b[i];
      }
    }
  },
  MINUS {
    @Override
    float apply(float a, float b) {
      return a - b;
    }

    @Override
    double ref(double a, double b) {
      return a - b;
    }

    @Override
    float gradA(float a, float b) {
      return 1f;
    }

    @Override
    float gradB(float a, float b) {
      return -1f;
    }

    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] - b[i];
      }
    }
  },
  MUL {
    @Override
    float apply(float a, float b) {
      return a * b;
    }

    @Override
    double ref(double a, double b) {
      return a * b;
    }

    @Override
    float gradA(float a, float b) {
      return b;
    }

    @Override
    float gradB(float a, float b) {
      return a;
    }

    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] * b[i];
      }
    }
  },
  DIV {
    @Override
    float apply(float a, float b) {
      return a / b;
    }

    @Override
    double ref(double a, double b) {
      return a / b;
    }

    @Override
    float gradA(float a, float b) {
      return 1f / b;
    }

    @Override
    float gradB(float a, float b) {
      return -a / (b * b);
    }

    @Override
    void map(float[] a, float[] b, float[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = a[i] / b[i];
      }
    }
  },
  /** mshadow_op::mod; gradients mod_grad (1) and mod_rgrad ({@code -floor(a/b)}, in float). */
  MOD {
    @Override
    float apply(float a, float b) {
      return (float) mod(a, b);
    }

    @Override
    double ref(double a, double b) {
      if (b == 0) {
        return 0;
      }
      // floored modulo: a - b * floor(a / b), with fmod's exactness
      double r = a % b;
      return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    @Override
    float gradA(float a, float b) {
      return 1f;
    }

    @Override
    float gradB(float a, float b) {
      return (float) -Math.floor(a / b);
    }
  },
  POWER {
    @Override
    float apply(float a, float b) {
      return (float) cpow(a, b);
    }

    @Override
    double ref(double a, double b) {
      if (a == 1 || (a == -1 && Double.isInfinite(b))) {
        return 1;
      }
      return Math.pow(a, b);
    }

    @Override
    float gradA(float a, float b) {
      return (float) (cpow(a, b - 1f) * b);
    }

    @Override
    float gradB(float a, float b) {
      return (float) (cpow(a, b) * Math.log(a));
    }
  },
  MAXIMUM {
    @Override
    float apply(float a, float b) {
      return a != a ? a : (a > b ? a : b);
    }

    @Override
    double ref(double a, double b) {
      if (Double.isNaN(a)) {
        return a;
      }
      return a > b ? a : b;
    }

    /** mshadow_op::ge: ties go to the left operand. */
    @Override
    float gradA(float a, float b) {
      return a >= b ? 1f : 0f;
    }

    /** mshadow_op::lt. */
    @Override
    float gradB(float a, float b) {
      return a < b ? 1f : 0f;
    }
  },
  MINIMUM {
    @Override
    float apply(float a, float b) {
      return a != a ? a : (a < b ? a : b);
    }

    @Override
    double ref(double a, double b) {
      if (Double.isNaN(a)) {
        return a;
      }
      return a < b ? a : b;
    }

    /** mshadow_op::le: ties go to the left operand. */
    @Override
    float gradA(float a, float b) {
      return a <= b ? 1f : 0f;
    }

    /** mshadow_op::gt. */
    @Override
    float gradB(float a, float b) {
      return a > b ? 1f : 0f;
    }
  },
  HYPOT {
    @Override
    float apply(float a, float b) {
      return (float) Math.hypot(a, b);
    }

    @Override
    double ref(double a, double b) {
      if (Double.isInfinite(a) || Double.isInfinite(b)) {
        return Double.POSITIVE_INFINITY; // C's hypot: an infinite leg wins even over NaN
      }
      return Math.sqrt(a * a + b * b); // float operands cannot overflow in double
    }

    @Override
    float gradA(float a, float b) {
      return (float) (a / Math.hypot(a, b));
    }

    @Override
    float gradB(float a, float b) {
      return (float) (b / Math.hypot(a, b));
    }
  },
  EQUAL(true) {
    @Override
    float apply(float a, float b) {
      return a == b ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a == b ? 1 : 0;
    }
  },
  NOT_EQUAL(true) {
    @Override
    float apply(float a, float b) {
      return a != b ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a != b ? 1 : 0;
    }
  },
  GREATER(true) {
    @Override
    float apply(float a, float b) {
      return a > b ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a > b ? 1 : 0;
    }
  },
  GREATER_EQUAL(true) {
    @Override
    float apply(float a, float b) {
      return a >= b ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a >= b ? 1 : 0;
    }
  },
  LESSER(true) {
    @Override
    float apply(float a, float b) {
      return a < b ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a < b ? 1 : 0;
    }
  },
  LESSER_EQUAL(true) {
    @Override
    float apply(float a, float b) {
      return a <= b ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a <= b ? 1 : 0;
    }
  },
  LOGICAL_AND(true) {
    @Override
    float apply(float a, float b) {
      return a != 0f && b != 0f ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a != 0 && b != 0 ? 1 : 0;
    }
  },
  LOGICAL_OR(true) {
    @Override
    float apply(float a, float b) {
      return a != 0f || b != 0f ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return a != 0 || b != 0 ? 1 : 0;
    }
  },
  LOGICAL_XOR(true) {
    @Override
    float apply(float a, float b) {
      return (a != 0f) != (b != 0f) ? 1f : 0f;
    }

    @Override
    double ref(double a, double b) {
      return (a != 0) != (b != 0) ? 1 : 0;
    }
  },
  /**
   * mshadow_op::smooth_l1_loss, {@code a} the data and {@code b} sigma: {@code 0.5 (sigma x)^2}
   * where {@code |x| <= 1/sigma^2}, else {@code |x| - 0.5/sigma^2}. Only {@code smooth_l1} uses
   * it, and only its left gradient.
   */
  SMOOTH_L1 {
    @Override
    float apply(float a, float b) {
      float bsq = b * b;
      float ibsq = 1f / bsq;
      if (a > ibsq) {
        return a - 0.5f * ibsq;
      } else if (a < -ibsq) {
        return -a - 0.5f * ibsq;
      }
      return 0.5f * a * a * bsq;
    }

    @Override
    double ref(double a, double b) {
      double t = 1 / (b * b);
      if (Math.abs(a) > t) {
        return Math.abs(a) - 0.5 * t;
      }
      return Double.isNaN(a) ? a : 0.5 * a * a * b * b;
    }

    @Override
    float gradA(float a, float b) {
      float bsq = b * b;
      float ibsq = 1f / bsq;
      if (a > ibsq) {
        return 1f;
      } else if (a < -ibsq) {
        return -1f;
      }
      return bsq * a;
    }
  };

  private final boolean logic;

  BinaryFn() {
    this(false);
  }

  BinaryFn(boolean logic) {
    this.logic = logic;
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
  abstract float apply(float a, float b);

  /** The float64 reference of {@link #apply}. */
  abstract double ref(double a, double b);

  /** d(a op b)/da as MXNet's backward computes it. */
  float gradA(float a, float b) {
    return 0f;
  }

  /** d(a op b)/db as MXNet's backward computes it. */
  float gradB(float a, float b) {
    return 0f;
  }

  /**
   * {@code out[i] = apply(a[i], b[i])} for {@code i < n}; {@code out} may be {@code a} or
   * {@code b}.
   */
  void map(float[] a, float[] b, float[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = apply(a[i], b[i]);
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

  /** C99 {@code pow}: Java's {@link Math#pow} differs for a base of 1 and -1 to +-inf. */
  static double cpow(double a, double b) {
    if (a == 1 || (a == -1 && Double.isInfinite(b))) {
      return 1;
    }
    return Math.pow(a, b);
  }
}
