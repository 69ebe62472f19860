package org.kindling.tensor.op.reduce;

/**
 * The reducers behind the reduction operators, with MXNet's (mshadow's) rules for special values
 * and their gradients {@code dx = dy * grad(x, y)}. Each has a float32 kernel form ({@link Acc})
 * and a float64 reference form ({@link #reference}) that follow the same rules.
 */
enum ReduceKind {
  /** {@code sum}: Kahan sum in MXNet; here a double sum (same special values, more exact). */
  SUM,
  /** {@code mean}: the sum divided by the number of reduced elements. */
  MEAN,
  /** {@code prod}: running product. */
  PROD,
  /** {@code nansum}: NaN counts as absent. */
  NANSUM,
  /** {@code nanprod}: NaN counts as absent. */
  NANPROD,
  /** {@code max}: NaN-propagating maximum, first of equal values kept. */
  MAX,
  /** {@code min}: NaN-propagating minimum. */
  MIN,
  /** {@code norm} with {@code ord=1}: sum of absolute values. */
  NORM1,
  /** {@code norm} with {@code ord=2}: the scaled sum of squares of mshadow's {@code nrm2}. */
  NORM2;

  /** True if the gradient reads the forward input and output (all but sum and mean). */
  boolean gradientUsesData() {
    return this != SUM && this != MEAN;
  }

  /** {@code dy/dx} for one input element {@code x} of an output {@code y} over {@code m}. */
  float grad(float x, float y, int m) {
    return switch (this) {
      case SUM -> 1f;
      case MEAN -> 1f / m;
      case PROD -> y / x; // mshadow_op::rdiv(x, y)
      case NANSUM -> Float.isNaN(x) ? 0f : 1f;
      case NANPROD -> Float.isNaN(x) ? 0f : y / x;
      case MAX, MIN -> x == y ? 1f : 0f; // every element equal to the extremum gets the gradient
      case NORM1 -> x > 0 ? 1f : x < 0 ? -1f : 0f; // mshadow_op::sign: 0 for 0 and NaN
      case NORM2 -> x / y;
    };
  }

  /**
   * One step of the L1 sum as MXNet computes it: a Kahan sum without the infinity guard of
   * {@code sum}, so once the sum is infinite the next element's compensation is {@code inf - inf}
   * and the result NaN ({@code norm([inf, 1], ord=1)} is NaN, {@code norm([1, inf], ord=1)} is
   * inf).
   */
  static double afterNorm1(double sum, double x) {
    return Double.isInfinite(sum) ? Double.NaN : sum + Math.abs(x);
  }

  /** The float64 reference of this reducer over {@code xs}, in order. */
  double reference(double[] xs) {
    switch (this) {
      case SUM, MEAN -> {
        double s = 0;
        for (double x : xs) {
          s += x;
        }
        return this == MEAN ? s / xs.length : s;
      }
      case PROD, NANPROD -> {
        double p = 1;
        for (double x : xs) {
          if (!(this == NANPROD && Double.isNaN(x))) {
            p *= x;
          }
        }
        return p;
      }
      case NANSUM -> {
        // mshadow_op::nansum is a Kahan sum without the infinity guard of red::sum: once an
        // infinity has been added the residual is NaN, and any later non-NaN element makes the
        // sum NaN. MXNet 1.9.1 really returns nansum([inf, 1]) = nan.
        double sum = 0;
        double residual = 0;
        for (double x : xs) {
          if (Double.isNaN(x)) {
            continue;
          }
          double y = x - residual;
          double t = sum + y;
          residual = (t - sum) - y;
          sum = t;
        }
        return sum;
      }
      case MAX, MIN -> {
        double r = this == MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (double x : xs) {
          if (!Double.isNaN(r) && !(this == MAX ? r >= x : r <= x)) {
            r = x; // once NaN, stays NaN (mshadow red::maximum/minimum)
          }
        }
        return r;
      }
      case NORM1 -> {
        double s = 0;
        for (double x : xs) {
          s = afterNorm1(s, x);
        }
        return s;
      }
      case NORM2 -> {
        double ssq = 0;
        double scale = 0;
        for (double x : xs) {
          if (x != 0) {
            double a = Math.abs(x);
            if (scale < a) {
              ssq = 1 + ssq * (scale / a) * (scale / a);
              scale = a;
            } else {
              ssq = ssq + (a / scale) * (a / scale);
            }
          }
        }
        return scale * Math.sqrt(ssq);
      }
      default -> throw new IllegalStateException(name());
    }
  }

  /**
   * One output's running state in the float32 kernels. Not thread-safe: a kernel call makes its
   * own.
   */
  static final class Acc {
    private final ReduceKind kind;
    private double d;
    private float f;
    private float g;

    Acc(ReduceKind kind) {
      this.kind = kind;
    }

    void reset() {
      d = 0;
      g = 0;
      f = switch (kind) {
        case PROD, NANPROD -> 1f;
        case MAX -> Float.NEGATIVE_INFINITY;
        case MIN -> Float.POSITIVE_INFINITY;
        default -> 0f;
      };
    }

