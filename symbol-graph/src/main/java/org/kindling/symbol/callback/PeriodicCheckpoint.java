package org.kindling.symbol.callback;

import java.io.IOException;
import java.util.Objects;

/**
 * Saves a checkpoint every {@code period} epochs, as MXNet's {@code
 * mx.callback.do_checkpoint(prefix, period)}: after the epoch counted {@code e} from 0 it writes
 * checkpoint number {@code e + 1} when {@code (e + 1) % period == 0}. The writing itself is the
 * {@link CheckpointWriter}'s.
 */
public final class PeriodicCheckpoint implements TrainingCallback {
  private final CheckpointWriter writer;
  private final int period;

  /**
   * A checkpoint every {@code period} epochs.
   *
   * @throws IllegalArgumentException if {@code period < 1} (MXNet silently uses 1)
   */
  public PeriodicCheckpoint(CheckpointWriter writer, int period) {
    this.writer = Objects.requireNonNull(writer, "writer");
    if (period < 1) {
      throw new IllegalArgumentException("checkpoint period " + period
          + " must be at least 1 (epochs between checkpoints)");
    }
    this.period = period;
  }

  /** A checkpoint after every epoch. */
  public PeriodicCheckpoint(CheckpointWriter writer) {
    this(writer, 1);
  }

  /**
   * Writes checkpoint {@code epoch + 1} if it is due.
   *
   * @throws IOException if the writer fails
   */
  @Override
  public Action epochEnd(EpochEndParam p) throws IOException {
    int number = p.epoch() + 1;
    if (number % period == 0) {
      writer.write(number, p.symbol(), p.argParams(), p.auxParams());
    }
    return Action.CONTINUE;
  }
}
