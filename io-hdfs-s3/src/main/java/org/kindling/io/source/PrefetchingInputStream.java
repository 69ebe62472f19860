package org.kindling.io.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Seekable;

/**
 * A sequential, seekable stream over any {@link ByteSource} that reads ahead: the decorator that
 * hides a store's latency. Consecutive chunks of {@link ReadOptions#chunkBytes()} are read by up
 * to {@link ReadOptions#threads()} reader threads (on S3: parallel ranged GETs) into a bounded
 * queue of {@link ReadOptions#queueChunks()} chunks, delivered in file order.
 *
 * <p>Memory is bounded whatever the store's speed: at most {@code queueChunks + 2} buffers (the
 * queue, the chunk being consumed and the one before it) are recycled, and the chunk after the
 * queue is requested only when the consumer has finished a chunk (back-pressure). The buffers come
 * from and go back to the process-wide {@link ChunkPool}, so opening file after file allocates no
 * new ones. A failed read is delivered when the
 * consumer reaches that chunk, after every byte before it, with the error the source raised (which
 * names the file and offset); the stream then stays failed until it is sought elsewhere.
 *
 * <p>{@link #window(int)} hands out the bytes without copying them: a view of the chunk that holds
 * them, valid until the stream has moved two chunks past it. Where the source {@linkplain
 * ByteSource#opensRanges() opens ranges} and {@link ReadOptions#sequential()} is set, one reader
 * thread reads the chunks in order from one request over the rest of the range (on S3 one GET per
 * part instead of one per chunk); a request that fails or ends early is replaced by a ranged read
 * of that chunk (retried under the source's policy) and reopened at the next chunk.
 *
 * <p>With {@link ReadOptions#queueChunks()} 0 nothing is read ahead and there are no reader
 * threads: the consumer's thread reads each chunk when it reaches it (from the one sequential
 * request where streaming), as a plain read of the source would (decision 0078).
 *
 * <p>Reading ahead stops at {@code aheadLimit}: past it, chunks are read one at a time on the
 * consumer's thread, as a part reader needs only the rest of a record that crosses its range's
 * end. The stream owns the source and closes it; {@link #close()} waits for the reader threads,
 * so none outlives it. Not thread-safe: one consumer.
 */
public final class PrefetchingInputStream extends InputStream implements Seekable {
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final ByteSource source;
  private final long size;
  private final long aheadLimit;
  private final ReadOptions options;
  /** Bytes per buffer and ranged read: the chunk size, or less for a small file. */
  private final int bufferBytes;
  /** Whether chunks are read in order from one open request ({@link ByteSource#openRange}). */
  private final boolean streaming;
  private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int buffersMade;
  private ExecutorService readers;
  /** The threads {@link #readers} made, joined by {@link #close()}. */
  private final List<Thread> readerThreads = new CopyOnWriteArrayList<>();
  /** Streaming: the open request and the file offset of its next byte (the reader thread's). */
  private InputStream range;
  private long rangePos;

  /** The chunk being consumed: buffer holds file bytes [chunkStart, chunkStart + chunkLength). */
  private byte[] chunk;
  /** The chunk consumed before it, kept so a window into it stays valid one chunk longer. */
  private byte[] retired;
  private long chunkStart;
  private int chunkLength;
  /** The file position of the next byte returned. */
  private long pos;
  /** The file offset of the next chunk to request. */
  private long nextRequest;
  private IOException failure;
  /** Whether a chunk was taken since the stream was opened or sought. */
  private boolean started;
  private boolean closed;

  /**
   * @param source the source to read; owned (closed) by this stream
   * @param start file offset of the first byte
   * @param aheadLimit file offset where reading ahead stops (the end of a part's range)
   * @param options chunk size, reader threads and queue length
   */
  public PrefetchingInputStream(ByteSource source, long start, long aheadLimit,
      ReadOptions options) {
    this.source = Objects.requireNonNull(source, "source");
    this.options = Objects.requireNonNull(options, "options");
    this.size = source.size();
    if (start < 0 || start > size) {
      throw new IllegalArgumentException(source.name() + ": start offset " + start
          + " outside [0, " + size + "]");
    }
    this.aheadLimit = Math.min(aheadLimit, size);
    this.bufferBytes = (int) Math.max(1, Math.min(options.chunkBytes(), size - start));
    this.streaming = options.sequential() && source.opensRanges();
    this.pos = start;
    this.nextRequest = start;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    if (pos >= size) {
      return -1;
    }
    if (chunk == null || pos >= chunkStart + chunkLength) {
      nextChunk();
    }
    int at = (int) (pos - chunkStart);
    int n = Math.min(len, chunkLength - at);
    System.arraycopy(chunk, at, b, off, n);
    pos += n;
    return n;
  }

