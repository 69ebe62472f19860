package org.kindling.spark;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.kindling.io.RecordSource;
import org.kindling.io.image.CorruptRecordCount;
import org.kindling.io.split.FramingSkips;
import org.kindling.io.split.PassSkipsSource;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;
import org.kindling.tensor.data.DataIter;

/**
 * A training task's batches: byte-range part {@code rank} of {@code workers} of the job's data,
 * read the way {@link TrainTask} reads it, in a new order every epoch ({@code --shuffle}, the
 * default: {@link ShuffledPartSource}, which reads chunks of records on a non-local store and
 * single records of local files, decision 0056) or in file order through a {@link
 * PrefetchingRecordSource}, turned into batches by the job's {@link ImageInput} and cut to
 * exactly the agreed steps per epoch ({@link FixedStepsIter}).
 *
 * <p>Two phases, because the workers agree on the steps per epoch between them: {@link #open}
 * locates (shuffled) or counts (file order) the part's records, {@link #records()} is what a task
 * sends to the others, and {@link #iterator(int)} then builds the iterator of the agreed number of
 * steps. Kept apart from the task so that the benchmarks read a part exactly as a task does
 * ({@code bench/run-io}'s latency rows).
 *
 * <p>{@link #close()} closes the records' source unless {@link #iterator(int)} has handed it to
 * the iterator it returned (which then closes it).
 */
public final class TrainingInput implements Closeable {
  private final TrainConfig config;
  private final RecordIOSplit split;
  private final int rank;
  private final int workers;
  /** --skip-corrupt: where the read passes report the broken framing they move over, or null. */
  private final FramingSkips framing;
  /** --skip-corrupt in file order: what the count pass found, replayed per pass; or null. */
  private final FramingSkips counted;
  private final long records;
  /** The shuffled source (opened by {@link #open}), then the iterator's; null in file order. */
  private RecordSource source;
  private DataIter part;
  private boolean handedOver;

  private TrainingInput(TrainConfig config, RecordIOSplit split, int rank, int workers)
      throws IOException {
    this.config = config;
    this.split = split;
    this.rank = rank;
    this.workers = workers;
    // shuffled: the records located from the .idx files or by one header-only pass, which
    // also counts them; in order: counted from the .idx files or by a header-only scan. Either
    // way the part's payloads are read once, by the training
    // --skip-corrupt: broken framing is resynchronised over, by the count or locating pass and
    // the read pass alike, and reported with the skipped records
    this.framing = config.skipCorrupt() ? new FramingSkips() : null;
    // in file order, the count pass finds the broken framing and each pass the consumer reads
    // through reports it (PassSkipsSource): the prefetching reader meets it at times of its own
    this.counted = framing == null || config.shuffle() ? null : FramingSkips.keepingAll();
    if (config.shuffle()) {
      ShuffledPartSource s = ShuffledPartSource.open(split, rank, workers, config.seed(),
          config.beginEpoch(), framing);
      this.source = s;
      this.records = s.size();
    } else {
      this.records = split.countRecords(rank, workers, counted).records();
    }
  }

  /**
   * Locates or counts the records of part {@code rank} of {@code workers} of {@code split} (the
   * job's {@code config.data()} opened under the task's Hadoop configuration), reading them as
   * {@code config} says: {@code shuffle}, {@code seed}, {@code beginEpoch}, {@code skipCorrupt}.
   *
   * @throws org.kindling.tensor.FormatException naming the file and offset of a corrupt header
   *     or a malformed {@code .idx}
   * @throws IllegalArgumentException if {@code rank} is not in {@code [0, workers)}
   */
  public static TrainingInput open(TrainConfig config, RecordIOSplit split, int rank,
      int workers) throws IOException {
    return new TrainingInput(config, split, rank, workers);
  }

  /** The part's records: what this worker tells the others before they agree on the steps. */
  public long records() {
    return records;
  }

  /**
   * The shuffled part's source; null in file order (whose prefetching reader {@link #iterator}
   * opens) and once {@link #close()} has closed it.
   */
  public ShuffledPartSource shuffled() {
    return source instanceof ShuffledPartSource s ? s : null;
  }

  /**
   * The training batches: exactly {@code steps} per epoch from epoch {@code config.beginEpoch()}
   * on, each of {@code batchSize} examples of {@code inputShape} (raw pixels times {@code scale},
   * or decoded images as {@link ImageInput} says), labels of shape {@code (batchSize)}. A part
   * shorter than {@code steps} batches wraps around within the epoch; a shuffled part learns each
   * epoch's number before the reset that starts it. The iterator owns the records' source from
   * here on. Call once.
   *
   * @param steps the steps per epoch the workers agreed on ({@link #stepsPerEpoch})
   * @throws IllegalStateException if called twice
   */
  public DataIter iterator(int steps) throws IOException {
    if (handedOver || part != null) {
      throw new IllegalStateException("the training iterator of part " + rank + " of "
          + workers + " of " + config.data() + " was already built");
    }
    if (source == null) {
      RecordSource read = new PrefetchingRecordSource(split.openPart(rank, workers,
          framing == null ? null : new FramingSkips()));
      source = framing == null ? read
          : new PassSkipsSource(read, records, counted.ranges(), framing);
    }
    // a resumed job's random augmentations continue from the passes made before it
    long firstPass = config.beginEpoch()
        * ImageInput.passesPerEpoch(records, config.batchSize(), steps);
    // closed with the FixedStepsIter wrapping it; read for its count of skipped records
    part = config.image().trainIter(source, config.inputShape(), config.scale(),
        config.batchSize(), config.seed(), firstPass, config.skipCorrupt());
    LongConsumer epochStart = e -> { };
    if (source instanceof ShuffledPartSource s) {
      // which pass's first window to read ahead at the end of a pass: pass 0 of the next epoch
      // after the epoch's last pass (a hint; the passes started are FixedStepsIter's, below)
      s.expectPassesPerEpoch(ImageInput.passesPerEpoch(records, config.batchSize(), steps));
      epochStart = e -> {
        if (e < 0) {
          s.withdrawStartEpoch();
        } else {
          s.startEpoch(e);
        }
      };
    }
    DataIter data = new FixedStepsIter(part, steps, config.beginEpoch(), epochStart);
    handedOver = true;
    return data;
  }

  /** The skipped-record counts of the iterator {@link #iterator(int)} built (--skip-corrupt). */
  CorruptRecordCount corruptCounts() {
    return CorruptCounts.of(part, framing);
  }

  /** Closes the records' source if no iterator owns it yet; idempotent. */
  @Override
  public void close() throws IOException {
    if (!handedOver && source != null) {
      RecordSource s = source;
      source = null;
      s.close();
    }
  }

  /**
   * Steps per epoch from every worker's record count: the longest part's batch count.
   *
   * @param counts each worker's {@link #records()}, as decimal strings (the {@code allGather}'s)
   * @param data the job's data, named in the error
   * @throws IllegalArgumentException if some part is empty (too many workers for the data)
   */
  public static int stepsPerEpoch(String[] counts, int batchSize, String data) {
    long max = 0;
    List<Integer> empty = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      long c = Long.parseLong(counts[i]);
      if (c == 0) {
        empty.add(i);
      }
      max = Math.max(max, c);
    }
    if (!empty.isEmpty()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: part(s) %s of %d hold no records; use fewer workers (--num-workers) or more"
              + " data", data, empty, counts.length));
    }
    long steps = (max + batchSize - 1) / batchSize;
    if (steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(data + ": " + max + " records per part is too many");
    }
    return (int) steps;
  }
}
