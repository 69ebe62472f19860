package org.kindling.io.split;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.RecordView;

/**
 * Counts a part's broken framing once per pass on the consumer's side: a record source (a
 * skipCorrupt part reader, usually behind a {@link PrefetchingRecordSource}) whose skipped ranges
 * were found by the count pass ({@link RecordIOSplit#countRecords(int, int, FramingSkips)}),
 * which reports those ranges into {@code sink} when the consumer has taken the pass's last
 * record (or met its end). A reader thread that reads ahead meets the ranges at times of its
 * own, also in passes the consumer only starts (the few records a short last batch borrows);
 * counting here makes the count one per range per pass the consumer reads through. Not
 * thread-safe, as every record source.
 */
public final class PassSkipsSource implements RecordSource {
  private final RecordSource source;
  private final long records;
  private final List<FramingSkips.Range> ranges;
  private final FramingSkips sink;
  private long taken;
  private boolean pending = true;

  /**
   * @param source the records; owned (closed) by this source
   * @param records the pass's record count, from the count pass
   * @param ranges the broken framing the count pass skipped ({@link FramingSkips#ranges()} of
   *     a {@link FramingSkips#keepingAll()})
   * @param sink where each pass reports them
   */
  public PassSkipsSource(RecordSource source, long records, List<FramingSkips.Range> ranges,
      FramingSkips sink) {
    this.source = Objects.requireNonNull(source, "source");
    this.records = records;
    this.ranges = List.copyOf(ranges);
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  @Override
  public LocatedRecord next() throws IOException {
    LocatedRecord r = source.next();
    taken(r == null);
    return r;
  }

  @Override
  public RecordView nextView() throws IOException {
    RecordView r = source.nextView();
    taken(r == null);
    return r;
  }

  private void taken(boolean end) {
    if (!end) {
      taken++;
    }
    if (pending && (end || taken >= records)) {
      pending = false;
      for (FramingSkips.Range range : ranges) {
        sink.skipped(range);
      }
    }
  }

  @Override
  public void reset() throws IOException {
    source.reset();
    taken = 0;
    pending = true;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
