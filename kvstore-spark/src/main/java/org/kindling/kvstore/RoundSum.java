package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.BitSet;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Blas;

/**
 * The sum of one key's sync round, built while the pushes arrive: each rank's push is a {@link
 * Contribution} that adds its values stripe by stripe (64 KiB) into the key's merge buffers, from
 * the connection's I/O thread as the bytes come off the socket, or, for a push that was buffered
 * whole, part by part from the shard threads (or the state thread). The first contribution to
 * reach a stripe assigns it, later ones add, under that stripe's lock, so several connections sum
 * at once and no byte is buffered twice.
 *
 * <p>Parts (decision 0033): a key split across server shards has one merge buffer per part, each
 * its own array, so that the shards' updates depend on their own engine variables only. One
 * round sum covers all of them, in element order, since the round's rules (one push per rank, a
 * reset drops everything) are the key's; stripes are cut within each part (a part's last stripe
 * may be short), so a stripe's lock and its add touch one buffer.
 *
 * <p>A round takes one contribution per rank ({@link #begin} refuses a repeat). Summation order:
 * per stripe, the order in which the ranks' contributions reached it; as MXNet's server (which
 * adds each whole push in arrival order) the sum of three or more workers is therefore not
 * bit-reproducible from run to run, while two workers' sums are exact whatever the order.
 *
 * <p>Life of a round: the state thread calls {@link #nextRound()} after the round's update has
 * read the buffers, or {@link #reset()} when the round fails; both start a new generation, so
 * that what a contribution of the old one still adds is dropped and the state thread can tell
 * that push to retry ({@link Contribution#isCurrent()}). Until {@code nextRound()} every rank
 * that took part still counts as in, so no push of the next round writes into the buffers the
 * update reads.
 */
final class RoundSum {
  /** Floats per stripe: 64 KiB, a lock's worth of summing that stays in the core's L2. */
  static final int STRIPE_FLOATS = 1 << 14;
  /**
   * Floats per saxpy call: below OpenBLAS's 10,000 elements, from which it would split a call
   * across its threads.
   */
  private static final int ADD_CHUNK = 1 << 13;

  private final Shape shape;
  /**
   * The parts' merge buffers, in element order; replaced by {@link #nextRound(List)} when the
   * update swapped a part's merge buffer with its stored value. Read by an add only under its
   * stripe's lock after the generation check, so only adds of the current round touch them.
   */
  private volatile FloatBuffer[] parts;
  /** Per part, the key's element it starts at. */
  private final int[] partBegin;
  /** Per part, its first stripe; the last entry is the number of stripes. */
  private final int[] firstStripe;
  /** Per stripe, its part, its first element within the part, and its length. */
  private final int[] stripePart;
  private final int[] stripeStart;
  private final int[] stripeLength;
  private final Object[] locks;
  /** Per stripe, how many contributions have reached it this generation (under its lock). */
  private final int[] reached;
  private final BitSet ranks = new BitSet();
  private volatile long generation;
  private boolean closed;

