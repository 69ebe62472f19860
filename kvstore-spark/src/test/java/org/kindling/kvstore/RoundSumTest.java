package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

class RoundSumTest {
  /** Two and a bit stripes, so the last stripe is short. */
  private static final int N = 2 * RoundSum.STRIPE_FLOATS + 1001;
  /** Pieces of at most this many bytes never hold a whole stripe. */
  private static final int SMALL_PIECES = 9999;

  /** Direct, as the socket's read buffers are: whole stripes are summed from where they are. */
  private static ByteBuffer bytesOf(float[] v) {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b;
  }

  private static float[] random(Random r) {
    float[] v = new float[N];
    for (int i = 0; i < N; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static float[] read(FloatBuffer sum) {
    float[] out = new float[sum.limit()];
    sum.get(0, out);
    return out;
  }

  private static FloatBuffer buffer(int n) {
    return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * The merge buffers of a key of N elements held in parts of {@code sizes} (the last takes the
   * rest), as a server's shards hold a split key.
   */
  private static List<FloatBuffer> parts(int... sizes) {
    List<FloatBuffer> out = new ArrayList<>();
    int left = N;
    for (int size : sizes) {
      out.add(buffer(size));
      left -= size;
    }
    out.add(buffer(left));
    return out;
  }

  /** The parts' buffers, joined in element order. */
  private static float[] read(List<FloatBuffer> parts) {
    float[] out = new float[N];
    int at = 0;
    for (FloatBuffer p : parts) {
      float[] v = read(p);
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }

  @Test
  void twoPushesFedInRaggedInterleavedPiecesSumExactly() {
    twoPushesSumExactlyInto(List.of(buffer(N)), SMALL_PIECES);
  }

  @Test
  void piecesThatHoldWholeStripesAreSummedFromWhereTheyAre() {
    // pieces of up to three stripes: most stripes lie whole in one, the others are collected
    twoPushesSumExactlyInto(List.of(buffer(N)), 3 * 4 * RoundSum.STRIPE_FLOATS);
  }

  @Test
  void aKeyHeldInPartsIsSummedAcrossTheirBoundsInOneStream() {
    // parts of a stripe and a bit, of less than a stripe, and the rest: stripes restart per part
    twoPushesSumExactlyInto(parts(RoundSum.STRIPE_FLOATS + 333, 5_001), SMALL_PIECES);
    twoPushesSumExactlyInto(parts(RoundSum.STRIPE_FLOATS + 333, 5_001),
        3 * 4 * RoundSum.STRIPE_FLOATS);
  }

  /**
   * Sums two pushes fed in interleaved pieces of 1 to {@code maxPiece} bytes, so floats and
   * stripes are split across pieces.
   */
  private static void twoPushesSumExactlyInto(List<FloatBuffer> buf, int maxPiece) {
    Random r = new Random(3);
    float[] a = random(r);
    float[] b = random(r);
    RoundSum sum = new RoundSum(Shape.of(N), buf);
    RoundSum.Contribution ca = sum.begin(0, new RoundSum.Scratch());
    RoundSum.Contribution cb = sum.begin(1, new RoundSum.Scratch());
    ByteBuffer ba = bytesOf(a);
    ByteBuffer bb = bytesOf(b);
    while (ba.hasRemaining() || bb.hasRemaining()) {
      ByteBuffer next = !ba.hasRemaining() ? bb : !bb.hasRemaining() ? ba : r.nextBoolean() ? ba : bb;
      RoundSum.Contribution c = next == ba ? ca : cb;
      c.write(next, Math.min(next.remaining(), 1 + r.nextInt(maxPiece)));
    }
    assertThat(ca.complete()).isTrue();
    assertThat(cb.complete()).isTrue();
    float[] want = new float[N];
    for (int i = 0; i < N; i++) {
      want[i] = a[i] + b[i]; // two operands: the same bits in either order
    }
    assertThat(read(buf)).containsExactly(want);
  }

  @Test
  void aRankContributesOncePerRoundAndAResetDropsWhatIsStillArriving() {
    FloatBuffer buf = buffer(N);
    RoundSum sum = new RoundSum(Shape.of(N), List.of(buf));
    RoundSum.Scratch scratch = new RoundSum.Scratch();
    float[] ones = new float[N];
    java.util.Arrays.fill(ones, 1f);
    RoundSum.Contribution cut = sum.begin(0, scratch);
    assertThat(sum.begin(0, scratch)).as("a repeat in the same round").isNull();
    ByteBuffer first = bytesOf(ones);
    cut.write(first, 4 * RoundSum.STRIPE_FLOATS + 6); // one stripe summed, the next begun
    cut.abort(); // the connection closed within the frame
    assertThat(cut.isCurrent()).isFalse();
    float[] twos = new float[N];
    java.util.Arrays.fill(twos, 2f);
    RoundSum.Contribution again = sum.begin(0, new RoundSum.Scratch());
    assertThat(again).as("a new round takes rank 0 again").isNotNull();
    again.write(bytesOf(twos), 4 * N);
    // what the cut-off push still had in flight does not count any more
    cut.write(first, first.remaining());
    RoundSum.Contribution other = sum.begin(1, new RoundSum.Scratch());
    other.write(bytesOf(twos), 4 * N);
    float[] want = new float[N];
    java.util.Arrays.fill(want, 4f);
    assertThat(read(buf)).containsExactly(want);
    sum.nextRound();
    assertThat(sum.begin(0, scratch)).as("after the update, the next round").isNotNull();
  }

  /**
   * Without an optimizer the update swaps a part's merge buffer with its stored value: the next
   * round sums into the old value's memory (its stale contents assigned over, never added to),
   * and the buffer that now holds the value is not written again.
   */
  @Test
  void theNextRoundSumsIntoTheBuffersTheUpdateHandsBack() {
    Random r = new Random(11);
    List<FloatBuffer> merge = parts(RoundSum.STRIPE_FLOATS + 333, 5_001);
    List<FloatBuffer> stored = parts(RoundSum.STRIPE_FLOATS + 333, 5_001);
    for (FloatBuffer p : stored) {
      for (int i = 0; i < p.limit(); i++) {
        p.put(i, 1e6f); // the old value: must not leak into the next round's sum
      }
    }
    RoundSum sum = new RoundSum(Shape.of(N), merge);
    float[] a = random(r);
    float[] b = random(r);
    sum.begin(0, new RoundSum.Scratch()).write(bytesOf(a), 4 * N);
    sum.begin(1, new RoundSum.Scratch()).write(bytesOf(b), 4 * N);
    float[] first = read(merge);
    // the update: the sum becomes the value, the old value's memory the merge buffers
    sum.nextRound(stored);
    float[] c = random(r);
    float[] d = random(r);
    RoundSum.Contribution cc = sum.begin(1, new RoundSum.Scratch());
    RoundSum.Contribution cd = sum.begin(0, new RoundSum.Scratch());
    ByteBuffer bc = bytesOf(c);
    ByteBuffer bd = bytesOf(d);
    while (bc.hasRemaining() || bd.hasRemaining()) {
      ByteBuffer next = !bc.hasRemaining() ? bd : !bd.hasRemaining() ? bc : r.nextBoolean() ? bc : bd;
      (next == bc ? cc : cd).write(next, Math.min(next.remaining(), 1 + r.nextInt(SMALL_PIECES)));
    }
    float[] want = new float[N];
    for (int i = 0; i < N; i++) {
      want[i] = c[i] + d[i];
    }
    assertThat(read(stored)).containsExactly(want);
    assertThat(read(merge)).as("the value the first round left").containsExactly(first);
    // and back: parts of other sizes are refused
    sum.nextRound(merge);
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> sum.nextRound(List.of(buffer(N))))).hasMessageContaining("1 merge buffers for 3");
  }

    @Test
  void twoBitCodesAreDequantizedIntoTheSumPartByPart() {
    Random r = new Random(5);
    float threshold = 0.5f;
    float[] g = random(r);
    ByteBuffer codes = ByteBuffer.allocate(TwoBitCodec.bytes(N));
    TwoBitCodec.quantize(FloatBuffer.wrap(g), new float[N], codes, N, threshold);
    float[] want = new float[N];
    TwoBitCodec.dequantize(codes, 0, FloatBuffer.wrap(want), N, threshold, false);
    float[] b = random(r);
    for (int i = 0; i < N; i++) {
      want[i] += b[i];
    }
    // the parts begin within a byte of four codes
    List<FloatBuffer> buf = parts(RoundSum.STRIPE_FLOATS + 1, 7_777);
    RoundSum sum = new RoundSum(Shape.of(N), buf);
    RoundSum.Contribution c = sum.begin(1, new RoundSum.Scratch());
    RoundSum.Values values =
        (from, dst, n) -> TwoBitCodec.dequantize(codes, from, dst, n, threshold, false);
    for (int part = buf.size() - 1; part >= 0; part--) { // in any order, each with its own scratch
      c.writePart(part, values, new RoundSum.Scratch());
    }
    sum.begin(0, new RoundSum.Scratch()).write(bytesOf(b), 4 * N);
    assertThat(read(buf)).containsExactly(want);
  }
}
