package org.kindling.io.split;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;

/**
 * Reads another {@link RecordSource} ahead on a background thread into a bounded queue of record
 * blocks, the way dmlc's {@code ThreadedInputSplit} decorates an input split: the consumer's
 * compute overlaps the producer's I/O, and memory stays bounded by {@code capacity} blocks.
 *
 * <p>A failure of the wrapped source (for example a {@link org.kindling.tensor.FormatException})
 * is delivered to the consumer by {@link #next()} after the records read before it, with its
 * original type. {@link #reset()} stops the producer, resets the source and starts a new epoch;
 * {@link #close()} stops and joins the producer thread, then closes the source, so no thread
 * outlives the decorator. The consumer side is not thread-safe: call it from one thread.
 *
 * <p>The producer takes records with the wrapped source's {@link RecordSource#next()}: a record
 * crosses to the consumer's thread, so it must outlive the chunk it was read into, and that is
 * its one copy. {@link #nextView()} (the interface's default) then hands the consumer that owned
 * record as a view, without a second copy.
 */
public final class PrefetchingRecordSource implements RecordSource {
  /** Default number of blocks the queue holds. */
  public static final int DEFAULT_CAPACITY = 4;
  /** Default maximum records per block. */
  public static final int DEFAULT_BLOCK_RECORDS = 256;
  /** Default maximum payload bytes per block (a block may exceed it by one record). */
  public static final long DEFAULT_BLOCK_BYTES = 4L << 20;

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  /** How often a producer waiting on a full queue re-checks whether it was asked to stop. */
  private static final long STOP_POLL_MS = 20;

  private final RecordSource source;
  private final int capacity;
  private final int blockRecords;
  private final long blockBytes;

  private BlockingQueue<Item> queue;
  private volatile boolean stopRequested;
  private Thread producer;
  private List<LocatedRecord> block = List.of();
  private int blockPos;
  private boolean endReached;
  private Throwable failure;
  private boolean closed;
  /** Nanoseconds the consumer has waited on the queue since construction. */
  private long waitNanos;

  /** Prefetches {@code source} with the default queue capacity and block size. */
  public PrefetchingRecordSource(RecordSource source) {
    this(source, DEFAULT_CAPACITY, DEFAULT_BLOCK_RECORDS, DEFAULT_BLOCK_BYTES);
  }

  /**
   * @param source the source to read ahead; owned (closed) by this decorator
   * @param capacity blocks the queue holds (at least 1)
   * @param blockRecords maximum records per block (at least 1)
   * @param blockBytes payload bytes after which a block is handed over (at least 1)
   */
  public PrefetchingRecordSource(RecordSource source, int capacity, int blockRecords,
      long blockBytes) {
    this.source = Objects.requireNonNull(source, "source");
    if (capacity < 1 || blockRecords < 1 || blockBytes < 1) {
      throw new IllegalArgumentException("capacity " + capacity + ", blockRecords "
          + blockRecords + " and blockBytes " + blockBytes + " must all be at least 1");
    }
    this.capacity = capacity;
    this.blockRecords = blockRecords;
    this.blockBytes = blockBytes;
  }

  /**
   * The next record, read by the background thread.
   *
   * @throws IOException the wrapped source's failure (same instance and type), or {@link
   *     InterruptedIOException} if the calling thread is interrupted while waiting
   */
  @Override
  public LocatedRecord next() throws IOException {
    ensureOpen();
    while (true) {
      if (blockPos < block.size()) {
        return block.get(blockPos++);
      }
      if (failure != null) {
        throw rethrow(failure);
      }
      if (endReached) {
        return null;
      }
      if (producer == null) {
        start();
      }
      Item item;
      long t0 = System.nanoTime();
      try {
        item = queue.take();
        waitNanos += System.nanoTime() - t0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for prefetched records");
      }
      if (item.records != null) {
        block = item.records;
        blockPos = 0;
      } else if (item.failure != null) {
        failure = item.failure;
        stopProducer();
      } else {
        endReached = true;
        stopProducer();
      }
    }
  }

  /**
   * Nanoseconds the consumer has spent in {@link #next()} waiting for the background thread,
   * over all epochs: the only way a slow store reaches the consumer. Read ahead that hides a
   * store's latency keeps it the same with and without the latency.
   */
  public long waitNanos() {
    return waitNanos;
  }

  /** Stops the producer, resets the wrapped source, and starts the next epoch from its start. */
  @Override
  public void reset() throws IOException {
    ensureOpen();
    stopProducer();
    block = List.of();
    blockPos = 0;
    endReached = false;
    failure = null;
    source.reset();
  }

  /** Stops and joins the producer thread, then closes the wrapped source; idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopProducer();
    } finally {
      source.close();
    }
  }

  /** True while a producer thread exists and has not finished (for tests). */
  boolean producerAlive() {
    return producer != null && producer.isAlive();
  }

  private void start() {
    stopRequested = false;
    queue = new ArrayBlockingQueue<>(capacity);
    BlockingQueue<Item> q = queue;
    producer = new Thread(() -> produce(q), "kindling-prefetch-" + THREAD_IDS.incrementAndGet());
    producer.setDaemon(true);
    producer.start();
  }

  private void produce(BlockingQueue<Item> q) {
    while (!stopRequested) {
      List<LocatedRecord> records = new ArrayList<>();
      long bytes = 0;
      Item last = null;
      try {
        while (records.size() < blockRecords && bytes < blockBytes) {
          LocatedRecord r = source.next();
          if (r == null) {
            last = Item.END;
            break;
          }
          records.add(r);
          bytes += r.payload().length;
        }
      } catch (Throwable t) {
        // Everything, Errors included, goes to the consumer: a silently dead producer would hang
        // it. The records read before the failure are delivered first.
        last = Item.failed(t);
      }
      if (!records.isEmpty() && !offer(q, Item.of(records))) {
        return;
      }
      if (last != null) {
        offer(q, last);
        return;
      }
    }
  }

  /** Puts an item, giving up only when asked to stop; returns false if stopped. */
  private boolean offer(BlockingQueue<Item> q, Item item) {
    try {
      while (!stopRequested) {
        if (q.offer(item, STOP_POLL_MS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void stopProducer() {
    Thread t = producer;
    if (t == null) {
      return;
    }
    stopRequested = true;
    queue.clear();
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    producer = null;
    queue = null;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("prefetching record source is closed");
    }
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new IOException(t);
  }

  /** A queue entry: a block of records, the end marker, or the producer's failure. */
  private record Item(List<LocatedRecord> records, Throwable failure) {
    static final Item END = new Item(null, null);

    static Item of(List<LocatedRecord> records) {
      return new Item(records, null);
    }

    static Item failed(Throwable t) {
      return new Item(null, t);
    }
  }
}
