package org.kindling.io.image;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
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
 * threads, handing the results back in record order. Records go to the pool in groups of up to
 * {@code capacity / (2 * threads)} (at most 32), so that small records (28x28 raw pixels) do not
 * spend more on hand-over than on work, while every thread still has a group to decode. At most
 * {@code capacity} records are in flight, so memory stays bounded however fast the source is.
 * Each record's random numbers come
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
  private final int grain;
  private final long seed;
  private final ArrayDeque<Future<List<Decoded>>> inflight = new ArrayDeque<>();
  private int inflightRecords;
  private Iterator<Decoded> current = Collections.emptyIterator();
  private long epoch;
  private long position;
  private boolean sourceDone;

  /** @param firstEpoch the epoch of the first pass, which seeds its random numbers */
  DecodePipeline(RecordSource source, RecordDecoder decoder, int threads, int capacity,
      long seed, long firstEpoch) {
    this.source = source;
    this.epoch = firstEpoch;
    this.decoder = decoder;
    this.capacity = capacity;
    this.grain = Math.max(1, Math.min(32, capacity / (2 * threads)));
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
    if (current.hasNext()) {
      return current.next();
    }
    fill();
    Future<List<Decoded>> f = inflight.poll();
    if (f == null) {
      return null;
    }
    List<Decoded> group;
    try {
      group = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while decoding images", e);
    } catch (ExecutionException e) {
      throw new IOException("decoding an image failed: " + e.getCause(), e.getCause());
    }
    inflightRecords -= group.size();
    fill();
    current = group.iterator();
    return current.next();
  }

  private void fill() throws IOException {
    while (!sourceDone && inflightRecords + grain <= capacity) {
      List<LocatedRecord> records = new ArrayList<>(grain);
      List<SplittableRandom> rnds = new ArrayList<>(grain);
      while (records.size() < grain) {
        LocatedRecord r = source.next();
        if (r == null) {
          sourceDone = true;
          break;
        }
        records.add(r);
        rnds.add(new SplittableRandom(mix(seed, epoch, position++)));
      }
      if (records.isEmpty()) {
        return;
      }
      inflightRecords += records.size();
      inflight.add(pool.submit(() -> {
        List<Decoded> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
          out.add(decoder.decode(records.get(i), rnds.get(i)));
        }
        return out;
      }));
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
   * Starts a new pass over the source; records still in flight are dropped. {@code newEpoch}
   * advances the epoch that seeds the random numbers and starts it with the source's {@code
   * reset()}; without it (the padding of a short last batch) the pass is the source's {@code
   * lendNextPass()}, which the next epoch's {@code reset()} restarts rather than passing over.
   */
  void restart(boolean newEpoch) throws IOException {
    cancelInflight();
    if (newEpoch) {
      source.reset();
    } else {
      source.lendNextPass();
    }
    sourceDone = false;
    position = 0;
    if (newEpoch) {
      epoch++;
    }
  }

  private void cancelInflight() {
    for (Future<List<Decoded>> f : inflight) {
      f.cancel(false);
    }
    inflight.clear();
    inflightRecords = 0;
    current = Collections.emptyIterator();
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
