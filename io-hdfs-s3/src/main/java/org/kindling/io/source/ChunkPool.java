package org.kindling.io.source;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The process-wide pool of read buffers that {@link PrefetchingInputStream}s take at open and
 * give back at close, so a task that opens file after file (a part spanning files, an epoch
 * re-reading its part) does not allocate and zero {@code queueChunks + 2} fresh chunks every time.
 *
 * <p>Buffers come in power-of-two sizes from 64 KiB up, so a small file's buffer (its exact size)
 * and a chunk of the configured size share buckets. At most {@link #MAX_IDLE_BYTES} bytes wait
 * idle in the pool; a buffer given back beyond that is left to the garbage collector. A pooled
 * buffer's contents are stale bytes of an earlier read: users overwrite what they read.
 * Thread-safe.
 */
final class ChunkPool {
  /** Idle bytes kept for reuse: six 16 MiB chunks (one S3 stream) fit, with room to spare. */
  static final long MAX_IDLE_BYTES = 128L << 20;
  private static final int MIN_BUCKET_BYTES = 64 << 10;

  private static final Map<Integer, ArrayDeque<byte[]>> IDLE = new HashMap<>();
  private static long idleBytes;

  private ChunkPool() {}

  /** A buffer of at least {@code bytes} bytes (a power of two, or {@code bytes} when larger). */
  static byte[] take(int bytes) {
    int size = bucketSize(bytes);
    synchronized (IDLE) {
      ArrayDeque<byte[]> bucket = IDLE.get(size);
      byte[] b = bucket == null ? null : bucket.poll();
      if (b != null) {
        idleBytes -= b.length;
        return b;
      }
    }
    return new byte[size];
  }

  /** Gives {@code buffer} back for a later {@link #take}; its owner must not touch it again. */
  static void give(byte[] buffer) {
    if (buffer.length != bucketSize(buffer.length)) {
      return; // not one of ours
    }
    synchronized (IDLE) {
      if (idleBytes + buffer.length > MAX_IDLE_BYTES) {
        return;
      }
      idleBytes += buffer.length;
      IDLE.computeIfAbsent(buffer.length, k -> new ArrayDeque<>()).push(buffer);
    }
  }

  /** Bytes waiting idle in the pool (for tests). */
  static long idleBytes() {
    synchronized (IDLE) {
      return idleBytes;
    }
  }

  private static int bucketSize(int bytes) {
    if (bytes <= MIN_BUCKET_BYTES) {
      return MIN_BUCKET_BYTES;
    }
    int pow = Integer.highestOneBit(bytes);
    if (pow == bytes) {
      return bytes;
    }
    return pow >= (1 << 30) ? bytes : pow << 1;
  }
}
