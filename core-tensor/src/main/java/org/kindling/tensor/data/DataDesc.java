package org.kindling.tensor.data;

import java.util.Objects;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/**
 * The name, shape and element type of one array of every batch an iterator produces, as MXNet's
 * {@code DataDesc}: a {@link DataIter}'s {@code provideData()} and {@code provideLabel()} list
 * one per data or label array, in the order of {@link DataBatch#data()} and {@link
 * DataBatch#label()}, so that a module can bind its inputs before the first batch arrives.
 *
 * @param name the symbol argument the array feeds, e.g. {@link #DEFAULT_DATA_NAME}
 * @param shape the whole batch's shape, first axis = batch size, e.g. {@code (128, 1, 28, 28)}
 * @param dtype the element type
 */
public record DataDesc(String name, Shape shape, DType dtype) {
  /** MXNet's default name of an iterator's data array. */
  public static final String DEFAULT_DATA_NAME = "data";
  /** MXNet's default name of an iterator's label array (the softmax output's label). */
  public static final String DEFAULT_LABEL_NAME = "softmax_label";

  /** Checks that every part is present and the shape has a batch axis. */
  public DataDesc {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(dtype, "dtype");
    if (shape.ndim() == 0) {
      throw new IllegalArgumentException("DataDesc '" + name + "': shape " + shape
          + " has no batch axis; batches are at least 1-dimensional");
    }
  }

  @Override
  public String toString() {
    return "DataDesc[" + name + "," + shape + "," + dtype.numpyName() + "]";
  }
}
