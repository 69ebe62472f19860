package org.kindling.tensor.op;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.kindling.tensor.DType;
import org.kindling.tensor.Elements;
import org.kindling.tensor.Shape;

/**
 * What a kernel sees of one tensor, as MXNet's {@code TBlob}: a direct native-order buffer
 * (position 0; the tensor's bytes start at index 0), its element type, its shape and its layout.
 * Views are made once when a graph is bound, or once per imperative call; kernels must not keep
 * them beyond the call.
 *
 * @param data the storage, direct and in native byte order, at least {@code shape.size() *
 *     dtype.byteSize()} bytes
 * @param dtype the element type
 * @param shape the logical shape
 * @param layout the element layout ({@link Layout#ROW_MAJOR} unless a backend says otherwise)
 */
public record TensorView(ByteBuffer data, DType dtype, Shape shape, Layout layout) {
  /** Checks the buffer is direct, native-order and large enough. */
  public TensorView {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(layout, "layout");
    if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("a tensor view needs a direct native-order buffer");
    }
    long need = shape.size() * dtype.byteSize();
    if (data.capacity() < need) {
      throw new IllegalArgumentException("buffer of " + data.capacity() + " bytes is too small for "
          + dtype.numpyName() + shape + " (" + need + " bytes)");
    }
  }

  /** A row-major view. */
  public static TensorView of(ByteBuffer data, DType dtype, Shape shape) {
    return new TensorView(data.duplicate().order(ByteOrder.nativeOrder()), dtype, shape,
        Layout.ROW_MAJOR);
  }

  /** Number of elements. */
  public int size() {
    return shape.intSize();
  }

  /**
   * The data as floats (index 0 is element 0).
   *
   * @throws IllegalStateException if the tensor is not float32
   */
  public FloatBuffer floats() {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException("kernel expected float32 but the tensor is "
          + dtype.numpyName() + shape);
    }
    return data.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** A view of the same bytes with another shape of the same size. */
  public TensorView reshape(Shape s) {
    if (s.size() != shape.size()) {
      throw new IllegalArgumentException("cannot view " + shape + " as " + s);
    }
    return new TensorView(data, dtype, s, layout);
  }

  /**
   * Element {@code i} converted to double, for any numeric type: how kernels read labels and
   * indices, which MXNet accepts in any type.
   */
  public double getDouble(int i) {
    return Elements.get(data, dtype, i);
  }

  /** Stores {@code v} into element {@code i}, converted as a C cast to the element type. */
  public void setDouble(int i, double v) {
    Elements.set(data, dtype, i, v);
  }
}
