package org.kindling.io.split;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
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
import org.kindling.io.RecordView;
import org.kindling.io.recordio.RecordIO;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * The records of one byte-range part of a {@link RecordIOSplit} (exactly those {@link
 * RecordIOSplit#openPart} returns, across the part's files) in an order drawn anew for every
 * pass: MXNet's {@code shuffle=True} for a training iterator, within the worker's part.
 *
 * <p>Where the records are: from the {@code .idx} next to every {@code .rec} when each file has
 * one, else from one header-only pass over the part that seeks over the payloads (the pass that
 * counts the part's records without an index; decision 0056). They are then read in one of two
 * {@link Mode}s ({@value #MODE_KEY}; {@code auto}, the default, is {@link Mode#RECORD} for local
 * files and {@link Mode#CHUNK} for every other store):
 *
 * <ul>
 *   <li>{@link Mode#RECORD}: each record is one ranged read of its bytes through its file's
 *       {@link ByteSource} (retried as every read of the stores), up to {@value #AHEAD_KEY}
 *       records ahead of the consumer on {@value #THREADS_KEY} reader threads, in the order the
 *       consumer will ask for them. A fully random order, at one request per record. When every
 *       file is on the local file system (and {@value #MAP_KEY} is not false), the files are
 *       mapped into memory instead and the consumer copies each record out of the mapping
 *       itself: no reader threads, no system call or hand-off per record (decision 0082).
 *   <li>{@link Mode#CHUNK} (dmlc's {@code shuffle_chunk_size}): the part's records are grouped,
 *       file by file, into chunks of contiguous records spanning at most {@value
 *       #CHUNK_BYTES_KEY} bytes (default: the store's read chunk, {@link
 *       ReadOptions#forFile}); a record larger than that is a chunk of its own. A pass visits
 *       the chunks in a random order; each chunk is one ranged read, parsed on the reader
 *       threads, and the records of each window of {@value #WINDOW_KEY} consecutive chunks of
 *       that order are handed out in a random order of their own. The reader threads read the
 *       next window while the consumer takes the current one, and while it takes a pass's last
 *       window, the first window of the pass expected next ({@link #expectPassesPerEpoch}; a
 *       pass that is not the one {@link #reset()} starts is dropped): at most {@code 2 x window}
 *       chunks are held, and a new pass does not wait for a round trip (decision 0090). About
 *       one request per chunk instead of one per record, for randomness that keeps the records
 *       of one chunk within one window.
 * </ul>
 *
 * <p>The order of a pass is drawn from {@code (seed, part, epoch, pass of the epoch)} (a
 * Fisher-Yates shuffle of the records, or of the chunks and then of each window's records): the
 * same for the same seed and settings, different for another epoch, part or seed. Each
 * {@link #reset()} starts the next pass of the epoch (a short part that wraps within an epoch);
 * after {@link #startEpoch(long)} it starts pass 0 of that epoch instead, so a job resumed at
 * epoch {@code e} reads epoch {@code e}'s passes in the order an uninterrupted one does. {@link
 * #lendNextPass()} starts the pass a reset would start for a short last batch to borrow from,
 * and the reset after it restarts that pass instead of starting another.
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
  /** Configuration key: {@code auto} (default), {@code record} or {@code chunk} ({@link Mode}). */
  public static final String MODE_KEY = "kindling.io.shuffle.mode";
  /**
   * Configuration key: the bytes a chunk of contiguous records spans at most in {@link
   * Mode#CHUNK} (default: the file's store's read chunk, {@link ReadOptions#forFile}).
   */
  public static final String CHUNK_BYTES_KEY = "kindling.io.shuffle.chunk.bytes";
  /** Configuration key: chunks whose records are mixed together (default {@value #DEFAULT_WINDOW}). */
  public static final String WINDOW_KEY = "kindling.io.shuffle.window";
  public static final int DEFAULT_WINDOW = 4;
  /**
   * Configuration key: in {@link Mode#RECORD}, read local files through a memory mapping on the
   * consumer's thread (default true) instead of by ranged reads on reader threads.
   */
  public static final String MAP_KEY = "kindling.io.shuffle.map";

  /** How a shuffled part reads its records (see the class comment). */
  public enum Mode {
    /** One ranged read per record; a fully random order. */
    RECORD,
    /** One ranged read per chunk of contiguous records; chunks in random order, mixed by window. */
    CHUNK;

    /**
     * The mode for a part whose files have {@code schemes}: {@code configured} if it is {@code
     * record} or {@code chunk}; for {@code auto} (or null) {@link #RECORD} if every file is a local
     * one ({@code file:}), where a ranged read costs a system call, and {@link #CHUNK} otherwise
     * (HDFS, {@code s3a://}, {@code s3://}, any other store), where each request costs a round
     * trip and, on S3, a GET.
     *
     * @throws IllegalArgumentException naming {@value #MODE_KEY} for another value
     */
    public static Mode of(String configured, Iterable<String> schemes) {
      String v = configured == null ? "auto" : configured.trim().toLowerCase(Locale.ROOT);
      switch (v) {
        case "record":
          return RECORD;
        case "chunk":
          return CHUNK;
        case "auto":
          for (String scheme : schemes) {
            if (!"file".equalsIgnoreCase(scheme)) {
              return CHUNK;
            }
          }
          return RECORD;
        default:
          throw new IllegalArgumentException(MODE_KEY + " is '" + configured
              + "'; use auto (record for local files, chunk for other stores), record or chunk");
      }
    }
  }

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  /** Largest record {@link #nextView()} reads into its reused buffer. */
  private static final int SCRATCH_LIMIT = 1 << 20;

  private final RecordIOSplit split;
  private final PartRange range;
  private final PartRecords records;
  private final long seed;
  private final int ahead;
  private int[] order;
  private final Mode mode;
  private final int window;
  /**
   * Chunk mode: the first record (file order) of each chunk, and the number of records as the
   * last entry; chunk {@code c} holds records {@code [chunkFirst[c], chunkFirst[c + 1])}.
   */
  private final int[] chunkFirst;
  /** Chunk mode: the pass's order of the chunks, and where each window ends in {@link #order}. */
  private int[] chunkOrder;
  private int[] windowEnds;
  /**
   * Chunk mode: the pass whose first window is read ahead while the current pass's last window
   * is consumed ({@code aheadEpoch} -1: none), its order, and the reads of its first window.
   */
  private long aheadEpoch = -1;
  private long aheadPass;
  private int[] aheadOrder;
  private int[] aheadChunkOrder;
  private int[] aheadWindowEnds;
  private final ArrayDeque<Future<LocatedRecord[]>> aheadChunks = new ArrayDeque<>();
  /** Passes an epoch is expected to make ({@link #expectPassesPerEpoch}), or 0: unknown. */
  private volatile long passesPerEpoch;
  /**
   * The current pass was started by {@link #lendNextPass()} and not yet restarted by {@link
   * #reset()}: its records are handed out as copies, the loaded ones kept for the restart.
   */
  private boolean lent;
  /** The reader threads; null when the records are copied out of {@link #mapped}. */
  private final ExecutorService readers;
  /** Record mode on local files: the files mapped into memory, or null. */
  private final MappedPartFiles mapped;
  /** Mapped: the bytes of the record {@link #nextView()} handed out last, reused. */
  private byte[] scratch = new byte[0];
  /** The byte source of each file the part touches. */
  private final Map<SplitFile, ByteSource> sources = new HashMap<>();
  /** The name of each file the part touches, as its records name it. */
  private final Map<SplitFile, String> names = new HashMap<>();
  private final ArrayDeque<Future<LocatedRecord>> inflight = new ArrayDeque<>();
  /** Chunk mode: reads of chunks in {@link #chunkOrder}, and the current window's records. */
  private final ArrayDeque<Future<LocatedRecord[]>> inflightChunks = new ArrayDeque<>();
  private final Map<Integer, LocatedRecord[]> loaded = new HashMap<>();
  /** Chunk mode: the current window, the chunks submitted so far, the window's end in order. */
  private int currentWindow;
  private int submittedChunks;
  private int windowEnd;
  private long epoch;
  private long pass;
  /** The epoch the next {@link #reset()} starts, or -1: the next pass of the current one. */
  private volatile long nextEpoch = -1;
  /** Position in {@link #order} of the next record handed out, and of the next one read. */
  private int next;
  private int submitted;
  private boolean closed;
  /** Where each pass reports the broken framing it moves over (skipCorrupt), or null. */
  private final FramingSkips skips;
  private boolean replayPending;

  private ShuffledPartSource(RecordIOSplit split, PartRange range, PartRecords records,
      long seed, long firstEpoch, int threads, int ahead, String modeName, int chunkBytes,
      int window, FramingSkips skips) throws IOException {
    this.skips = skips;
    this.split = split;
    this.range = range;
    this.records = records;
    this.seed = seed;
    this.epoch = firstEpoch;
    this.ahead = ahead;
    this.window = window;
    this.order = new int[records.size()];
    Map<SplitFile, Integer> caps = new HashMap<>();
    for (long head : records.heads()) {
      SplitFile f = split.fileContaining(head);
      if (!caps.containsKey(f)) {
        caps.put(f, chunkBytes > 0 ? chunkBytes
            : ReadOptions.forFile(f.path(), split.conf()).chunkBytes());
      }
    }
    this.mode = Mode.of(modeName,
        caps.keySet().stream().map(f -> f.path().toUri().getScheme()).toList());
    this.chunkFirst = mode == Mode.CHUNK ? chunks(split, records, caps) : new int[] {0};
    this.chunkOrder = new int[chunkFirst.length - 1];
    this.windowEnds = new int[(chunkOrder.length + window - 1) / window];
    try {
      for (SplitFile f : caps.keySet()) {
        names.put(f, f.path().toString());
        sources.put(f, ByteStores.open(ByteStores.forPath(f.path(), split.conf()),
            StoreEntry.file(f.path(), f.size()), split.conf()));
      }
      this.mapped = mode == Mode.RECORD && split.conf().getBoolean(MAP_KEY, true)
          ? MappedPartFiles.of(caps.keySet(), split.conf()) : null;
    } catch (IOException | RuntimeException e) {
      for (ByteSource s : sources.values()) {
        try {
          s.close();
        } catch (IOException c) {
          e.addSuppressed(c);
        }
      }
      throw e;
    }
    this.readers = mapped != null ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "kindling-shuffle-read-" + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    arrange();
  }

  /**
   * Opens part {@code part} of {@code numParts} of {@code split}, shuffled, the first pass being
   * pass 0 of epoch {@code firstEpoch}. The mode, reader threads, read-ahead, chunk size and
   * window come from the split's configuration ({@value #MODE_KEY}, {@value #THREADS_KEY},
   * {@value #AHEAD_KEY}, {@value #CHUNK_BYTES_KEY}, {@value #WINDOW_KEY}).
   *
   * @throws FormatException naming the {@code .idx} if an index is malformed, or the file and
   *     offset of a corrupt header met by the locating pass
   * @throws IllegalArgumentException if the part is not in {@code [0, numParts)}, {@code
   *     firstEpoch} is negative, the read settings are below 1 or the mode is unknown
   */
  public static ShuffledPartSource open(RecordIOSplit split, int part, int numParts, long seed,
      long firstEpoch) throws IOException {
    return open(split, part, numParts, seed, firstEpoch, null);
  }

  /**
   * As {@link #open(RecordIOSplit, int, int, long, long)}, skipping broken framing when {@code
   * skips} is given (skipCorrupt): the records are then located by the header pass, which skips
   * it as {@link RecordIOSplit#openPart(int, int, FramingSkips)} does (the {@code .idx} files
   * cannot tell a broken frame and are not used), and every pass reports the skipped ranges into
   * {@code skips} when it hands out its last record, as a sequential pass meets them.
   */
  public static ShuffledPartSource open(RecordIOSplit split, int part, int numParts, long seed,
      long firstEpoch, FramingSkips skips) throws IOException {
    if (firstEpoch < 0) {
      throw new IllegalArgumentException("firstEpoch " + firstEpoch + " must be >= 0");
    }
    Configuration conf = split.conf();
    int threads = conf.getInt(THREADS_KEY, DEFAULT_THREADS);
    int ahead = conf.getInt(AHEAD_KEY, DEFAULT_AHEAD);
    int chunkBytes = conf.getInt(CHUNK_BYTES_KEY, 0);
    boolean chunkSet = conf.get(CHUNK_BYTES_KEY) != null;
    int window = conf.getInt(WINDOW_KEY, DEFAULT_WINDOW);
    if (threads < 1 || ahead < 1 || window < 1 || (chunkSet && chunkBytes < 1)) {
      throw new IllegalArgumentException(THREADS_KEY + ", " + AHEAD_KEY + ", " + WINDOW_KEY
          + " and " + CHUNK_BYTES_KEY + " must be at least 1, got " + threads + ", " + ahead
          + ", " + window + " and " + conf.get(CHUNK_BYTES_KEY, "(per store)"));
    }
    String mode = conf.get(MODE_KEY, "auto");
    Mode.of(mode, java.util.List.of()); // an unknown mode fails before the locating pass
    PartRange range = split.partRange(part, numParts);
    return new ShuffledPartSource(split, range, PartRecords.of(split, range, skips != null),
        seed, firstEpoch, threads, ahead, mode, chunkBytes, window, skips);
  }

  /**
   * Groups the records, file by file, into chunks of contiguous records that span at most the
   * file's cap from the first record's head to the last one's end; a record longer than the cap
   * is a chunk of its own. Chunks start at record heads only.
   *
   * @return the first record of each chunk, then the number of records
   */
  static int[] chunks(RecordIOSplit split, PartRecords records, Map<SplitFile, Integer> caps) {
    long[] heads = records.heads();
    long[] ends = records.ends();
    int[] first = new int[heads.length + 1];
    int n = 0;
    SplitFile file = null;
    long chunkHead = 0;
    for (int i = 0; i < heads.length; i++) {
      SplitFile f = split.fileContaining(heads[i]);
      if (f != file || ends[i] - chunkHead > caps.get(f)) {
        first[n++] = i;
        file = f;
        chunkHead = heads[i];
      }
    }
    first[n++] = heads.length;
    return Arrays.copyOf(first, n);
  }

  /** How this part is read: {@value #MODE_KEY} resolved for its files. */
  public Mode mode() {
    return mode;
  }

  /**
   * True if the records are copied out of the local files mapped into memory
   * ({@value #MAP_KEY}).
   */
  public boolean mapped() {
    return mapped != null;
  }

  /** Chunks of contiguous records in {@link Mode#CHUNK}, 0 in {@link Mode#RECORD}. */
  public int chunkCount() {
    return mode == Mode.CHUNK ? chunkOrder.length : 0;
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

  /**
   * Tells the source that an epoch is expected to make {@code passes} passes (a part shorter
   * than the epoch's steps wraps around within it), so that while the last window of an epoch's
   * last pass is consumed it reads the first window of pass 0 of the next epoch ahead rather
   * than that of the epoch's next pass. A hint only: which pass a {@link #reset()} starts is
   * still decided by {@link #startEpoch} as before; a pass read ahead that is not the one started
   * is dropped. 0 (the default) expects every pass to be followed by the epoch's next one unless
   * {@link #startEpoch} was called. May be called from any thread.
   *
   * @throws IllegalArgumentException if {@code passes} is negative
   */
  public void expectPassesPerEpoch(long passes) {
    if (passes < 0) {
      throw new IllegalArgumentException("passes per epoch " + passes + " must be >= 0");
    }
    passesPerEpoch = passes;
  }

  /**
   * Withdraws a {@link #startEpoch} not yet taken by a {@link #reset()}: the next one starts the
   * current epoch's next pass again. May be called from any thread.
   */
  public void withdrawStartEpoch() {
    nextEpoch = -1;
  }

  /**
   * Draws the current pass's order from {@code (seed, part, epoch, pass)}: of the records, or of
   * the chunks and then of the records within each window of chunks.
   */
  private void arrange() {
    arrange(epoch, pass, order, chunkOrder, windowEnds);
    next = 0;
    replayPending = skips != null;
    submitted = 0;
    currentWindow = -1;
    submittedChunks = 0;
    windowEnd = 0;
    loaded.clear();
  }

  /** Draws the order of pass {@code pass} of {@code epoch} into the three arrays. */
  private void arrange(long epoch, long pass, int[] order, int[] chunkOrder, int[] windowEnds) {
    SplittableRandom rnd = new SplittableRandom(mix(seed, range.part(), epoch, pass));
    if (mode == Mode.RECORD) {
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Permutations.shuffle(order, 0, order.length, rnd);
    } else {
      for (int c = 0; c < chunkOrder.length; c++) {
        chunkOrder[c] = c;
      }
      Permutations.shuffle(chunkOrder, 0, chunkOrder.length, rnd);
      int at = 0;
      for (int w = 0; w < windowEnds.length; w++) {
        int start = at;
        for (int k = w * window; k < Math.min(chunkOrder.length, (w + 1) * window); k++) {
          int c = chunkOrder[k];
          for (int r = chunkFirst[c]; r < chunkFirst[c + 1]; r++) {
            order[at++] = r;
          }
        }
        Permutations.shuffle(order, start, at, rnd);
        windowEnds[w] = at;
      }
    }
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
    LocatedRecord r = nextRecord();
    replayAtPassEnd(r == null);
    return r;
  }

  /** After a record, or the end ({@code atEnd}), is handed out: the pass's skips at its end. */
  private void replayAtPassEnd(boolean atEnd) {
    if (replayPending && (atEnd || next >= order.length)) {
      // a pass that reaches its end has moved over the broken framing the locating pass
      // skipped, as a sequential pass does: count it for this pass (the few records a short
      // last batch borrows from a new pass do not count it again)
      replayPending = false;
      for (FramingSkips.Range range : records.skipped()) {
        skips.skipped(range);
      }
    }
  }

  /**
   * The next record as a view. Mapped, a record that is one whole RecordIO part filling its
   * located range (every record {@code im2rec} writes) is copied once, into a buffer this source
   * reuses, and its payload is handed out from there; any other record (split in parts, larger
   * than {@value #SCRATCH_LIMIT} bytes, or failing a check) goes through {@link #next()}'s parse,
   * with its checks and errors.
   */
  @Override
  public RecordView nextView() throws IOException {
    if (mapped == null) {
      return RecordSource.super.nextView();
    }
    ensureOpen();
    RecordView v = next < order.length ? mappedView(order[next++]) : null;
    replayAtPassEnd(v == null);
    return v;
  }

  private RecordView mappedView(int index) throws IOException {
    long head = records.heads()[index];
    long end = records.ends()[index];
    SplitFile f = split.fileContaining(head);
    long at = head - f.start();
    try {
      if (end - head <= SCRATCH_LIMIT) {
        int len = (int) (end - head);
        if (scratch.length < len) {
          scratch = new byte[Math.max(len, Math.min(SCRATCH_LIMIT, 2 * scratch.length))];
        }
        mapped.read(f, at, scratch, len);
        int lrec = len >= RecordIO.HEADER_BYTES ? intLE(scratch, 4) : 0;
        int length = RecordIO.length(lrec);
        if (len >= RecordIO.HEADER_BYTES && intLE(scratch, 0) == RecordIO.MAGIC
            && RecordIO.cflag(lrec) == RecordIO.CFLAG_WHOLE
            && RecordIO.HEADER_BYTES + RecordIO.ceil4(length) == len) {
          // exactly what the parse accepts for such a range: the magic, a whole part, its
          // payload and padding ending where the next record begins
          return new RecordView(ByteBuffer.wrap(scratch, RecordIO.HEADER_BYTES, length).slice(),
              names.get(f), at, head);
        }
      }
      return read(index).view();
    } catch (InternalError e) {
      throw MappedPartFiles.fault(f, at, (int) Math.min(Integer.MAX_VALUE, end - head), e);
    }
  }

  private static int intLE(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }

  private LocatedRecord nextRecord() throws IOException {
    ensureOpen();
    if (next >= order.length) {
      return null;
    }
    if (mode == Mode.CHUNK) {
      if (next == windowEnd) {
        loadWindow();
      }
      int r = order[next++];
      int c = chunkOf(r);
      LocatedRecord[] chunk = loaded.get(c);
      LocatedRecord out = chunk[r - chunkFirst[c]];
      if (lent) {
        // kept for the reset() that restarts this pass; the caller owns its copy
        return new LocatedRecord(out.payload().clone(), out.file(), out.fileOffset(),
            out.globalOffset());
      }
      chunk[r - chunkFirst[c]] = null; // handed to the caller: not held past this call
      return out;
    }
    if (mapped != null) {
      int index = order[next++];
      try {
        return read(index);
      } catch (InternalError e) {
        long head = records.heads()[index];
        SplitFile f = split.fileContaining(head);
        throw MappedPartFiles.fault(f, head - f.start(), (int) (records.ends()[index] - head), e);
      }
    }
    while (submitted < order.length && inflight.size() < ahead) {
      int index = order[submitted++];
      inflight.add(readers.submit(() -> read(index)));
    }
    Future<LocatedRecord> f = inflight.poll();
    next++;
    return await(f);
  }

  /**
   * Makes the next window's chunks the loaded ones: submits the reads of that window and of the
   * one after it (the read-ahead), then waits for that window's.
   */
  private void loadWindow() throws IOException {
    loaded.clear();
    currentWindow++;
    int from = currentWindow * window;
    int to = Math.min(chunkOrder.length, from + window);
    int upTo = Math.min(chunkOrder.length, to + window);
    while (submittedChunks < upTo) {
      int c = chunkOrder[submittedChunks++];
      inflightChunks.add(readers.submit(() -> readChunk(c)));
    }
    for (int k = from; k < to; k++) {
      loaded.put(chunkOrder[k], await(inflightChunks.poll()));
    }
    windowEnd = windowEnds[currentWindow];
    if (currentWindow == windowEnds.length - 1) {
      readNextPassAhead();
    }
  }

  /**
   * Chunk mode, once the current pass's last window is loaded (nothing more of it is in flight):
   * submits the reads of the first window of the pass expected next, so that the {@link #reset()}
   * starting it does not wait for a round trip. At most one window is read ahead: the reads held
   * stay within {@code 2 x window} chunks. The pass expected next is pass 0 of the epoch given to
   * {@link #startEpoch}, else pass 0 of the next epoch after the expected passes per epoch ({@link
   * #expectPassesPerEpoch}), else the epoch's next pass; the orders are the ones {@link #reset()}
   * draws for it, so a pass read ahead is the same pass as one started cold.
   */
  private void readNextPassAhead() {
    if (aheadEpoch >= 0 || chunkOrder.length == 0) {
      return;
    }
    long e = nextEpoch;
    long p = 0;
    if (e < 0 || (lent && e == epoch && pass == 0)) {
      long perEpoch = passesPerEpoch;
      if (perEpoch > 0 && pass + 1 >= perEpoch) {
        e = epoch + 1;
      } else {
        e = epoch;
        p = pass + 1;
      }
    }
    if (aheadOrder == null) {
      aheadOrder = new int[order.length];
      aheadChunkOrder = new int[chunkOrder.length];
      aheadWindowEnds = new int[windowEnds.length];
    }
    arrange(e, p, aheadOrder, aheadChunkOrder, aheadWindowEnds);
    aheadEpoch = e;
    aheadPass = p;
    for (int k = 0; k < Math.min(window, aheadChunkOrder.length); k++) {
      int c = aheadChunkOrder[k];
      aheadChunks.add(readers.submit(() -> readChunk(c)));
    }
  }

  /**
   * Makes pass {@code pass} of {@code epoch} the current one, at its first record: the pass read
   * ahead if it is that one (its order swapped in, its first window's reads taken over), else
   * drawn anew (and a pass read ahead dropped).
   */
  private void startPass() {
    if (aheadEpoch == epoch && aheadPass == pass) {
      int[] t = order;
      order = aheadOrder;
      aheadOrder = t;
      t = chunkOrder;
      chunkOrder = aheadChunkOrder;
      aheadChunkOrder = t;
      t = windowEnds;
      windowEnds = aheadWindowEnds;
      aheadWindowEnds = t;
      aheadEpoch = -1;
      next = 0;
      replayPending = skips != null;
      currentWindow = -1;
      windowEnd = 0;
      loaded.clear();
      submittedChunks = aheadChunks.size();
      inflightChunks.addAll(aheadChunks);
      aheadChunks.clear();
    } else {
      cancelAhead();
      arrange();
    }
  }

  /**
   * Restarts the current pass at its first record. A lent pass still in its first window keeps
   * it (its records were handed out as copies); otherwise the pass is drawn and read again.
   */
  private void rewind() {
    if (mode == Mode.CHUNK && currentWindow <= 0) {
      next = 0;
      replayPending = skips != null;
    } else {
      cancelInflight();
      arrange();
    }
  }

  /** The chunk holding record {@code r} (file order). */
  private int chunkOf(int r) {
    int i = Arrays.binarySearch(chunkFirst, r);
    return i >= 0 ? i : -i - 2;
  }

  /** The result of a read on a reader thread, its failure rethrown as the reader threw it. */
  private <T> T await(Future<T> f) throws IOException {
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
    SplitFile f = split.fileContaining(head);
    byte[] bytes = readRange(f, head, records.ends()[index]);
    return parse(f, bytes, 0, bytes.length, head);
  }

  /** Reads chunk {@code c} by one ranged read of its bytes and parses its records. */
  private LocatedRecord[] readChunk(int c) throws IOException {
    long[] heads = records.heads();
    long[] ends = records.ends();
    int first = chunkFirst[c];
    int last = chunkFirst[c + 1] - 1;
    long head = heads[first];
    SplitFile f = split.fileContaining(head);
    byte[] bytes = readRange(f, head, ends[last]);
    LocatedRecord[] out = new LocatedRecord[last - first + 1];
    for (int i = first; i <= last; i++) {
      out[i - first] = parse(f, bytes, (int) (heads[i] - head), (int) (ends[i] - heads[i]),
          heads[i]);
    }
    return out;
  }

  /** The bytes of global range {@code [head, end)} of file {@code f}, by one ranged read. */
  private byte[] readRange(SplitFile f, long head, long end) throws IOException {
    long at = head - f.start();
    if (end - head > Integer.MAX_VALUE - 8) {
      throw new FormatException(f.path().toString(), at, "the record spans " + (end - head)
          + " bytes up to the next indexed record, more than one array holds; rebuild the .idx"
          + " with kindling im2rec, or delete it (the records are then located by their"
          + " headers)");
    }
    byte[] bytes = new byte[(int) (end - head)];
    if (mapped != null) {
      mapped.read(f, at, bytes, bytes.length);
    } else {
      sources.get(f).readFully(at, bytes, 0, bytes.length);
    }
    return bytes;
  }

  /**
   * Parses the record whose head is at global offset {@code head}, held in {@code bytes[off, off
   * + len)}.
   */
  private LocatedRecord parse(SplitFile f, byte[] bytes, int off, int len, long head)
      throws IOException {
    long at = head - f.start();
    String file = names.get(f);
    try (RecordIOReader reader = new RecordIOReader(new PositionedBytes(bytes, off, len, at),
        file, f.size(), Math.max(64, Math.min(len, RecordIOReader.DEFAULT_BUFFER_SIZE)))) {
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
   * was, else the current epoch's next pass. After {@link #lendNextPass()}, the lent pass counts
   * as started: a reset that would start it (the epoch's next pass, or pass 0 of the epoch given
   * to {@link #startEpoch} when the lent pass is that one) restarts it at its first record. Reads
   * of the current pass still in flight are dropped; the next pass's first window, if it was read
   * ahead, is taken over.
   */
  @Override
  public void reset() {
    ensureOpen();
    long e = nextEpoch;
    if (lent) {
      lent = false;
      if (e < 0 || (e == epoch && pass == 0)) {
        nextEpoch = -1;
        rewind();
        return;
      }
    }
    cancelInflight();
    if (e >= 0) {
      nextEpoch = -1;
      epoch = e;
      pass = 0;
    } else {
      pass++;
    }
    startPass();
  }

  /**
   * Starts the pass {@link #reset()} would start, for a short last batch to borrow its first
   * records; the {@link #reset()} after it restarts that pass at its first record, so the
   * borrowed records come from the pass read next (in chunk mode without reading its first window
   * twice). Called again before that reset, it restarts the lent pass.
   */
  @Override
  public void lendNextPass() {
    ensureOpen();
    if (lent) {
      rewind();
      return;
    }
    reset();
    lent = true;
  }

  private void cancelInflight() {
    for (Future<LocatedRecord> f : inflight) {
      f.cancel(false); // a read under way finishes into its own array, which is dropped
    }
    inflight.clear();
    for (Future<LocatedRecord[]> f : inflightChunks) {
      f.cancel(false);
    }
    inflightChunks.clear();
    loaded.clear();
  }

  private void cancelAhead() {
    for (Future<LocatedRecord[]> f : aheadChunks) {
      f.cancel(false);
    }
    aheadChunks.clear();
    aheadEpoch = -1;
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
    cancelAhead();
    boolean interrupted = false;
    try {
      while (readers != null && !shutdownAndWait()) {
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

  /** Shuts the reader threads down and waits a minute for them; true once they have ended. */
  private boolean shutdownAndWait() throws InterruptedException {
    readers.shutdown();
    return readers.awaitTermination(1, TimeUnit.MINUTES);
  }

  /**
   * The bytes {@code [off, off + len)} of an array, one record read from file offset {@code at}:
   * a Hadoop {@link Seekable} only so that the {@link RecordIOReader} over it names the file's
   * own offsets in its errors.
   */
  private static final class PositionedBytes extends ByteArrayInputStream implements Seekable {
    private final long at;
    private final int off;

    PositionedBytes(byte[] bytes, int off, int len, long at) {
      super(bytes, off, len);
      this.at = at;
      this.off = off;
    }

    @Override
    public long getPos() {
      return at + pos - off;
    }

    @Override
    public void seek(long position) throws IOException {
      if (position < at || position > at + count - off) {
        throw new IOException("offset " + position + " is outside the record read at " + at);
      }
      pos = off + (int) (position - at);
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }
  }
}
