package org.kindling.tensor;

import java.util.Arrays;

/**
 * An immutable array shape in row-major (C) order. A shape of zero dimensions is a scalar with
 * one element. Dimensions are non-negative; the element count must fit in a {@code long}.
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;
  private final long size;

  private Shape(int[] dims) {
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "negative dimension " + dims[i] + " at axis " + i + " in " + Arrays.toString(dims));
      }
      n = Math.multiplyExact(n, dims[i]);
    }
    this.dims = dims;
    this.size = n;
  }

  /** A shape with the given dimensions (copied). */
  public static Shape of(int... dims) {
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  /** The 0-dimensional shape of a scalar. */
  public static Shape scalar() {
    return SCALAR;
  }

  /** Number of dimensions. */
  public int ndim() {
    return dims.length;
  }

  /** Dimension {@code axis}; negative axes count from the end as in numpy. */
  public int get(int axis) {
    return dims[normalizeAxis(axis)];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** Total number of elements (1 for a scalar). */
  public long size() {
    return size;
  }

  /** Product of the dimensions from {@code fromAxis} (inclusive) to the end. */
  public long sizeFrom(int fromAxis) {
    long n = 1;
    for (int i = fromAxis; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Maps a possibly negative axis into {@code [0, ndim)}. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
    }
    return a;
  }

  /** Element count as an {@code int}, for buffers that Java can index. */
  public int intSize() {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("shape " + this + " has more than 2^31-1 elements");
    }
    return (int) size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Python tuple syntax, as MXNet prints shapes: {@code (2, 3)}, {@code (5,)}, {@code ()}. */
  @Override
  public String toString() {
    return tupleString(dims);
  }

  /**
   * Python tuple syntax ({@code str(tuple)}) for any ints, also those that are not a valid
   * shape (negative special values of a Reshape target, dimensions read from a corrupt file):
   * {@code (2, -1)}, {@code (5,)}, {@code ()}.
   */
  public static String tupleString(int... dims) {
    if (dims.length == 1) {
      return "(" + dims[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i]);
    }
    return sb.append(')').toString();
  }
}
