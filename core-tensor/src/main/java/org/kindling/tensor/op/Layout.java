package org.kindling.tensor.op;

/**
 * How a tensor's elements are laid out in its buffer. Every operator reads and writes
 * {@link #ROW_MAJOR}; an accelerated backend may keep an intermediate result in a layout of its
 * own (oneDNN's blocked formats) between two of its kernels, and reorders at the boundaries.
 */
public interface Layout {
  /** Dense row-major (C order), the layout of every NDArray. */
  Layout ROW_MAJOR = new Layout() {
    @Override
    public String toString() {
      return "row-major";
    }
  };
}
