package org.kindling.spark;

import java.util.ArrayList;
import java.util.List;
import org.kindling.io.image.CorruptRecordCount;
import org.kindling.io.split.FramingSkips;

/**
 * What a worker skipped with {@code --skip-corrupt}, as one {@link CorruptRecordCount}: the
 * records its iterator could not turn into rows, plus the byte ranges of broken RecordIO framing
 * its part reader resynchronised over (each range counts as one skip, named {@code
 * file@offset: problem (skipped bytes [offset, end))}).
 */
final class CorruptCounts implements CorruptRecordCount {
  private final CorruptRecordCount records;
  private final FramingSkips framing;

  /**
   * @param records the iterator's count, or null
   * @param framing the part reader's skipped framing, or null
   */
  CorruptCounts(CorruptRecordCount records, FramingSkips framing) {
    this.records = records;
    this.framing = framing;
  }

  /** The combined count, or null when neither side counts anything. */
  static CorruptRecordCount of(Object iterator, FramingSkips framing) {
    CorruptRecordCount records = iterator instanceof CorruptRecordCount c ? c : null;
    if (framing == null) {
      return records;
    }
    return new CorruptCounts(records, framing);
  }

  @Override
  public long corruptCount() {
    return (records == null ? 0 : records.corruptCount()) + framing.count();
  }

  @Override
  public List<String> corruptRecords() {
    List<String> all = new ArrayList<>(framing.descriptions());
    if (records != null) {
      all.addAll(records.corruptRecords());
    }
    return all;
  }
}