  /**
   * Up to {@code max} of the next bytes, not copied: a view of the chunk that holds them, not to
   * be modified (fewer than {@code max} where the chunk ends; empty only at the end of the file),
   * with the position moved past them. The view stays valid until the stream moves on from the
   * chunk after its own (by windows, reads or a seek); then its buffer is recycled.
   *
   * @param max the most bytes wanted, at least 1
   */
  public ByteBuffer window(int max) throws IOException {
    ensureOpen();
    if (max < 1) {
      throw new IllegalArgumentException("window of " + max + " bytes");
    }
    if (pos >= size) {
      return ByteBuffer.allocate(0);
    }
    if (chunk == null || pos >= chunkStart + chunkLength) {
      nextChunk();
    }
    int at = (int) (pos - chunkStart);
    int n = Math.min(max, chunkLength - at);
    pos += n;
    return ByteBuffer.wrap(chunk, at, n).slice();
  }

  @Override
  public int available() {
    return chunk == null ? 0 : (int) Math.max(0, chunkStart + chunkLength - pos);
  }

  private void nextChunk() throws IOException {
    if (failure != null) {
      throw failure;
    }
    retire();
    request();
    if (queue.isEmpty()) {
      // At or past the ahead limit, or with no read-ahead: one chunk, read here on the
      // consumer's thread; without read-ahead from the one stream where the source opens one.
      Pending p = newPending();
      try {
        if (streaming && options.queueChunks() == 0) {
          readChunk(p, readEnd());
        } else {
          source.readFully(p.start, p.buffer, 0, p.length);
        }
      } catch (IOException e) {
        freeBuffers.push(p.buffer);
        throw fail(e);
      }
      take(p);
      return;
    }
    Pending head = queue.poll();
    try {
      head.future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queue.addFirst(head);
      throw new InterruptedIOException(source.name() + ": interrupted waiting for offset "
          + head.start);
    } catch (ExecutionException e) {
      freeBuffers.push(head.buffer);
      throw fail(asIOException(e.getCause(), head.start));
    }
    take(head);
    request();
  }

  /**
   * Requests chunks while the queue has room and the next chunk starts before the limit. A range
   * that is one chunk from the start (a small file or part, a resync scan) is read on the
   * consumer's thread, which waits for that first chunk anyway: no reader threads for it.
   */
  private void request() {
    if (!started && queue.isEmpty() && nextRequest + bufferBytes >= aheadLimit) {
      return;
    }
    while (queue.size() < options.queueChunks() && nextRequest < aheadLimit) {
      Pending p = newPending();
      if (readers == null) {
        readers = newReaders();
      }
      long rangeEnd = readEnd();
      p.future = readers.submit(() -> {
        if (p.claimed.compareAndSet(false, true)) {
          readChunk(p, rangeEnd);
        }
        return null;
      });
      queue.add(p);
    }
  }

  /**
   * Where the chunks requested from here on end: the first chunk boundary at or past the ahead
   * limit, or the end of the file (what one streaming request opened now must cover).
   */
  private long readEnd() {
    long chunks = (aheadLimit - nextRequest + bufferBytes - 1) / bufferBytes;
    return Math.min(size, nextRequest + Math.max(1, chunks) * (long) bufferBytes);
  }

  /**
   * A reader thread's read of one chunk (the consumer's, without read-ahead): from the open
   * request when streaming, else ranged.
   */
  private void readChunk(Pending p, long rangeEnd) throws IOException {
    Exception streamFailure = null;
    if (streaming) {
      try {
        if (range == null || rangePos != p.start) {
          closeRange();
          range = source.openRange(p.start, rangeEnd);
          rangePos = p.start;
        }
        int n = range.readNBytes(p.buffer, 0, p.length);
        rangePos += n;
        if (n == p.length) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        streamFailure = e; // an SDK client may also fail a body read with an unchecked exception
      }
      // A dropped or short request: this chunk by a ranged read, which retries a transient
      // failure and names the file and offset of a permanent one; the next chunk reopens.
      closeRange();
    }
    try {
      source.readFully(p.start, p.buffer, 0, p.length);
    } catch (IOException e) {
      if (streamFailure != null) {
        e.addSuppressed(streamFailure);
      }
      throw e;
    }
  }

  private void closeRange() {
    InputStream r = range;
    range = null;
    if (r != null) {
      try {
        r.close();
      } catch (IOException e) {
        // The request is abandoned either way; the next read opens a new one.
      }
    }
  }

  private Pending newPending() {
    byte[] buffer = freeBuffers.poll();
    if (buffer == null) {
      if (buffersMade > options.queueChunks() + 1) {
        throw new IllegalStateException("buffer pool exhausted: " + buffersMade + " made");
      }
      buffersMade++;
      buffer = ChunkPool.take(bufferBytes);
    }
    long start = nextRequest;
    int length = (int) Math.min(bufferBytes, size - start);
    nextRequest = start + length;
    return new Pending(start, length, buffer);
  }

