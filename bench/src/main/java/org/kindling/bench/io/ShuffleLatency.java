package org.kindling.bench.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.kindling.bench.Stats;
import org.kindling.io.RecordSource;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;

/**
 * Shuffled reads of a training part on a slow store, timed (issue 9, decision 0056): one part of
 * {@value #RECORDS} 28x28 raw image records (with its {@code .idx}) on {@code delayed://} ({@link
 * DelayedFileSystem}: 0, 5 or 50 ms before every request, a ranged read or the first read of a
 * stream: a remote store's latency on a local disk's bandwidth), read in file order ({@link
 * PrefetchingRecordSource} over the part reader, for reference) and shuffled by {@link
 * ShuffledPartSource} in {@code record} mode (one request per record) and in {@code chunk} mode
 * (one request per chunk of contiguous records), each with the defaults of the {@code delayed}
 * scheme (any store other than {@code file} and {@code hdfs}: 4 MiB chunks; 4 reader threads, 64
 * records ahead, window of 4 chunks).
 *
 * <p>Two runs per read and delay, interleaved over all of them, {@value #ROUNDS} rounds after a
 * short warm-up; the table holds medians. A run opens the source (the clock includes locating the
 * records from the {@code .idx}) and reads the part once, but stops at a time budget (default
 * {@value #DEFAULT_BUDGET_SECONDS} s): record mode at 50 ms reads some hundred records in it, by
 * design; its requests then count the records read ahead of the consumer too.
 *
 * <ul>
 *   <li>drain: the consumer takes records as fast as it can; records per second is what the
 *       read stack delivers.
 *   <li>stepping consumer: batches of {@value #BATCH} records, each followed by a {@value
 *       #STEP_MS} ms sleep (a training step that uses no core, so the figure is not the reader
 *       threads' contention with the consumer); the wait is the time per batch the consuming
 *       thread spent in {@code next()}, start-up included. 0 means the reads keep ahead of a
 *       consumer of {@value #BATCH}/{@value #STEP_MS} records per ms.
 * </ul>
 *
 * <p>usage: {@code ShuffleLatency [dir [budget seconds]]} (default: a temporary directory, {@value
 * #DEFAULT_BUDGET_SECONDS} s)
 */
public final class ShuffleLatency {
  static final int RECORDS = 60_000;
  private static final int ROUNDS = 3;
  private static final int BATCH = 64;
  private static final int STEP_MS = 5;
  private static final double DEFAULT_BUDGET_SECONDS = 3;
  private static final int[] DELAYS_MS = {0, 5, 50};
  private static final String[] READS = {"file order", "record", "chunk"};

  private ShuffleLatency() {}

