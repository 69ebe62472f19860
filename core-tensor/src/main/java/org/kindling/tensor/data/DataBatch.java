package org.kindling.tensor.data;

import java.util.List;
import org.kindling.tensor.NDArray;

/**
 * One mini-batch, as MXNet's {@code DataBatch}: the data arrays (first axis = batch), the label
 * arrays (first axis = batch), and {@code pad}, the number of trailing rows that are filler
 * (the last batch of an epoch is padded to full size; metrics and predictions skip those rows).
 *
 * @param data data arrays, e.g. one {@code (batch, 784)} float32 array
 * @param label label arrays, e.g. one {@code (batch,)} float32 array of class indices
 * @param pad number of filler rows at the end, in {@code [0, batch)}
 */
public record DataBatch(List<NDArray> data, List<NDArray> label, int pad)
    implements AutoCloseable {
  /** Copies the lists and checks the padding. */
  public DataBatch {
    data = List.copyOf(data);
    label = List.copyOf(label);
    if (data.isEmpty()) {
      throw new IllegalArgumentException("a DataBatch needs at least one data array");
    }
    int batch = data.get(0).shape().get(0);
    if (pad < 0 || pad >= Math.max(batch, 1)) {
      throw new IllegalArgumentException("pad " + pad + " out of range for batch size " + batch);
    }
  }

  /** Rows in the batch, including padding. */
  public int batchSize() {
    return data.get(0).shape().get(0);
  }

  /**
   * Releases the batch's arrays once the operations already pushed on them (the copies into an
   * executor) have finished. Whoever takes a batch from an iterator closes it after use.
   */
  @Override
  public void close() {
    data.forEach(NDArray::close);
    label.forEach(NDArray::close);
  }
}
