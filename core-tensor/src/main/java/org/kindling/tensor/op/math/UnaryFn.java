package org.kindling.tensor.op.math;

/**
 * The element functions of MXNet's unary math operators ({@code mshadow_op}): the float32
 * function the kernel applies, its float64 reference, what the gradient reads ({@link Reads},
 * MXNet's {@code ElemwiseGradUseNone/UseIn/UseOut}, or a zero gradient for the rounding
 * functions, {@code MakeZeroGradNodes}), and the derivative as MXNet's backward functor computes
 * it, from the input {@code x} or the output {@code y}.
 *
 * <p>MXNet's behaviour is kept where it surprises: {@code sign(NaN) = 0}; {@code relu} passes NaN
 * (and its gradient is NaN there); {@code round} rounds halves away from zero while {@code rint}
 * rounds them down ({@code rint(2.5) = 2}, {@code rint(-2.5) = -3}); {@code fix} rounds toward
 * zero; {@code logical_not(NaN) = 0}.
 */
enum UnaryFn {
  NEGATIVE(Reads.NOTHING) {
    @Override
    float apply(float x) {
      return -x;
    }

    @Override
    double ref(double x) {
      return -x;
    }

    @Override
    float grad(float x, float y) {
      return -1f;
    }

    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] = -v[i];
      }
    }
  },
  ABS(Reads.INPUT) {
    @Override
    float apply(float x) {
      return Math.abs(x);
    }

    @Override
    double ref(double x) {
      return Math.abs(x);
    }

    /** mshadow_op::sign: 0 at 0 and NaN. */
    @Override
    float grad(float x, float y) {
      return sign(x);
    }

    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] = Math.abs(v[i]);
      }
    }
  },
  SIGN(Reads.ZERO) {
    @Override
    float apply(float x) {
      return sign(x);
    }

    @Override
    double ref(double x) {
      return x < 0 ? -1 : x > 0 ? 1 : 0;
    }
  },
  /** C's round: halves away from zero. */
  ROUND(Reads.ZERO) {
    @Override
    float apply(float x) {
      return (float) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }

    @Override
    double ref(double x) {
      double f = Math.floor(x);
      double d = x - f;
      double r = d > 0.5 || (d == 0.5 && x > 0) ? f + 1 : f;
      return Double.isInfinite(x) ? x : r;
    }
  },
  /** mshadow_op::rint: the nearer of floor and ceil, floor on a tie. */
  RINT(Reads.ZERO) {
    @Override
    float apply(float x) {
      float f = (float) Math.floor(x);
      float c = (float) Math.ceil(x);
      return x - f <= c - x ? f : c;
    }

    @Override
    double ref(double x) {
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        return x;
      }
      double f = Math.floor(x);
      return x - f <= 0.5 ? f : f + 1;
    }
  },
  CEIL(Reads.ZERO) {
    @Override
    float apply(float x) {
      return (float) Math.ceil(x);
    }

    @Override
    double ref(double x) {
      return -Math.floor(-x);
    }
  },
  FLOOR(Reads.ZERO) {
    @Override
    float apply(float x) {
      return (float) Math.floor(x);
    }

    @Override
    double ref(double x) {
      return -Math.ceil(-x);
    }
  },
  TRUNC(Reads.ZERO) {
    @Override
    float apply(float x) {
      return (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
    }

    @Override
    double ref(double x) {
      return x < 0 ? -Math.floor(-x) : Math.floor(x);
    }
  },
  /** mshadow_op::fix: the one of floor and ceil with the smaller magnitude. */
  FIX(Reads.ZERO) {
    @Override
    float apply(float x) {
      float f = (float) Math.floor(x);
      float c = (float) Math.ceil(x);
      return Math.abs(f) < Math.abs(c) ? f : c;
    }

    @Override
    double ref(double x) {
      return x < 0 ? -Math.floor(-x) : Math.floor(x); // toward zero, as trunc
    }
  },
  SQUARE(Reads.INPUT) {
    @Override
    float apply(float x) {
      return x * x;
    }

    @Override
    double ref(double x) {
      return x * x;
    }

    @Override
    float grad(float x, float y) {
      return 2f * x;
    }

    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] *= v[i];
      }
    }
  },
  SQRT(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return (float) Math.sqrt(x);
    }

    @Override
    double ref(double x) {
      return Math.sqrt(x);
    }

    @Override
    float grad(float x, float y) {
      return 0.5f / y;
    }
  },
  RSQRT(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) (1.0 / Math.sqrt(x));
    }

    @Override
    double ref(double x) {
      return 1 / Math.sqrt(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (-0.5 / (Math.sqrt(x) * x));
    }
  },
  CBRT(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return (float) Math.cbrt(x);
    }

    @Override
    double ref(double x) {
      return Math.copySign(Math.pow(Math.abs(x), 1.0 / 3), x);
    }

    @Override
    float grad(float x, float y) {
      return 1f / (3f * y * y);
    }
  },
  RCBRT(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) (1.0 / Math.cbrt(x));
    }

    @Override
    double ref(double x) {
      return 1 / Math.copySign(Math.pow(Math.abs(x), 1.0 / 3), x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (-1.0 / (3.0 * Math.cbrt(x) * x));
    }
  },
  EXP(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return (float) Math.exp(x);
    }

    @Override
    double ref(double x) {
      return Math.exp(x);
    }

    @Override
    float grad(float x, float y) {
      return y;
    }
  },
  EXPM1(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.expm1(x);
    }

    @Override
    double ref(double x) {
      return Math.expm1(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) Math.exp(x);
    }
  },
  LOG(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.log(x);
    }

    @Override
    double ref(double x) {
      return Math.log(x);
    }

    @Override
    float grad(float x, float y) {
      return 1f / x;
    }
  },
  LOG10(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.log10(x);
    }

    @Override
    double ref(double x) {
      return Math.log(x) / Math.log(10);
    }

    @Override
    float grad(float x, float y) {
      return 0.4342944819f / x;
    }
  },
  LOG2(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) (Math.log(x) / LN2);
    }

    @Override
    double ref(double x) {
      return Math.log(x) / Math.log(2);
    }

    @Override
    float grad(float x, float y) {
      return 1.442695041f / x;
    }
  },
  LOG1P(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.log1p(x);
    }

    @Override
    double ref(double x) {
      return Math.log1p(x);
    }

    @Override
    float grad(float x, float y) {
      return 1f / (1f + x);
    }
  },
  SIN(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.sin(x);
    }

    @Override
    double ref(double x) {
      return Math.sin(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) Math.cos(x);
    }
  },
  COS(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.cos(x);
    }

    @Override
    double ref(double x) {
      return Math.cos(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) -Math.sin(x);
    }
  },
  TAN(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return (float) Math.tan(x);
    }

    @Override
    double ref(double x) {
      return Math.sin(x) / Math.cos(x);
    }

    @Override
    float grad(float x, float y) {
      return y * y + 1f;
    }
  },
  ARCSIN(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.asin(x);
    }

    @Override
    double ref(double x) {
      return Math.asin(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (1.0 / Math.sqrt(1.0 - x * x));
    }
  },
  ARCCOS(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.acos(x);
    }

    @Override
    double ref(double x) {
      return Math.acos(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (-1.0 / Math.sqrt(1.0 - x * x));
    }
  },
  ARCTAN(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.atan(x);
    }

    @Override
    double ref(double x) {
      return Math.atan(x);
    }

    @Override
    float grad(float x, float y) {
      return 1f / (x * x + 1f);
    }
  },
  DEGREES(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) (180.0 / Math.PI) * x;
    }

    @Override
    double ref(double x) {
      return Math.toDegrees(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (180.0 / Math.PI);
    }
  },
  RADIANS(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) (Math.PI / 180.0) * x;
    }

    @Override
    double ref(double x) {
      return Math.toRadians(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (Math.PI / 180.0);
    }
  },
  SINH(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.sinh(x);
    }

    @Override
    double ref(double x) {
      return Double.isInfinite(x) ? x : (Math.exp(x) - Math.exp(-x)) / 2;
    }

    @Override
    float grad(float x, float y) {
      return (float) Math.cosh(x);
    }
  },
  COSH(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.cosh(x);
    }

    @Override
    double ref(double x) {
      return (Math.exp(x) + Math.exp(-x)) / 2;
    }

    @Override
    float grad(float x, float y) {
      return (float) Math.sinh(x);
    }
  },
  TANH(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return (float) Math.tanh(x);
    }

    @Override
    double ref(double x) {
      return Math.tanh(x);
    }

    @Override
    float grad(float x, float y) {
      return 1f - y * y;
    }
  },
  ARCSINH(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) asinh(x);
    }

    @Override
    double ref(double x) {
      return x < 0 ? -Math.log(-x + Math.sqrt(x * x + 1)) : Math.log(x + Math.sqrt(x * x + 1));
    }

    @Override
    float grad(float x, float y) {
      return (float) (1.0 / Math.hypot(x, 1.0));
    }
  },
  ARCCOSH(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) Math.log(x + Math.sqrt((double) x * x - 1.0));
    }

    @Override
    double ref(double x) {
      return Math.log(x + Math.sqrt(x * x - 1));
    }

    @Override
    float grad(float x, float y) {
      return (float) (1.0 / Math.sqrt((double) x * x - 1.0));
    }
  },
  ARCTANH(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) (0.5 * Math.log1p(2.0 * x / (1.0 - x)));
    }

    @Override
    double ref(double x) {
      return 0.5 * Math.log((1 + x) / (1 - x));
    }

    @Override
    float grad(float x, float y) {
      return 1f / (1f - x * x);
    }
  },
  SIGMOID(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    @Override
    double ref(double x) {
      return 1 / (1 + Math.exp(-x));
    }

    @Override
    float grad(float x, float y) {
      return y * (1f - y);
    }
  },
  /** mshadow_op::relu: NaN passes; relu_grad is NaN at NaN. */
  RELU(Reads.OUTPUT) {
    @Override
    float apply(float x) {
      return x > 0f || x != x ? x : 0f;
    }

    @Override
    double ref(double x) {
      return Double.isNaN(x) || x > 0 ? x : 0;
    }

    @Override
    float grad(float x, float y) {
      return y != y ? y : (y > 0f ? 1f : 0f);
    }

    @Override
    void map(float[] v, int n) {
      for (int i = 0; i < n; i++) {
        v[i] = v[i] > 0f || v[i] != v[i] ? v[i] : 0f;
      }
    }
  },
  SOFTSIGN(Reads.INPUT) {
    @Override
    float apply(float x) {
      return x / (1f + Math.abs(x));
    }

    @Override
    double ref(double x) {
      return x / (1 + Math.abs(x));
    }

    @Override
    float grad(float x, float y) {
      float d = 1f + Math.abs(x);
      return 1f / (d * d);
    }
  },
  RECIPROCAL(Reads.INPUT) {
    @Override
    float apply(float x) {
      return 1f / x;
    }

    @Override
    double ref(double x) {
      return 1 / x;
    }

    @Override
    float grad(float x, float y) {
      return -1f / (x * x);
    }
  },
  ERF(Reads.INPUT) {
    @Override
    float apply(float x) {
      return (float) ErfMath.erf(x);
    }

    @Override
    double ref(double x) {
      return ErfMath.erf(x);
    }

    @Override
    float grad(float x, float y) {
      return (float) (2.0 / Math.sqrt(Math.PI) * Math.exp(-(double) x * x));
    }
  },
  /** mshadow_op::nt: 1 where the input is 0, else 0 (also for NaN). */
  LOGICAL_NOT(Reads.ZERO) {
    @Override
    float apply(float x) {
      return x != 0f ? 0f : 1f;
    }

    @Override
    double ref(double x) {
      return x == 0 ? 1 : 0;
    }
  };

  private static final double LN2 = Math.log(2);

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

  private final Reads reads;

  UnaryFn(Reads reads) {
    this.reads = reads;
  }

  /** What the backward pass reads. */
  final Reads reads() {
    return reads;
  }

  /** The kernel's float32 function. */
  abstract float apply(float x);

  /** The float64 reference of {@link #apply}. */
  abstract double ref(double x);

  /** dy/dx from the input {@code x} or the output {@code y} (whichever {@link #reads()} says). */
  float grad(float x, float y) {
    return 0f;
  }

  /** {@code v[i] = apply(v[i])} for {@code i < n}. */
  void map(float[] v, int n) {
    for (int i = 0; i < n; i++) {
      v[i] = apply(v[i]);
    }
  }

  /** mshadow_op::sign. */
  static float sign(float x) {
    return x < 0f ? -1f : x > 0f ? 1f : 0f;
  }

  /** asinh, accurate for large and small |x|, odd. */
  static double asinh(double x) {
    double a = Math.abs(x);
    double r = a > 1e8 ? Math.log(a) + LN2 : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    return Math.copySign(r, x);
  }
}
