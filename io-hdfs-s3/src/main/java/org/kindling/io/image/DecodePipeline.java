package org.kindling.io.image;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.tensor.FormatException;

/**
 * Reads records from a {@link RecordSource} on the caller's thread and decodes them on a pool of
 * threads, handing the results back in record order. At most {@code capacity} records are in
 * flight, so memory stays bounded however fast the source is. Each record's random numbers come
 * from a generator seeded by {@code (seed, epoch, position in the epoch)} alone, so the results
 * are the same for any number of threads. Not thread-safe: one consumer.
 */
final class DecodePipeline implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** One decoded record: its values and labels, or why it failed. */
  record Decoded(LocatedRecord where, float[] data, float[] label, String error) {
    boolean failed() {
      return error != null;
    }
  }

  /** Turns one record into values; runs on pool threads, so it must be thread-safe. */
  interface RecordDecoder {
    Decoded decode(LocatedRecord record, SplittableRandom rnd);
  }

  private final RecordSource source;
  private final RecordDecoder decoder;
  private final ExecutorService pool;
  private final int capacity;
  private final long seed;
  private final ArrayDeque<Future<Decoded>> inflight = new ArrayDeque<>();
  private long epoch;
  private long position;
  private boolean sourceDone;

  DecodePipeline(RecordSource source, RecordDecoder decoder, int threads, int capacity,
      long seed) {
    this.source = source;
    this.decoder = decoder;
    this.capacity = capacity;
    this.seed = seed;
    int poolId = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "kindling-image-decode-" + poolId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(threads, factory);
  }

  /** The next decoded record of this pass over the source, or null at its end. */
  Decoded next() throws IOException {
    fill();
    Future<Decoded> f = inflight.poll();
    if (f == null) {
      return null;
    }
    fill();
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while decoding images", e);
    } catch (ExecutionException e) {
      throw new IOException("decoding an image failed: " + e.getCause(), e.getCause());
    }
  }

  private void fill() throws IOException {
    while (!sourceDone && inflight.size() < capacity) {
      LocatedRecord r = source.next();
      if (r == null) {
        sourceDone = true;
        return;
      }
      SplittableRandom rnd = new SplittableRandom(mix(seed, epoch, position++));
      inflight.add(pool.submit(() -> decoder.decode(r, rnd)));
    }
  }

  /** A well-spread seed for one record (SplitMix64's finalizer over the three inputs). */
  private static long mix(long seed, long epoch, long position) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + position;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Starts a new pass over the source (the source's {@code reset()}); records still in flight are
   * dropped. {@code newEpoch} advances the epoch that seeds the random numbers.
   */
  void restart(boolean newEpoch) throws IOException {
    cancelInflight();
    source.reset();
    sourceDone = false;
    position = 0;
    if (newEpoch) {
      epoch++;
    }
  }

  private void cancelInflight() {
    for (Future<Decoded> f : inflight) {
      f.cancel(false);
    }
    inflight.clear();
  }

  /** Stops the threads and closes the source. */
  @Override
  public void close() throws IOException {
    cancelInflight();
    pool.shutdownNow();
    source.close();
  }

  /** The exception for a failed record: a {@link FormatException} naming its file and offset. */
  static FormatException error(Decoded d) {
    return new FormatException(d.where().file(), d.where().fileOffset(), d.error());
  }
}
