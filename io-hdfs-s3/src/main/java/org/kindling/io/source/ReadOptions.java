package org.kindling.io.source;

import org.apache.hadoop.conf.Configuration;

/**
 * How a {@link PrefetchingInputStream} reads: ranged reads of {@code chunkBytes}, issued by up to
 * {@code threads} reader threads, at most {@code queueChunks} of them done or in flight ahead of
 * the chunk being consumed. One open stream holds at most {@code (queueChunks + 2) * chunkBytes}
 * bytes of buffers (the queue, the chunk being consumed and the one before it), however fast or
 * slow the store is.
 *
 * <p>Configuration keys: {@value #CHUNK_BYTES_KEY} (default 4 MiB), {@value #THREADS_KEY}
 * (default {@value #DEFAULT_THREADS}), {@value #QUEUE_CHUNKS_KEY} (default {@value
 * #DEFAULT_QUEUE_CHUNKS}), {@value #SEQUENTIAL_KEY} (default true).
 *
 * @param chunkBytes bytes per ranged read, at least 64
 * @param threads reader threads per stream, at least 1
 * @param queueChunks chunks read ahead, at least 1
 * @param sequential whether a source that offers one sequential request ({@link
 *     ByteSource#opensRanges()}: S3) is read through it, chunk after chunk on one reader thread,
 *     instead of by {@code threads} parallel ranged reads (docs/decisions, "zero-copy reads and
 *     one GET per part": each ranged GET has a fixed cost at the server)
 */
public record ReadOptions(int chunkBytes, int threads, int queueChunks, boolean sequential) {
  public static final String CHUNK_BYTES_KEY = "kindling.io.read.chunk.bytes";
  public static final String THREADS_KEY = "kindling.io.read.threads";
  public static final String QUEUE_CHUNKS_KEY = "kindling.io.read.queue.chunks";
  public static final String SEQUENTIAL_KEY = "kindling.io.read.sequential";
  public static final int DEFAULT_CHUNK_BYTES = 4 << 20;
  public static final int DEFAULT_THREADS = 2;
  public static final int DEFAULT_QUEUE_CHUNKS = 4;

  public ReadOptions {
    if (chunkBytes < 64 || threads < 1 || queueChunks < 1) {
      throw new IllegalArgumentException("read options need " + CHUNK_BYTES_KEY + " >= 64, "
          + THREADS_KEY + " >= 1 and " + QUEUE_CHUNKS_KEY + " >= 1; got " + chunkBytes + ", "
          + threads + ", " + queueChunks);
    }
  }

  /** Options with {@code sequential} true (see the record's parameters). */
  public ReadOptions(int chunkBytes, int threads, int queueChunks) {
    this(chunkBytes, threads, queueChunks, true);
  }

  /** The options configured in {@code conf}. */
  public static ReadOptions fromConf(Configuration conf) {
    return new ReadOptions(conf.getInt(CHUNK_BYTES_KEY, DEFAULT_CHUNK_BYTES),
        conf.getInt(THREADS_KEY, DEFAULT_THREADS), conf.getInt(QUEUE_CHUNKS_KEY,
            DEFAULT_QUEUE_CHUNKS), conf.getBoolean(SEQUENTIAL_KEY, true));
  }

  /** These options with another chunk size. */
  public ReadOptions withChunkBytes(int bytes) {
    return new ReadOptions(bytes, threads, queueChunks, sequential);
  }
}
