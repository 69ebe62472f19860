package org.kindling.symbol.metric;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.kindling.tensor.DType;
import org.kindling.tensor.Elements;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * An array's values on the heap as doubles (any element type converted exactly), the form the
 * metrics compute on, as MXNet's metrics compute on {@code asnumpy()} copies.
 *
 * @param data row-major values
 * @param shape the shape
 */
record Host(double[] data, Shape shape) {
  /**
   * Reads the first {@code rows} rows (along axis 0) of {@code a}, after its pending writes; all
   * of a 0-d array.
   */
  static Host read(NDArray a, int rows) {
    a.waitToRead();
    Shape s = a.shape();
    Shape kept = s;
    if (s.ndim() > 0 && rows != s.get(0)) {
      int[] dims = s.dims();
      dims[0] = rows;
      kept = Shape.of(dims);
    }
    double[] out = new double[kept.intSize()];
    if (a.dtype() == DType.FLOAT32) {
      FloatBuffer f = a.floatBuffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = f.get(i);
      }
    } else {
      ByteBuffer b = a.byteBuffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = Elements.get(b, a.dtype(), i);
      }
    }
    return new Host(out, kept);
  }

  /** Number of elements. */
  int size() {
    return data.length;
  }

  /** Value {@code i} cast to int32 as numpy's {@code astype('int32')} does for in-range values. */
  int intAt(int i) {
    return (int) data[i];
  }

  /**
   * The index of the largest value along {@code axis} (first maximum wins), for every position
   * of the other axes in row-major order: MXNet's {@code argmax(axis)} flattened. The axis
   * must be valid and not empty.
   */
  int[] argmax(int axis) {
    int classes = shape.get(axis);
    long inner = shape.sizeFrom(axis + 1);
    int outer = (int) (shape.size() / Math.max(1, classes * inner));
    int[] out = new int[(int) (outer * inner)];
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = (int) (o * classes * inner + in);
        int best = 0;
        double bestValue = data[base];
        for (int c = 1; c < classes; c++) {
          double v = data[(int) (base + c * inner)];
          if (v > bestValue) {
            bestValue = v;
            best = c;
          }
        }
        out[(int) (o * inner + in)] = best;
      }
    }
    return out;
  }
}