  /**
   * {@code parts} are the merge buffers (float32, native order) of a key of {@code shape}, in
   * element order, one per part it is held in; they are not copied, and nothing writes to them
   * after {@link #close()}.
   *
   * @throws IllegalArgumentException if their lengths do not add up to the shape's size
   */
  RoundSum(Shape shape, List<FloatBuffer> parts) {
    this.shape = shape;
    this.parts = parts.toArray(new FloatBuffer[0]);
    this.partBegin = new int[this.parts.length];
    this.firstStripe = new int[this.parts.length + 1];
    int size = 0;
    for (int p = 0; p < this.parts.length; p++) {
      partBegin[p] = size;
      size += this.parts[p].limit();
      int stripes = (this.parts[p].limit() + STRIPE_FLOATS - 1) / STRIPE_FLOATS;
      firstStripe[p + 1] = firstStripe[p] + stripes;
    }
    if (size != shape.size()) {
      throw new IllegalArgumentException("merge buffers of " + size + " elements in all for a key"
          + " of shape " + shape);
    }
    int stripes = firstStripe[this.parts.length];
    this.stripePart = new int[stripes];
    this.stripeStart = new int[stripes];
    this.stripeLength = new int[stripes];
    for (int p = 0; p < this.parts.length; p++) {
      for (int s = firstStripe[p]; s < firstStripe[p + 1]; s++) {
        stripePart[s] = p;
        stripeStart[s] = (s - firstStripe[p]) * STRIPE_FLOATS;
        stripeLength[s] = Math.min(STRIPE_FLOATS, this.parts[p].limit() - stripeStart[s]);
      }
    }
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
   * Starts {@code rank}'s contribution to the current round; {@code scratch} (the calling
   * connection's: one contribution at a time uses it) collects what {@link Contribution#write}
   * is fed.
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

  /** After the round's update: the buffers are free for the next round's contributions. */
  void nextRound() {
    reset();
  }

  /**
   * After the round's update, which may have taken a part's merge buffer as its stored value
   * and handed the old stored value's memory back as the merge buffer (no optimizer: the sum
   * becomes the value without a copy): the next round sums into {@code buffers}, the parts'
   * merge buffers now, in element order. Every contribution of the round has been summed when
   * the update runs, so no add is under way into the buffers being replaced.
   *
   * @throws IllegalArgumentException if a buffer's length is not its part's
   */
  synchronized void nextRound(List<FloatBuffer> buffers) {
    FloatBuffer[] now = parts;
    if (buffers.size() != now.length) {
      throw new IllegalArgumentException(buffers.size() + " merge buffers for " + now.length
          + " parts");
    }
    FloatBuffer[] next = buffers.toArray(new FloatBuffer[0]);
    for (int p = 0; p < next.length; p++) {
      if (next[p].limit() != now[p].limit()) {
        throw new IllegalArgumentException("merge buffer of part " + p + " has "
            + next[p].limit() + " elements, not " + now[p].limit());
      }
    }
    generation++; // what an old contribution still adds is dropped before it reads a buffer
    parts = next;
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

  /** Stops every write to the buffers (the server closes them next); waits for adds under way. */
  synchronized void close() {
    closed = true;
    reset();
  }

  /**
   * Adds the stripe's values {@code in[0, length)} (direct: the stripe collected in a scratch,
   * or a piece of the socket's data that holds the whole stripe), unless the round was reset
   * since {@code gen}.
   */
  private void addStripe(long gen, int stripe, FloatBuffer in) {
    int start = stripeStart[stripe];
    int len = stripeLength[stripe];
    synchronized (locks[stripe]) {
      if (gen != generation) {
        return; // the round was reset: this contribution no longer counts
      }
      FloatBuffer sum = parts[stripePart[stripe]];
      if (reached[stripe]++ == 0) {
        sum.put(start, in, 0, len);
        return;
      }
      // sum += in in place (saxpy reads both once and writes the sum once, where a Java loop
      // would first copy both into arrays), in calls short enough that OpenBLAS runs them on
      // this thread whatever its thread count
      for (int at = 0; at < len; at += ADD_CHUNK) {
        Blas.saxpy(Math.min(ADD_CHUNK, len - at), 1f, in, at, sum, start + at);
      }
    }
  }

  /** The values of a push buffered whole, by element range of the key. */
  interface Values {
    /** Writes the key's elements {@code [from, from + n)} to {@code dst[0, n)}. */
    void read(int from, FloatBuffer dst, int n);
  }

  /**
   * A stripe's buffer that one thread (an I/O thread for its connection's pushes, a shard thread
   * for its parts of buffered ones) reuses for every contribution it makes: where a stripe split
   * between pieces, or read from a buffered push, is collected (direct, little-endian).
   */
  static final class Scratch {
    private final ByteBuffer bytes =
        ByteBuffer.allocateDirect(STRIPE_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
    private final FloatBuffer floats = bytes.asFloatBuffer();
  }

  /**
   * One rank's push being summed: either its float32 bytes fed in order, in pieces of any length
   * by one thread ({@link #write}), or, for a push buffered whole, each part at once, the parts
   * from any threads at the same time ({@link #writePart}).
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

    /**
     * Adds the next {@code n} bytes from {@code src} at its position (which moves past them): a
     * stripe that lies whole within them is added from {@code src} itself if it is direct (the
     * socket's read buffer), any other is collected in the scratch first.
     */
    void write(ByteBuffer src, int n) {
      int end = src.position() + n;
      while (src.position() < end) {
        int at = src.position();
        int stripeBytes = 4 * stripeLength[stripe];
        int take = Math.min(stripeBytes - filled, end - at);
        if (take == stripeBytes && src.isDirect()) {
          addStripe(gen, stripe++,
              src.slice(at, take).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        } else {
          scratch.bytes.put(filled, src, at, take);
          filled += take;
          if (filled == stripeBytes) {
            addStripe(gen, stripe++, scratch.floats);
            filled = 0;
          }
        }
        src.position(at + take);
      }
    }

    /**
     * Adds the elements of part {@code part} from {@code values}, through {@code scratch} (the
     * calling thread's).
     */
    void writePart(int part, Values values, Scratch scratch) {
      for (int s = firstStripe[part]; s < firstStripe[part + 1]; s++) {
        values.read(partBegin[part] + stripeStart[s], scratch.floats, stripeLength[s]);
        addStripe(gen, s, scratch.floats);
      }
    }

    /** True once every element has been fed in order ({@link #write}). */
    boolean complete() {
      return stripe == stripePart.length && filled == 0;
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
