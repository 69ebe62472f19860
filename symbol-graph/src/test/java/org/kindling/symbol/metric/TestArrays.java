package org.kindling.symbol.metric;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/** Arrays for metric tests; expected values are computed in double from the same floats. */
final class TestArrays {
  private TestArrays() {}

  /** A float32 array. */
  static NDArray f32(Shape shape, double... values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return NDArray.of(f, shape);
  }

  /** An int64 array. */
  static NDArray i64(Shape shape, long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return NDArray.ofBytes(b.flip(), DType.INT64, shape);
  }

  /** An int32 array. */
  static NDArray i32(Shape shape, int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return NDArray.ofBytes(b.flip(), DType.INT32, shape);
  }

  /** {@code n} float32-representable values uniform in [lo, hi). */
  static double[] uniform(Random r, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return v;
  }

  /** Rows of {@code classes} positive values summing to about 1 (float32-representable). */
  static double[] probabilities(Random r, int rows, int classes) {
    double[] v = new double[rows * classes];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        v[i * classes + c] = 0.01 + r.nextDouble();
        sum += v[i * classes + c];
      }
      for (int c = 0; c < classes; c++) {
        v[i * classes + c] = (float) (v[i * classes + c] / sum);
      }
    }
    return v;
  }

  /** {@code n} class labels in [0, classes) as doubles. */
  static double[] labels(Random r, int n, int classes) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(classes);
    }
    return v;
  }
}
