package org.kindling.kvstore;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Var;

/**
 * Level-1 aggregation (MXNet's {@code CommCPU::Reduce}): the sum of the arrays pushed for one
 * key, e.g. one per device or worker thread, as an engine operation that reads the inputs and
 * writes the destination.
 */
final class Reduction {
  private Reduction() {}

  /**
   * Pushes {@code dst = values[0] + values[1] + ...} (left to right) to the engine.
   *
   * @throws IllegalArgumentException if an input is {@code dst} itself
   */
  static void sumInto(List<NDArray> values, NDArray dst) {
    List<Var> reads = new ArrayList<>();
    for (NDArray v : values) {
      if (v.var() == dst.var()) {
        throw new IllegalArgumentException("a pushed array shares storage with the destination");
      }
      if (!reads.contains(v.var())) {
        reads.add(v.var());
      }
    }
    List<NDArray> inputs = List.copyOf(values);
    dst.engine().push("kvstore-sum", () -> {
      FloatBuffer out = dst.floatBuffer();
      out.put(inputs.get(0).floatBuffer());
      for (int i = 1; i < inputs.size(); i++) {
        FloatKernels.binary(FloatKernels.Binary.ADD, out, inputs.get(i).floatBuffer(), out,
            out.limit());
      }
    }, reads, List.of(dst.var()));
  }

  /**
   * Checks that {@code arrays} is non-empty and every array is float32 of {@code shape}.
   *
   * @param what {@code push values} or {@code pull outputs}, for the message
   * @throws IllegalArgumentException naming the key, the index and both shapes
   */
  static void requireShapes(String key, Shape shape, List<NDArray> arrays, String what) {
    if (arrays.isEmpty()) {
      throw new IllegalArgumentException("key '" + key + "': no " + what + " given");
    }
    for (int i = 0; i < arrays.size(); i++) {
      NDArray a = arrays.get(i);
      if (a.dtype() != DType.FLOAT32) {
        throw new IllegalArgumentException("key '" + key + "': " + what + "[" + i + "] is "
            + a.dtype().numpyName() + "; the kvstore holds float32 values");
      }
      if (!a.shape().equals(shape)) {
        throw new IllegalArgumentException("key '" + key + "': " + what + "[" + i + "] has shape "
            + a.shape() + " but the key was initialized with shape " + shape);
      }
    }
  }

  /** Checks a value given to init. */
  static void requireFloat32(String key, NDArray value) {
    if (value.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException("key '" + key + "': init value is "
          + value.dtype().numpyName() + "; the kvstore holds float32 values");
    }
  }
}