    void feed(float[] x, int len) {
      switch (kind) {
        case SUM, MEAN -> {
          double s = d;
          for (int j = 0; j < len; j++) {
            s += x[j];
          }
          d = s;
        }
        case NORM1 -> {
          double s = d;
          for (int j = 0; j < len; j++) {
            s = afterNorm1(s, x[j]);
          }
          d = s;
        }
        case PROD -> {
          float p = f;
          for (int j = 0; j < len; j++) {
            p *= x[j];
          }
          f = p;
        }
        case NANPROD -> {
          float p = f;
          for (int j = 0; j < len; j++) {
            if (!Float.isNaN(x[j])) {
              p *= x[j];
            }
          }
          f = p;
        }
        case NANSUM -> {
          float sum = f;
          float residual = g;
          for (int j = 0; j < len; j++) {
            if (Float.isNaN(x[j])) {
              continue;
            }
            float y = x[j] - residual;
            float t = sum + y;
            residual = (t - sum) - y;
            sum = t;
          }
          f = sum;
          g = residual;
        }
        case MAX -> {
          float r = f;
          for (int j = 0; j < len; j++) {
            if (!Float.isNaN(r) && !(r >= x[j])) {
              r = x[j];
            }
          }
          f = r;
        }
        case MIN -> {
          float r = f;
          for (int j = 0; j < len; j++) {
            if (!Float.isNaN(r) && !(r <= x[j])) {
              r = x[j];
            }
          }
          f = r;
        }
        case NORM2 -> {
          float ssq = f;
          float scale = g;
          for (int j = 0; j < len; j++) {
            float v = x[j];
            if (v != 0) {
              float a = Math.abs(v);
              if (scale < a) {
                ssq = 1 + ssq * (scale / a) * (scale / a);
                scale = a;
              } else {
                ssq = ssq + (a / scale) * (a / scale);
              }
            }
          }
          f = ssq;
          g = scale;
        }
      }
    }

    /** The reduced value of the {@code m} elements fed since {@link #reset()}. */
    float result(int m) {
      return switch (kind) {
        case SUM, NORM1 -> (float) d;
        case MEAN -> (float) (d / m);
        case NORM2 -> g * (float) Math.sqrt(f);
        default -> f;
      };
    }
  }

  /**
   * The running states of up to {@code capacity} outputs reduced side by side ({@link
   * ReduceLayout#inner} > 1): each {@link #feed} brings one element to every lane, with the same
   * rules as {@link Acc}. Not thread-safe: a kernel call makes its own.
   */
  static final class Lanes {
    private final ReduceKind kind;
    private final double[] d;
    private final float[] f;
    private final float[] g;

    Lanes(ReduceKind kind, int capacity) {
      this.kind = kind;
      this.d = new double[capacity];
      this.f = new float[capacity];
      this.g = new float[capacity];
    }

    void reset(int len) {
      java.util.Arrays.fill(d, 0, len, 0);
      java.util.Arrays.fill(g, 0, len, 0f);
      java.util.Arrays.fill(f, 0, len, switch (kind) {
        case PROD, NANPROD -> 1f;
        case MAX -> Float.NEGATIVE_INFINITY;
        case MIN -> Float.POSITIVE_INFINITY;
        default -> 0f;
      });
    }

    /** Lane {@code j} reduces {@code x[j]}, for {@code j < len}. */
    void feed(float[] x, int len) {
      switch (kind) {
        case SUM, MEAN -> {
          for (int j = 0; j < len; j++) {
            d[j] += x[j];
          }
        }
        case NORM1 -> {
          for (int j = 0; j < len; j++) {
            d[j] = afterNorm1(d[j], x[j]);
          }
        }
        case PROD -> {
          for (int j = 0; j < len; j++) {
            f[j] *= x[j];
          }
        }
        case NANPROD -> {
          for (int j = 0; j < len; j++) {
            if (!Float.isNaN(x[j])) {
              f[j] *= x[j];
            }
          }
        }
        case NANSUM -> {
          for (int j = 0; j < len; j++) {
            if (Float.isNaN(x[j])) {
              continue;
            }
            float y = x[j] - g[j];
            float t = f[j] + y;
            g[j] = (t - f[j]) - y;
            f[j] = t;
          }
        }
        case MAX -> {
          for (int j = 0; j < len; j++) {
            if (!Float.isNaN(f[j]) && !(f[j] >= x[j])) {
              f[j] = x[j];
            }
          }
        }
        case MIN -> {
          for (int j = 0; j < len; j++) {
            if (!Float.isNaN(f[j]) && !(f[j] <= x[j])) {
              f[j] = x[j];
            }
          }
        }
        case NORM2 -> {
          for (int j = 0; j < len; j++) {
            float v = x[j];
            if (v != 0) {
              float a = Math.abs(v);
              if (g[j] < a) {
                f[j] = 1 + f[j] * (g[j] / a) * (g[j] / a);
                g[j] = a;
              } else {
                f[j] = f[j] + (a / g[j]) * (a / g[j]);
              }
            }
          }
        }
      }
    }

    /** The reduced value of lane {@code j} after {@code m} rows. */
    float result(int j, int m) {
      return switch (kind) {
        case SUM, NORM1 -> (float) d[j];
        case MEAN -> (float) (d[j] / m);
        case NORM2 -> g[j] * (float) Math.sqrt(f[j]);
        default -> f[j];
      };
    }
  }
}
