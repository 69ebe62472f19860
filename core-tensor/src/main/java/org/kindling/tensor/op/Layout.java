package org.kindling.tensor.op;

import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/**
 * How a tensor's elements are laid out in its buffer. Every operator reads and writes
 * {@link #ROW_MAJOR}; an accelerated backend may keep an intermediate result in a layout of its
 * own (oneDNN's blocked formats) between two of its kernels ({@link LayoutAware}), and reorders
 * at the boundaries. A layout other than row-major is an opaque token of the backend that made
 * it: it says how many bytes a tensor takes in it (blocked formats pad the channels to whole
 * blocks) and equals another token only for the very same arrangement of the elements.
 */
public interface Layout {
  /** Dense row-major (C order), the layout of every NDArray. */
  Layout ROW_MAJOR = new Layout() {
    @Override
    public long bytes(Shape shape, DType dtype) {
      return shape.size() * dtype.byteSize();
    }

    @Override
    public String toString() {
      return "row-major";
    }
  };

  /** Bytes a tensor of {@code shape} and {@code dtype} occupies in this layout. */
  long bytes(Shape shape, DType dtype);
}
