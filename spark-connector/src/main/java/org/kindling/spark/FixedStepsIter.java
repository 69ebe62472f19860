package org.kindling.spark;

import java.io.IOException;
import java.util.List;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;
import org.kindling.tensor.data.DataIter;

/**
 * Exactly {@code steps} batches per epoch from a worker's part of the data: a part shorter than
 * the longest one wraps around to its first records within the epoch, so every synchronous
 * round gets all W pushes (decision 0005). Each epoch restarts at the part's first record, so
 * the batches of an epoch are the same in a resumed run as in an uninterrupted one.
 */
final class FixedStepsIter implements DataIter {
  private final DataIter part;
  private final int steps;
  private int done;

  /**
   * @param part the worker's records; owned (closed) by this iterator
   * @param steps batches per epoch (at least 1)
   */
  FixedStepsIter(DataIter part, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps per epoch must be >= 1, got " + steps);
    }
    this.part = part;
    this.steps = steps;
  }

  @Override
  public int batchSize() {
    return part.batchSize();
  }

  @Override
  public List<DataDesc> provideData() {
    return part.provideData();
  }

  @Override
  public List<DataDesc> provideLabel() {
    return part.provideLabel();
  }

  /**
   * The next batch, or null after {@code steps} of them.
   *
   * @throws IllegalStateException if the part holds no records at all
   */
  @Override
  public DataBatch next() throws IOException {
    if (done == steps) {
      return null;
    }
    DataBatch b = part.next();
    if (b == null) {
      part.reset(); // a short part wraps around within the epoch
      b = part.next();
      if (b == null) {
        throw new IllegalStateException("this worker's part of the data holds no records");
      }
    }
    done++;
    return b;
  }

  @Override
  public void reset() throws IOException {
    part.reset();
    done = 0;
  }

  @Override
  public void close() throws IOException {
    part.close();
  }
}
