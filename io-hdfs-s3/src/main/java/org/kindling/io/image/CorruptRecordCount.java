package org.kindling.io.image;

import java.util.List;

/**
 * An iterator that can skip corrupt records instead of failing on them (its {@code skipCorrupt}
 * option): how many it skipped, and where. A training job reads both to report the skipped
 * records in its progress output and history.
 */
public interface CorruptRecordCount {

  /**
   * Corrupt records skipped since the iterator was built, over every pass (a record skipped in
   * each of two epochs counts twice; the padding of a short last batch, which re-reads the start
   * of the pass, counts nothing again); 0 without {@code skipCorrupt}.
   */
  long corruptCount();

  /**
   * {@code file@offset: problem} of the first corrupt records skipped (at most a hundred; the
   * count goes on), in the order they were met.
   */
  List<String> corruptRecords();
}
