package org.kindling.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * A re-iterable stream of logical records, for example one part of a RecordIO split. Not
 * thread-safe: one consumer calls {@link #next()} and {@link #reset()}.
 */
public interface RecordSource extends Closeable {

  /**
   * The next record, or {@code null} at the end of the source (and on every later call until
   * {@link #reset()}).
   *
   * @throws org.kindling.tensor.FormatException if the data is corrupt (names file and offset)
   * @throws IOException if reading fails
   */
  LocatedRecord next() throws IOException;

  /** Starts again from the first record (the next epoch). */
  void reset() throws IOException;
}
