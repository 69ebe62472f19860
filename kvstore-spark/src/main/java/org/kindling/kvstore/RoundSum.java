package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.BitSet;
import org.kindling.tensor.Shape;

/**
 * The sum of one key's sync round, built while the pushes arrive: each rank's push is a {@link
 * Contribution} that adds its values stripe by stripe (64 KiB) into the key's merge buffer, from
 * the connection's I/O thread as the bytes come off the socket or from the state thread for a
 * push that was buffered whole. The first contribution to reach a stripe assigns it, later ones
 * add, under that stripe's lock, so several connections sum at once and no byte is buffered
 * twice.
 *
 * <p>A round takes one contribution per rank ({@link #begin} refuses a repeat). Summation order:
 * per stripe, the order in which the ranks' contributions reached it; as MXNet's server (which
 * adds each whole push in arrival order) the sum of three or more workers is therefore not
 * bit-reproducible from run to run, while two workers' sums are exact whatever the order.
 *
 * <p>Life of a round: the state thread calls {@link #nextRound()} after the round's update has
 * read the buffer, or {@link #reset()} when the round fails; both start a new generation, so
 * that what a contribution of the old one still adds is dropped and the state thread can tell
 * that push to retry ({@link Contribution#isCurrent()}). Until {@code nextRound()} every rank
 * that took part still counts as in, so no push of the next round writes into the buffer the
 * update reads.
 */
final class RoundSum {
  /** Floats per stripe: 64 KiB, a lock's worth of summing that stays in the core's L2. */
  static final int STRIPE_FLOATS = 1 << 14;

  private final Shape shape;
  private final FloatBuffer sum;
  private final int size;
  private final Object[] locks;
  /** Per stripe, how many contributions have reached it this generation (under its lock). */
  private final int[] reached;
  private final BitSet ranks = new BitSet();
  private volatile long generation;
  private boolean closed;

  /**
   * {@code sum} is the merge buffer of a key of {@code shape} (float32, native order); it is not
   * copied, and nothing writes to it after {@link #close()}.
   */
  RoundSum(Shape shape, FloatBuffer sum) {
    this.shape = shape;
    this.sum = sum;
    this.size = sum.limit();
    int stripes = Math.max(1, (size + STRIPE_FLOATS - 1) / STRIPE_FLOATS);
    this.locks = new Object[stripes];
    for (int i = 0; i < stripes; i++) {
      locks[i] = new Object();
    }
    this.reached = new int[stripes];
  }

  /** The key's shape. */
  Shape shape() {
    return shape;
  }

  /**
   * Starts {@code rank}'s contribution to the current round, summing through {@code scratch}
   * (the calling connection's or thread's: one contribution at a time uses it).
   *
   * @return null if the rank already contributed to this round (a worker's next push must wait
   *     for the last one's acknowledgement, which comes after the round's update), or after
   *     {@link #close()}
   */
  synchronized Contribution begin(int rank, Scratch scratch) {
    if (closed || ranks.get(rank)) {
      return null;
    }
    ranks.set(rank);
    return new Contribution(generation, scratch);
  }

  /** After the round's update: the buffer is free for the next round's contributions. */
  void nextRound() {
    reset();
  }

  /** Forgets the round (failed, or a contribution was cut off): what is summed is stale. */
  synchronized void reset() {
    generation++;
    ranks.clear();
    // under this lock, so that no contribution of the new generation begins before every
    // stripe is cleared; after the generation moved, so that an add holding a stripe's lock
    // now is the last of the old generation there
    for (int s = 0; s < locks.length; s++) {
      synchronized (locks[s]) {
        reached[s] = 0;
      }
    }
  }

  /** Stops every write to the buffer (the server closes it next); waits for adds under way. */
  synchronized void close() {
    closed = true;
    reset();
  }

