package org.kindling.spark;

import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;
import org.kindling.tensor.data.DataIter;

/**
 * Exactly {@code steps} batches per epoch from a worker's part of the data: a part shorter than
 * the longest one wraps around to its first records within the epoch, so every synchronous
 * round gets all W pushes (decision 0005). Each epoch restarts at the part's first record, so
 * the batches of an epoch are the same in a resumed run as in an uninterrupted one; a shuffling
 * source learns each new epoch's number before the reset that starts it (so its order is drawn
 * from the epoch, not from a count of passes, which wrapping and padding make uneven).
 *
 * <p>The next epoch is announced already before the epoch's last batch is read: a short last
 * batch is completed from the start of the pass the source starts next ({@link
 * org.kindling.io.RecordSource#lendNextPass()}), which is then pass 0 of the next epoch, the one
 * read next anyway (decision 0090). If that batch instead finds the pass at its end, the
 * announcement is withdrawn for the wrap within the epoch and made again after it.
 */
final class FixedStepsIter implements DataIter {
  private final DataIter part;
  private final int steps;
  private final LongConsumer epochStart;
  private long epoch;
  private int done;

  /**
   * @param part the worker's records; owned (closed) by this iterator
   * @param steps batches per epoch (at least 1)
   */
  FixedStepsIter(DataIter part, int steps) {
    this(part, steps, 0, e -> { });
  }

  /**
   * @param part the worker's records; owned (closed) by this iterator
   * @param steps batches per epoch (at least 1)
   * @param firstEpoch the epoch of the first batches ({@code --begin-epoch})
   * @param epochStart told the number of the next epoch before the epoch's last batch is read
   *     and again before the {@link #reset()} that starts it ({@link
   *     org.kindling.io.split.ShuffledPartSource#startEpoch}), and -1 to withdraw it ({@link
   *     org.kindling.io.split.ShuffledPartSource#withdrawStartEpoch}) before a wrap within the
   *     epoch
   */
  FixedStepsIter(DataIter part, int steps, long firstEpoch, LongConsumer epochStart) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps per epoch must be >= 1, got " + steps);
    }
    this.part = part;
    this.steps = steps;
    this.epoch = firstEpoch;
    this.epochStart = epochStart;
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
    boolean last = done == steps - 1;
    if (last) {
      // a short last batch then borrows from pass 0 of the next epoch, not a pass of its own
      epochStart.accept(epoch + 1);
    }
    DataBatch b = part.next();
    if (b == null) {
      if (last) {
        epochStart.accept(-1); // the wrap below starts this epoch's next pass
      }
      part.reset(); // a short part wraps around within the epoch
      if (last) {
        epochStart.accept(epoch + 1);
      }
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
    epochStart.accept(++epoch);
    part.reset();
    done = 0;
  }

  @Override
  public void close() throws IOException {
    part.close();
  }
}
