package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

class RoundSumTest {
  /** Two and a bit stripes, so the last stripe is short. */
  private static final int N = 2 * RoundSum.STRIPE_FLOATS + 1001;

  private static ByteBuffer bytesOf(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
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

  @Test
  void twoPushesFedInRaggedInterleavedPiecesSumExactly() {
    Random r = new Random(3);
    float[] a = random(r);
    float[] b = random(r);
    FloatBuffer buf = ByteBuffer.allocateDirect(4 * N).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    RoundSum sum = new RoundSum(Shape.of(N), buf);
    RoundSum.Contribution ca = sum.begin(0, new RoundSum.Scratch());
    RoundSum.Contribution cb = sum.begin(1, new RoundSum.Scratch());
    ByteBuffer ba = bytesOf(a);
    ByteBuffer bb = bytesOf(b);
    // pieces of 1..9999 bytes, so floats and stripes are split across pieces
    while (ba.hasRemaining() || bb.hasRemaining()) {
      ByteBuffer next = !ba.hasRemaining() ? bb : !bb.hasRemaining() ? ba : r.nextBoolean() ? ba : bb;
      RoundSum.Contribution c = next == ba ? ca : cb;
      c.write(next, Math.min(next.remaining(), 1 + r.nextInt(9999)));
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
    FloatBuffer buf = ByteBuffer.allocateDirect(4 * N).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    RoundSum sum = new RoundSum(Shape.of(N), buf);
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

  @Test
  void twoBitCodesAreDequantizedIntoTheSum() {
    Random r = new Random(5);
    float threshold = 0.5f;
    float[] g = random(r);
    ByteBuffer codes = ByteBuffer.allocate(TwoBitCodec.bytes(N));
    TwoBitCodec.quantize(FloatBuffer.wrap(g), new float[N], codes, N, threshold);
    float[] want = new float[N];
    TwoBitCodec.dequantize(codes, FloatBuffer.wrap(want), N, threshold, false);
    float[] b = random(r);
    for (int i = 0; i < N; i++) {
      want[i] += b[i];
    }
    FloatBuffer buf = ByteBuffer.allocateDirect(4 * N).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    RoundSum sum = new RoundSum(Shape.of(N), buf);
    sum.begin(1, new RoundSum.Scratch()).writeTwoBit(codes, threshold);
    sum.begin(0, new RoundSum.Scratch()).write(bytesOf(b), 4 * N);
    assertThat(read(buf)).containsExactly(want);
  }
}