  /** One run: records read, seconds, positioned reads, consumer wait in ns, and whether whole. */
  private record Run(long records, double seconds, long requests, long waitNanos, boolean whole) {}

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("shuffle-latency");
    double budget = args.length > 1 ? Double.parseDouble(args[1]) : DEFAULT_BUDGET_SECONDS;
    Path rec = dir.resolve("latency.rec");
    write(rec, dir.resolve("latency.idx"));
    String uri = "delayed://" + rec.toUri().getPath();
    System.out.printf(Locale.ROOT, "One part of %,d 28x28 raw records (%.1f MB, with its .idx) on"
        + " delayed:// (0, 5 or 50 ms before every request: a ranged read, or a stream's first"
        + " read), read in file order (prefetching"
        + " part reader) and shuffled by ShuffledPartSource in record and chunk mode (defaults of"
        + " a non-local store: 4 MiB chunks, 4 reader threads, 64 records ahead, window 4). Runs"
        + " interleaved, %d rounds after a warm-up; medians. Every run stops after %.1f s (open"
        + " and locating included): \"records read\" says whether it read the whole part (then"
        + " the requests are those of one pass); a bounded run's requests include the records"
        + " read ahead of the consumer (up to 64 in record mode). Stepping consumer: %d records"
        + " then a %d ms sleep; wait = ms per batch spent in next().%n%n",
        RECORDS, Files.size(rec) / 1e6, ROUNDS, budget, BATCH, STEP_MS);
    System.out.println("| read | ms per request | drain: records/s | drain: requests |"
        + " drain: records read | stepping consumer: wait ms/batch | stepping: records/s |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    int variants = READS.length * DELAYS_MS.length;
    List<List<Run>> drains = new ArrayList<>();
    List<List<Run>> steps = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      drains.add(new ArrayList<>());
      steps.add(new ArrayList<>());
    }
    for (String read : READS) { // warm-up: the JIT and the page cache
      run(uri, read, 0, 0, 1, false);
    }
    for (int round = 0; round < ROUNDS; round++) {
      for (int v = 0; v < variants; v++) {
        String read = READS[v / DELAYS_MS.length];
        int delay = DELAYS_MS[v % DELAYS_MS.length];
        drains.get(v).add(run(uri, read, delay, round, budget, false));
        steps.get(v).add(run(uri, read, delay, round, budget, true));
      }
    }
    for (int v = 0; v < variants; v++) {
      List<Run> d = drains.get(v);
      List<Run> s = steps.get(v);
      double rate = Stats.median(d.stream().mapToDouble(r -> r.records() / r.seconds()).toArray());
      double requests = Stats.median(d.stream().mapToDouble(Run::requests).toArray());
      boolean whole = d.stream().allMatch(Run::whole);
      double read = Stats.median(d.stream().mapToDouble(Run::records).toArray());
      double wait = Stats.median(s.stream()
          .mapToDouble(r -> r.waitNanos() / 1e6 / Math.ceil(r.records() / (double) BATCH))
          .toArray());
      double stepRate = Stats.median(
          s.stream().mapToDouble(r -> r.records() / r.seconds()).toArray());
      System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %s | %.2f | %,.0f |%n",
          READS[v / DELAYS_MS.length], DELAYS_MS[v % DELAYS_MS.length], rate, requests,
          whole ? "all" : String.format(Locale.ROOT, "%,.0f (budget)", read), wait, stepRate);
    }
  }

  private static Run run(String uri, String read, int delayMs, long seed, double budgetSeconds,
      boolean stepping) throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.delayed.impl", DelayedFileSystem.class.getName());
    // a new file system per run: the cached one would keep the first run's delay
    conf.setBoolean("fs.delayed.impl.disable.cache", true);
    conf.setInt(DelayedFileSystem.DELAY_KEY, delayMs);
    long budgetNanos = (long) (budgetSeconds * 1e9);
    long requests0 = DelayedFileSystem.requests();
    long t0 = System.nanoTime();
    if (!read.equals("file order")) {
      conf.set(ShuffledPartSource.MODE_KEY, read); // before the split copies the configuration
    }
    RecordIOSplit split = RecordIOSplit.open(uri, conf);
    RecordSource source = read.equals("file order")
        ? new PrefetchingRecordSource(split.openPart(0, 1))
        : ShuffledPartSource.open(split, 0, 1, seed, 0);
    if (source instanceof ShuffledPartSource s && !s.mode().name().equalsIgnoreCase(read)) {
      throw new IllegalStateException("asked for " + read + " mode, got " + s.mode());
    }
    long n = 0;
    long wait = 0;
    boolean whole = false;
    long nanos;
    try (source) {
      while (System.nanoTime() - t0 < budgetNanos) {
        long w = System.nanoTime();
        if (source.next() == null) {
          wait += System.nanoTime() - w;
          break;
        }
        wait += System.nanoTime() - w;
        n++;
        if (stepping && n % BATCH == 0) {
          sleep(STEP_MS);
        }
      }
      nanos = System.nanoTime() - t0; // before close, which joins reads still in flight
      whole = n == RECORDS;
    }
    return new Run(Math.max(n, 1), nanos / 1e9, DelayedFileSystem.requests() - requests0, wait,
        whole);
  }

  private static void sleep(int ms) throws InterruptedIOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  private static void write(Path rec, Path idx) throws IOException {
    Random r = new Random(13);
    try (OutputStream recOut = Files.newOutputStream(rec);
        OutputStream idxOut = Files.newOutputStream(idx);
        IndexedRecordIOWriter w = new IndexedRecordIOWriter(recOut, idxOut)) {
      byte[] px = new byte[28 * 28];
      for (int i = 0; i < RECORDS; i++) {
        r.nextBytes(px);
        w.write(i, ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), px));
      }
    }
  }
}
