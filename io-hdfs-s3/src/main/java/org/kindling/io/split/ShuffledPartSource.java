package org.kindling.io.split;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Seekable;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * The records of one byte-range part of a {@link RecordIOSplit} (exactly those {@link
 * RecordIOSplit#openPart} returns, across the part's files) in an order drawn anew for every
 * pass: MXNet's {@code shuffle=True} for a training iterator, within the worker's part.
 *
 * <p>Where the records are: from the {@code .idx} next to every {@code .rec} when each file has
 * one, else from one header-only pass over the part that seeks over the payloads (the pass that
 * counts the part's records without an index; decision 0056). Each record is then read by one
 * ranged read of its bytes through its file's {@link ByteSource} (retried as every read of the
 * stores), up to {@value #AHEAD_KEY} records ahead of the consumer on {@value #THREADS_KEY}
 * reader threads, in the order the consumer will ask for them: the prefetch that hides the
 * store's latency for a sequential part, here for random access.
 *
 * <p>The order of a pass is a Fisher-Yates shuffle drawn from {@code (seed, part, epoch, pass of
 * the epoch)}: the same for the same seed, different for another epoch, part or seed. Each
 * {@link #reset()} starts the next pass of the epoch (a short part that wraps within an epoch);
 * after {@link #startEpoch(long)} it starts pass 0 of that epoch instead, so a job resumed at
 * epoch {@code e} reads epoch {@code e}'s passes in the order an uninterrupted one does.
 *
 * <p>The consumer side is not thread-safe: call it from one thread. {@link #close()} stops and
 * joins the reader threads, then closes the byte sources.
 */
public final class ShuffledPartSource implements RecordSource {
  /** Configuration key: reader threads per shuffled part (default {@value #DEFAULT_THREADS}). */
  public static final String THREADS_KEY = "kindling.io.shuffle.read.threads";
  /** Configuration key: records read ahead of the consumer (default {@value #DEFAULT_AHEAD}). */
  public static final String AHEAD_KEY = "kindling.io.shuffle.read.ahead";
  public static final int DEFAULT_THREADS = 4;
  public static final int DEFAULT_AHEAD = 64;

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final RecordIOSplit split;
  private final PartRange range;
  private final PartRecords records;
  private final long seed;
  private final int ahead;
  private final int[] order;
  private final ExecutorService readers;
  /** The byte source of each file the part touches. */
  private final Map<SplitFile, ByteSource> sources = new HashMap<>();
  private final ArrayDeque<Future<LocatedRecord>> inflight = new ArrayDeque<>();
  private long epoch;
  private long pass;
  /** The epoch the next {@link #reset()} starts, or -1: the next pass of the current one. */
  private volatile long nextEpoch = -1;
  /** Position in {@link #order} of the next record handed out, and of the next one read. */
  private int next;
  private int submitted;
  private boolean closed;

  private ShuffledPartSource(RecordIOSplit split, PartRange range, PartRecords records,
      long seed, long firstEpoch, int threads, int ahead) throws IOException {
    this.split = split;
    this.range = range;
    this.records = records;
    this.seed = seed;
    this.epoch = firstEpoch;
    this.ahead = ahead;
    this.order = new int[records.size()];
    for (long head : records.heads()) {
      SplitFile f = split.fileContaining(head);
      if (!sources.containsKey(f)) {
        sources.put(f, ByteStores.open(ByteStores.forPath(f.path(), split.conf()),
            StoreEntry.file(f.path(), f.size()), split.conf()));
      }
    }
    this.readers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "kindling-shuffle-read-" + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    arrange();
  }

  /**
   * Opens part {@code part} of {@code numParts} of {@code split}, shuffled, the first pass being
   * pass 0 of epoch {@code firstEpoch}. Reader threads and read-ahead come from the split's
   * configuration ({@value #THREADS_KEY}, {@value #AHEAD_KEY}).
   *
   * @throws FormatException naming the {@code .idx} if an index is malformed, or the file and
   *     offset of a corrupt header met by the locating pass
   * @throws IllegalArgumentException if the part is not in {@code [0, numParts)}, {@code
   *     firstEpoch} is negative or the read settings are below 1
   */
  public static ShuffledPartSource open(RecordIOSplit split, int part, int numParts, long seed,
      long firstEpoch) throws IOException {
    if (firstEpoch < 0) {
      throw new IllegalArgumentException("firstEpoch " + firstEpoch + " must be >= 0");
    }
    Configuration conf = split.conf();
    int threads = conf.getInt(THREADS_KEY, DEFAULT_THREADS);
    int ahead = conf.getInt(AHEAD_KEY, DEFAULT_AHEAD);
    if (threads < 1 || ahead < 1) {
      throw new IllegalArgumentException(THREADS_KEY + " and " + AHEAD_KEY
          + " must be at least 1, got " + threads + " and " + ahead);
    }
    PartRange range = split.partRange(part, numParts);
    return new ShuffledPartSource(split, range, PartRecords.of(split, range), seed, firstEpoch,
        threads, ahead);
  }

  /** Records in the part: the same count {@link RecordIOSplit#countRecords} gives. */
  public long size() {
    return records.size();
  }

  /** True if the records were located through the {@code .idx} files, false by a scan. */
  public boolean locatedByIndex() {
    return records.fromIndex();
  }

  /** The part's resynced global byte range. */
  public PartRange range() {
    return range;
  }

  /**
   * Makes the next {@link #reset()} start pass 0 of {@code epoch} instead of the current epoch's
   * next pass. May be called from any thread.
   */
  public void startEpoch(long epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch " + epoch + " must be >= 0");
    }
    nextEpoch = epoch;
  }

  /** The order of the current pass: positions of the part's records in file order. */
  int[] order() {
    return order.clone();
  }

  /** Draws the current pass's order from {@code (seed, part, epoch, pass)}. */
  private void arrange() {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(mix(seed, range.part(), epoch, pass));
    for (int i = order.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    next = 0;
    submitted = 0;
  }

  /** SplitMix64's finalizer folded over the four inputs: nearby inputs give unrelated seeds. */
  static long mix(long seed, long part, long epoch, long pass) {
    long z = seed;
    for (long v : new long[] {part, epoch, pass}) {
      z = z * 0x9E3779B97F4A7C15L + v;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
    }
    return z;
  }

  /**
   * The next record of the pass, or null at its end; the caller owns it.
   *
   * @throws FormatException naming the file and offset if the record there is corrupt
   * @throws IOException if its read fails after the store's retries
   */
  @Override
  public LocatedRecord next() throws IOException {
    ensureOpen();
    if (next >= order.length) {
      return null;
    }
    while (submitted < order.length && inflight.size() < ahead) {
      int index = order[submitted++];
      inflight.add(readers.submit(() -> read(index)));
    }
    Future<LocatedRecord> f = inflight.poll();
    next++;
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading a shuffled record of "
          + split.uri());
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
  }

  /** Reads record {@code index} (file order) by one ranged read of its bytes. */
  private LocatedRecord read(int index) throws IOException {
    long head = records.heads()[index];
    long end = records.ends()[index];
    SplitFile f = split.fileContaining(head);
    long at = head - f.start();
    String file = f.path().toString();
    if (end - head > Integer.MAX_VALUE - 8) {
      throw new FormatException(file, at, "the record spans " + (end - head) + " bytes up to"
          + " the next indexed record, more than one array holds; rebuild the .idx with kindling"
          + " im2rec, or delete it (the records are then located by their headers)");
    }
    byte[] bytes = new byte[(int) (end - head)];
    sources.get(f).readFully(at, bytes, 0, bytes.length);
    try (RecordIOReader reader = new RecordIOReader(new PositionedBytes(bytes, at), file,
        f.size(), Math.max(64, Math.min(bytes.length, RecordIOReader.DEFAULT_BUFFER_SIZE)))) {
      byte[] payload;
      try {
        payload = reader.next();
      } catch (FormatException e) {
        if (!records.fromIndex()) {
          throw e;
        }
        FormatException w = new FormatException(file, at, "the record the .idx locates here"
            + " does not read (" + e.getMessage() + "); the index may not match the file:"
            + " rebuild it with kindling im2rec, or delete it and the records are located by"
            + " their headers");
        w.initCause(e);
        throw w;
      }
      if (payload == null) {
        throw new FormatException(file, at, "no record at this offset, which the part's"
            + " locating pass found");
      }
      return new LocatedRecord(payload, file, at, head);
    }
  }

  /**
   * Starts the next pass in a new order: pass 0 of the epoch given to {@link #startEpoch} if one
   * was, else the current epoch's next pass. Reads still in flight are dropped.
   */
  @Override
  public void reset() {
    ensureOpen();
    cancelInflight();
    long e = nextEpoch;
    if (e >= 0) {
      nextEpoch = -1;
      epoch = e;
      pass = 0;
    } else {
      pass++;
    }
    arrange();
  }

  private void cancelInflight() {
    for (Future<LocatedRecord> f : inflight) {
      f.cancel(false); // a read under way finishes into its own array, which is dropped
    }
    inflight.clear();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("shuffled part " + range + " of " + split.uri()
          + " is closed");
    }
  }

  /** Stops and joins the reader threads, then closes the byte sources; idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    cancelInflight();
    readers.shutdown();
    boolean interrupted = false;
    try {
      while (!readers.awaitTermination(1, TimeUnit.MINUTES)) {
        readers.shutdownNow();
      }
    } catch (InterruptedException e) {
      interrupted = true;
      readers.shutdownNow();
    }
    IOException failure = null;
    for (ByteSource s : sources.values()) {
      try {
        s.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The bytes of one record read from file offset {@code at}: a Hadoop {@link Seekable} only so
   * that the {@link RecordIOReader} over it names the file's own offsets in its errors.
   */
  private static final class PositionedBytes extends ByteArrayInputStream implements Seekable {
    private final long at;

    PositionedBytes(byte[] bytes, long at) {
      super(bytes);
      this.at = at;
    }

    @Override
    public long getPos() {
      return at + pos;
    }

    @Override
    public void seek(long position) throws IOException {
      if (position < at || position > at + count) {
        throw new IOException("offset " + position + " is outside the record read at " + at);
      }
      pos = (int) (position - at);
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }
  }
}
