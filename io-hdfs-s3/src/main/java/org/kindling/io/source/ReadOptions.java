package org.kindling.io.source;

import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * How a {@link PrefetchingInputStream} reads: ranged reads of {@code chunkBytes}, issued by up to
 * {@code threads} reader threads, at most {@code queueChunks} of them done or in flight ahead of
 * the chunk being consumed. One open stream holds at most {@code (queueChunks + 2) * chunkBytes}
 * bytes of buffers (the queue, the chunk being consumed and the one before it), however fast or
 * slow the store is.
 *
 * <p>Configuration keys: {@value #CHUNK_BYTES_KEY} (default: per store, {@link
 * #defaultChunkBytes(String)}), {@value #THREADS_KEY} (default: per store, {@link
 * #defaultThreads(String)}), {@value #QUEUE_CHUNKS_KEY} (default: per store, {@link
 * #defaultQueueChunks(String, boolean, int)}),
 * {@value #SEQUENTIAL_KEY} (default true). A value set applies to every store.
 *
 * @param chunkBytes bytes per ranged read, at least 64
 * @param threads reader threads per stream, at least 1
 * @param queueChunks chunks read ahead, at least 0 (0: none, no reader threads: each chunk is
 *     read on the consumer's thread when it is reached, from the one sequential request where
 *     {@code sequential} applies)
 * @param sequential whether a source that offers one sequential request ({@link
 *     ByteSource#opensRanges()}: s3://, HDFS) is read through it, chunk after chunk on one
 *     reader thread (with {@code queueChunks} 0, the default of HDFS and {@code s3://}, on the
 *     consumer's), instead of by {@code threads} parallel ranged reads (docs/decisions, "zero-copy
 *     reads and one GET per part": each ranged GET has a fixed cost at the server; "sequential
 *     stream reads on HDFS": each HDFS positioned read sets up a block reader)
 */
public record ReadOptions(int chunkBytes, int threads, int queueChunks, boolean sequential) {
  public static final String CHUNK_BYTES_KEY = "kindling.io.read.chunk.bytes";
  public static final String THREADS_KEY = "kindling.io.read.threads";
  public static final String QUEUE_CHUNKS_KEY = "kindling.io.read.queue.chunks";
  public static final String SEQUENTIAL_KEY = "kindling.io.read.sequential";
  /** The chunk size of the other stores: s3:// (one GET per part), s3a, others. */
  public static final int DEFAULT_CHUNK_BYTES = 4 << 20;
  /** Local files: the chunk the parser reads is still in the CPU's cache after the copy. */
  public static final int LOCAL_CHUNK_BYTES = 1 << 20;
  /**
   * HDFS: read as one stream (a block reader per block, decision 0067), so the chunk no longer
   * sets the number of block readers as it did with positioned reads (8 MiB then); 4 and 8 MiB
   * cost the same CPU streamed, and 4 MiB holds half the buffers.
   */
  public static final int HDFS_CHUNK_BYTES = 4 << 20;
  public static final int DEFAULT_THREADS = 2;
  /**
   * s3a: one reader thread, so the chunks are read in order and S3A's stream keeps its one GET
   * open; two threads' positioned reads on the shared stream seek back and forth, and every
   * chunk becomes a GET of its own.
   */
  public static final int S3A_THREADS = 1;
  public static final int DEFAULT_QUEUE_CHUNKS = 4;
  /**
   * HDFS: no read-ahead; the consuming thread reads the part's one stream itself, as a plain read
   * does (decision 0078). The datanode already pushes a block down the socket without being asked
   * chunk by chunk, and a reader thread on top cost 0.07-0.15 s/GB more CPU in eight profiles
   * out of eight (a hand-off per chunk, a third busy thread beside the datanode's and the
   * consumer's); training reads through {@code PrefetchingRecordSource}, which parses ahead on a
   * thread of its own anyway.
   */
  public static final int HDFS_QUEUE_CHUNKS = 0;
  /**
   * S3 read as one GET per part ({@code s3://} with {@code sequential}, and s3a, whose one stream
   * keeps its GET open while the chunks are read in order): no read-ahead, the consuming thread
   * reads the GET's body itself, as a plain SDK {@code GetObject} does (decision 0083). The round
   * trip is paid once, when the part's GET opens, not per chunk, so a reader thread ahead hides
   * none; it cost a thread hand-off per chunk and a third busy thread beside the server's and the
   * consumer's, and the socket's buffer still absorbs the consumer's pauses. Parallel ranged GETs ({@code s3://} with {@code sequential} false) keep
   * {@link #DEFAULT_QUEUE_CHUNKS}: each chunk is a request of its own there.
   */
  public static final int S3_QUEUE_CHUNKS = 0;

  public ReadOptions {
    if (chunkBytes < 64 || threads < 1 || queueChunks < 0) {
      throw new IllegalArgumentException("read options need " + CHUNK_BYTES_KEY + " >= 64, "
          + THREADS_KEY + " >= 1 and " + QUEUE_CHUNKS_KEY + " >= 0; got " + chunkBytes + ", "
          + threads + ", " + queueChunks);
    }
  }

  /** Options with {@code sequential} true (see the record's parameters). */
  public ReadOptions(int chunkBytes, int threads, int queueChunks) {
    this(chunkBytes, threads, queueChunks, true);
  }

  /**
   * The options for reading {@code file}: those configured in {@code conf}, the chunk size, the
   * reader threads and the queue, where none are configured, being {@code file}'s store's
   * defaults ({@link #defaultChunkBytes}, {@link #defaultThreads}, {@link #defaultQueueChunks}).
   *
   * @param file a qualified path (with its scheme); one without reads with {@link
   *     #DEFAULT_CHUNK_BYTES}
   */
  public static ReadOptions forFile(Path file, Configuration conf) {
    String scheme = file.toUri().getScheme();
    boolean sequential = conf.getBoolean(SEQUENTIAL_KEY, true);
    int threads = conf.getInt(THREADS_KEY, defaultThreads(scheme));
    return new ReadOptions(conf.getInt(CHUNK_BYTES_KEY, defaultChunkBytes(scheme)), threads,
        conf.getInt(QUEUE_CHUNKS_KEY, defaultQueueChunks(scheme, sequential, threads)),
        sequential);
  }

  /**
   * The chunk size measured best for a store (docs/benchmarks.md, the decision "chunk size per
   * store"): {@link #LOCAL_CHUNK_BYTES} for {@code file}, {@link #HDFS_CHUNK_BYTES} for {@code
   * hdfs}, else {@link #DEFAULT_CHUNK_BYTES}.
   *
   * @param scheme a URI scheme, or null
   */
  public static int defaultChunkBytes(String scheme) {
    return switch (lower(scheme)) {
      case "file" -> LOCAL_CHUNK_BYTES;
      case "hdfs" -> HDFS_CHUNK_BYTES;
      default -> DEFAULT_CHUNK_BYTES;
    };
  }

  /**
   * The reader threads measured best for a store: {@link #S3A_THREADS} for {@code s3a}, else
   * {@link #DEFAULT_THREADS} (on {@code s3://} with {@link #sequential()} one thread reads the
   * part's one request whatever this says).
   *
   * @param scheme a URI scheme, or null
   */
  public static int defaultThreads(String scheme) {
    return "s3a".equals(lower(scheme)) ? S3A_THREADS : DEFAULT_THREADS;
  }

  /**
   * The chunks read ahead measured best for a store with its default reader threads ({@link
   * #defaultQueueChunks(String, boolean, int)} with {@link #defaultThreads}).
   *
   * @param scheme a URI scheme, or null
   * @param sequential whether sources that open ranges are read as one stream
   */
  public static int defaultQueueChunks(String scheme, boolean sequential) {
    return defaultQueueChunks(scheme, sequential, defaultThreads(scheme));
  }

  /**
   * The chunks read ahead measured best for a store: none ({@link #HDFS_QUEUE_CHUNKS}, {@link
   * #S3_QUEUE_CHUNKS}) where a part is one stream or one GET that the consumer can read itself —
   * {@code hdfs} and {@code s3} read as one stream ({@code sequential}), {@code s3a} on one reader
   * thread (its stream keeps one GET open for positioned reads in order, whatever {@code
   * sequential} says) — else {@link #DEFAULT_QUEUE_CHUNKS}: HDFS's positioned reads and {@code
   * s3://}'s parallel ranged GETs ({@code sequential} false), s3a with more reader threads set
   * (they read only ahead), local files (two threads ahead, decision 0044) and the stores not
   * measured (decisions 0067, 0078, 0083).
   *
   * @param scheme a URI scheme, or null
   * @param sequential whether sources that open ranges are read as one stream
   * @param threads the reader threads in effect ({@link #THREADS_KEY} or {@link #defaultThreads})
   */
  public static int defaultQueueChunks(String scheme, boolean sequential, int threads) {
    return switch (lower(scheme)) {
      case "hdfs" -> sequential ? HDFS_QUEUE_CHUNKS : DEFAULT_QUEUE_CHUNKS;
      case "s3" -> sequential ? S3_QUEUE_CHUNKS : DEFAULT_QUEUE_CHUNKS;
      case "s3a" -> threads == 1 ? S3_QUEUE_CHUNKS : DEFAULT_QUEUE_CHUNKS;
      default -> DEFAULT_QUEUE_CHUNKS;
    };
  }

  private static String lower(String scheme) {
    return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
  }

  /** These options with another chunk size. */
  public ReadOptions withChunkBytes(int bytes) {
    return new ReadOptions(bytes, threads, queueChunks, sequential);
  }
}