  private void take(Pending p) {
    started = true;
    chunk = p.buffer;
    chunkStart = p.start;
    chunkLength = p.length;
  }

  /**
   * Moves the consumed chunk to the retired slot, so windows into it stay valid until the next
   * move, and hands the buffer retired before it back to the pool.
   */
  private void retire() {
    if (retired != null) {
      freeBuffers.push(retired);
    }
    retired = chunk;
    chunk = null;
  }

  /** Hands the consumed and the retired chunks' buffers back to the pool. */
  private void release() {
    retire();
    retire();
  }

  private IOException fail(IOException e) {
    failure = e;
    drain();
    return e;
  }

  private IOException asIOException(Throwable t, long offset) {
    if (t instanceof IOException io) {
      return io;
    }
    return new IOException(source.name() + ": reading at offset " + offset + " failed: " + t, t);
  }

  /**
   * Drops the reads that have not started and waits for those that have, so every buffer is back
   * in the pool and no reader thread still writes into one. {@code Future.cancel} cannot tell the
   * two apart: it also succeeds on a running task, whose {@code get()} then returns at once while
   * the read goes on filling the buffer (which the next request would hand out again). So a read
   * and its drop race for {@link Pending#claimed} instead.
   */
  private void drain() {
    boolean interrupted = false;
    for (Pending p : queue) {
      if (!p.claimed.compareAndSet(false, true)) {
        interrupted |= awaitRead(p); // started: it writes into the buffer until it ends
      }
      freeBuffers.push(p.buffer);
    }
    queue.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for a started read to end, however it ends; returns whether it was interrupted. */
  private static boolean awaitRead(Pending p) {
    boolean interrupted = false;
    while (true) {
      try {
        p.future.get();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        return interrupted; // this chunk is dropped; its error is not the consumer's concern
      }
    }
  }

  /** The reader threads: {@link ReadOptions#threads()}, or one reading a stream in order. */
  private ExecutorService newReaders() {
    int id = THREAD_IDS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    int threads = streaming ? 1 : options.threads();
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "kindling-read-" + id + "-" + n.incrementAndGet());
          t.setDaemon(true);
          readerThreads.add(t);
          return t;
        });
  }

  /**
   * Moves to file offset {@code offset} in {@code [0, size]}. A forward seek to a byte already
   * requested (inside the current chunk or a queued one) keeps the read-ahead, handing back the
   * chunks passed over: skipping a record's payload costs no new read. Elsewhere read-ahead
   * restarts at {@code offset}.
   */
  @Override
  public void seek(long offset) throws IOException {
    ensureOpen();
    if (offset < 0 || offset > size) {
      throw new EOFException(source.name() + ": cannot seek to offset " + offset
          + " outside [0, " + size + "]");
    }
    if (chunk != null && offset >= chunkStart && offset < chunkStart + chunkLength
        && failure == null) {
      pos = offset;
      return;
    }
    if (failure == null && chunk != null && offset >= pos && offset < nextRequest) {
      while (offset >= chunkStart + chunkLength) {
        nextChunk();
      }
      pos = offset;
      return;
    }
    drain();
    release();
    failure = null;
    started = false;
    pos = offset;
    nextRequest = offset;
  }

  @Override
  public long getPos() {
    return pos;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  /** Waits for the reader threads and stops them, then closes the source; idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    drain();
    release();
    try {
      if (readers != null) {
        readers.shutdown();
        awaitReaders();
      }
      closeRange();
      for (byte[] b : freeBuffers) {
        ChunkPool.give(b);
      }
      freeBuffers.clear();
    } finally {
      source.close();
    }
  }

  /**
   * Waits for the idle reader threads to end (they have no work left after {@link #drain}).
   * Joins the threads themselves: the pool counts as terminated while its last thread is still
   * exiting.
   */
  private void awaitReaders() {
    boolean interrupted = false;
    for (Thread t : readerThreads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Buffers taken from the pool so far (for tests: never more than {@code queueChunks + 2}). */
  int buffersMade() {
    return buffersMade;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException(source.name() + ": stream is closed");
    }
  }

  /** A requested chunk: its file range, its buffer, and the read filling it. */
  private static final class Pending {
    final long start;
    final int length;
    final byte[] buffer;
    Future<?> future;
    /**
     * Set by whichever comes first: the reader thread starting the read, or {@link #drain}
     * dropping it (the task then returns without touching the buffer).
     */
    final AtomicBoolean claimed = new AtomicBoolean();

    Pending(long start, int length, byte[] buffer) {
      this.start = start;
      this.length = length;
      this.buffer = buffer;
    }
  }
}
