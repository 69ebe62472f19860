package org.kindling.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * A re-iterable stream of logical records, for example one part of a RecordIO split. Not
 * thread-safe: one consumer calls {@link #next()}, {@link #nextView()} and {@link #reset()}.
 *
 * <p>A consumer that is done with a record before it asks for the next one (it parses or decodes
 * it on the spot) calls {@link #nextView()}: a source that reads records in chunks of its own
 * then copies nothing. A consumer that keeps a record longer, or hands it to another thread,
 * calls {@link #next()} and owns the result.
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

  /**
   * The next record as a view: its payload is borrowed, valid until the next call on this source,
   * and not to be modified; {@link RecordView#copy()} keeps one. The same records, checks and
   * errors as {@link #next()}, which this default calls (sources whose records already live in
   * buffers of their own, such as the part reader, hand them out without the copy).
   *
   * @return the record, or {@code null} at the end of the source
   */
  default RecordView nextView() throws IOException {
    LocatedRecord r = next();
    return r == null ? null : r.view();
  }

  /** Starts again from the first record (the next epoch). */
  void reset() throws IOException;

  /**
   * Starts the pass the next {@link #reset()} would start so that a short last batch can borrow
   * its first records (MXNet's {@code round_batch}: the last batch is completed from the start of
   * the next pass); the {@link #reset()} that follows then restarts that same pass at its first
   * record instead of starting another one, so the borrowed records come from the pass that is
   * read next anyway. Called again before that {@link #reset()} (a pass shorter than the records
   * still missing), it restarts the lent pass. This default calls {@link #reset()}: every pass of
   * such a source is the same. A source whose passes differ (a shuffled one) overrides it.
   */
  default void lendNextPass() throws IOException {
    reset();
  }
}
