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

  /**
   * The channel block {@code b} if this layout is a dense channel-blocked layout of a 4-D
   * tensor {@code (N, C, H, W)} with {@code C} a multiple of {@code b} (oneDNN's {@code
   * nChw16c} for b = 16): element {@code (n, c, y, x)} at index {@code (((n·C/b + c/b)·H + y)·W
   * + x)·b + c mod b}, no padding, as many elements as the shape; {@code nhwc} is the case
   * {@code b = C} (channels innermost). 0 for every other layout
   * (row-major included). A kernel of another backend can then read and write values kept in
   * this layout without knowing the backend that made it (the Winograd kernels).
   */
  default int channelBlock() {
    return 0;
  }
}
