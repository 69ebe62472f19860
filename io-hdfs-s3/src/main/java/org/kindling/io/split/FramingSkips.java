package org.kindling.io.split;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a part reader skipped broken RecordIO framing instead of failing (its {@code
 * skipCorrupt} mode): a bad magic word, a bad cflag, a length running past the end of the file or
 * a truncated part at a record head. Each skip is the byte range from that record's head to the
 * next record head of the file (an aligned magic word followed by an lrec with cflag 0 or 1, the
 * head dmlc's {@code SeekRecordBegin} resyncs to), or to the file's end. Counts every skip and
 * keeps the first {@value #KEPT} as {@code file@offset: problem (skipped bytes [offset, end))}.
 * Thread-safe: a reader on a background thread adds, a reporter reads.
 */
public final class FramingSkips {
  /** Skips described in full; the count goes on. */
  public static final int KEPT = 100;

  /**
   * One skipped byte range.
   *
   * @param file the file, as the split names it
   * @param offset in-file offset of the broken record's head (where reading failed to frame it)
   * @param end in-file offset where reading resumed: the next record head, or the file's end
   * @param problem what was wrong, as the reader's error said it
   */
  public record Range(String file, long offset, long end, String problem) {
    /** {@code file@offset: problem (skipped bytes [offset, end))}. */
    public String describe() {
      return file + "@" + offset + ": " + problem + " (skipped bytes [" + offset + ", " + end
          + "))";
    }
  }

  private final List<Range> kept = new ArrayList<>();
  private final int keep;
  /** For a distinct count: the ranges met so far, by file and offset; else null. */
  private final Set<String> met;
  private long count;

  /** Keeps the first {@value #KEPT} ranges. */
  public FramingSkips() {
    this(KEPT);
  }

  /** Keeps the first {@code keep} ranges (a locating pass keeps them all, to replay them). */
  FramingSkips(int keep) {
    this(keep, false);
  }

  private FramingSkips(int keep, boolean distinct) {
    this.keep = keep;
    this.met = distinct ? new HashSet<>() : null;
  }

  /**
   * Counts each range once however often it is met: for a single pass whose reader may read
   * ahead into a second one (a validation pass whose last batch wraps to the start).
   */
  public static FramingSkips distinct() {
    return new FramingSkips(KEPT, true);
  }

  /** Keeps every range: for a count or locating pass whose ranges each read pass replays. */
  public static FramingSkips keepingAll() {
    return new FramingSkips(Integer.MAX_VALUE);
  }

  /** Records one skip. */
  public synchronized void skipped(Range range) {
    if (met != null && !met.add(range.file() + "@" + range.offset())) {
      return;
    }
    count++;
    if (kept.size() < keep) {
      kept.add(range);
    }
  }

  /** Skips recorded so far. */
  public synchronized long count() {
    return count;
  }

  /** The first skips kept ({@value #KEPT} by default), in the order they were met. */
  public synchronized List<Range> ranges() {
    return List.copyOf(kept);
  }

  /** {@link Range#describe()} of the first {@value #KEPT} skips. */
  public synchronized List<String> descriptions() {
    return kept.stream().map(Range::describe).toList();
  }
}