  private void addStripe(long gen, int stripe, Scratch scratch) {
    int start = stripe * STRIPE_FLOATS;
    int len = Math.min(STRIPE_FLOATS, size - start);
    FloatBuffer in = scratch.floats;
    synchronized (locks[stripe]) {
      if (gen != generation) {
        return; // the round was reset: this contribution no longer counts
      }
      if (reached[stripe]++ == 0) {
        sum.put(start, in, 0, len);
        return;
      }
      float[] x = scratch.x;
      float[] y = scratch.y;
      in.get(0, x, 0, len);
      sum.get(start, y, 0, len);
      for (int i = 0; i < len; i++) {
        y[i] += x[i];
      }
      sum.put(start, y, 0, len);
    }
  }

  /**
   * A stripe's worth of buffers that one thread (an I/O thread for its connection's pushes, the
   * state thread for buffered ones) reuses for every contribution it makes: the stripe being
   * collected (direct, little-endian) and two arrays for the add.
   */
  static final class Scratch {
    private final ByteBuffer bytes =
        ByteBuffer.allocateDirect(STRIPE_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
    private final FloatBuffer floats = bytes.asFloatBuffer();
    private final float[] x = new float[STRIPE_FLOATS];
    private final float[] y = new float[STRIPE_FLOATS];
  }

  /**
   * One rank's push being summed: its float32 bytes are fed in order, in pieces of any length
   * ({@link #write}), or its 2-bit codes or float16 values at once ({@link #writeTwoBit}, {@link
   * #writeHalf}). Used by one thread.
   */
  final class Contribution {
    private final long gen;
    private final Scratch scratch;
    private int stripe;
    /** Bytes of the current stripe collected in the scratch. */
    private int filled;

    private Contribution(long gen, Scratch scratch) {
      this.gen = gen;
      this.scratch = scratch;
    }

    /** Adds the next {@code n} bytes from {@code src} at its position (which moves past them). */
    void write(ByteBuffer src, int n) {
      int end = src.position() + n;
      while (src.position() < end) {
        int stripeBytes = 4 * Math.min(STRIPE_FLOATS, size - stripe * STRIPE_FLOATS);
        int take = Math.min(stripeBytes - filled, end - src.position());
        scratch.bytes.put(filled, src, src.position(), take);
        src.position(src.position() + take);
        filled += take;
        if (filled == stripeBytes) {
          addStripe(gen, stripe++, scratch);
          filled = 0;
        }
      }
    }

    /**
     * Adds the dequantized values of MXNet's 2-bit codes ({@link TwoBitCodec}), read from
     * {@code codes} at its position (absolute; the position is not moved).
     */
    void writeTwoBit(ByteBuffer codes, float threshold) {
      int base = codes.position();
      for (; stripe * STRIPE_FLOATS < size; stripe++) {
        int start = stripe * STRIPE_FLOATS;
        // a stripe starts on a whole code byte (STRIPE_FLOATS is a multiple of 4)
        TwoBitCodec.dequantize(codes.position(base + start / 4), scratch.floats,
            Math.min(STRIPE_FLOATS, size - start), threshold, false);
        addStripe(gen, stripe, scratch);
      }
      codes.position(base);
    }

    /**
     * Adds float16 values (IEEE half, little-endian; the fp16 transport), read from {@code
     * halves} at its position (absolute; the position is not moved), widened to float32.
     */
    void writeHalf(ByteBuffer halves) {
      int base = halves.position();
      for (; stripe * STRIPE_FLOATS < size; stripe++) {
        int start = stripe * STRIPE_FLOATS;
        Half.widen(halves.duplicate().position(base + 2 * start), scratch.floats,
            Math.min(STRIPE_FLOATS, size - start));
        addStripe(gen, stripe, scratch);
      }
    }

    /** True once every element has been written. */
    boolean complete() {
      return stripe * STRIPE_FLOATS >= size && filled == 0;
    }

    /** True while the round it joined still runs (it was not reset since). */
    boolean isCurrent() {
      return gen == generation;
    }

    /** The push was cut off: the round's sum holds part of it, so the round is stale. */
    void abort() {
      synchronized (RoundSum.this) {
        if (gen == generation) {
          reset();
        }
      }
    }
  }
}
