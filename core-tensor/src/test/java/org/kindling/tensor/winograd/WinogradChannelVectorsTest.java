package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

/**
 * The channels-innermost Winograd transforms over channel-blocked data and output ({@link
 * ChannelTiles}, decision 0080), run through {@link TiledConv} in {@code nChw16c} and {@code
 * nhwc} ({@code nChw<C>c}) laid out by this test: the float64 bound of docs/winograd.md on
 * both GEMM stages, agreement with the row-major call within that bound, the same bits on any
 * thread count, bias and relu, and the stop on NaN and ±Inf data. The kernel-level paths (oneDNN's
 * own layout tokens, NaN to the fallback) are in {@link WinogradBlockedLayoutTest}, whose
 * kernels take this path by default.
 */
class WinogradChannelVectorsTest {
  /**
   * Cases: rows gathered in few and many tiles, pad 0 (cropped), 1 and 2, several images per
   * block, no bias.
   */
  private static ConvCase[] cases(Random r) {
    return new ConvCase[] {
        ConvCase.random(r, 2, 16, 32, 13, 17, 1, true),
        ConvCase.random(r, 1, 32, 16, 31, 50, 0, false),
        ConvCase.random(r, 3, 16, 16, 9, 45, 2, true),
        ConvCase.random(r, 2, 48, 32, 20, 36, 1, true)};
  }

  /** The data's and output's blocks of a layout: 16 ({@code nChw16c}) or 0 for {@code nhwc}. */
  private static int block(int block, int channels) {
    return block == 0 ? channels : block;
  }

  /** {@code values} (row-major {@code s}) laid out in {@code nChw<b>c}. */
  private static FloatBuffer blocked(Shape s, double[] values, int b) {
    FloatBuffer f = ByteBuffer.allocateDirect(4 * s.intSize()).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    if (values != null) {
      for (int i = 0; i < values.length; i++) {
        f.put(index(s, b, i), (float) values[i]);
      }
    }
    return f;
  }

  private static double[] unblocked(Shape s, FloatBuffer f, int b) {
    double[] d = new double[s.intSize()];
    for (int i = 0; i < d.length; i++) {
      d[i] = f.get(index(s, b, i));
    }
    return d;
  }

  /** Where row-major element {@code i} of {@code s} sits in {@code nChw<b>c}. */
  private static int index(Shape s, int b, int i) {
    int c = s.get(1);
    int hw = s.get(2) * s.get(3);
    int n = i / (c * hw);
    int ch = i / hw % c;
    return ((n * (c / b) + ch / b) * hw + i % hw) * b + ch % b;
  }

  private static FloatBuffer floats(double[] v) {
    FloatBuffer f = ByteBuffer.allocateDirect(4 * Math.max(1, v.length))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < v.length; i++) {
      f.put(i, (float) v[i]);
    }
    return f;
  }

  /** The result of one run, or null if it stopped on non-finite data. */
  private static double[] run(ConvCase c, Variant v, int threads, int layout, boolean vectors,
      boolean relu) {
    TiledConv t = WinogradKernel.forwardTiling(v, c.p(), c.sig(), threads, c.sig());
    Shape d = c.sig().in(0);
    Shape y = c.sig().out(0);
    int inBlock = layout < 0 ? 0 : block(layout, d.get(1));
    int outBlock = layout < 0 ? 0 : block(layout, y.get(1));
    FloatBuffer u = ByteBuffer.allocateDirect(Math.toIntExact(4 * t.filterFloats()))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    t.transformFilters(floats(c.in()[1]), false, u);
    FloatBuffer x = inBlock == 0 ? floats(c.in()[0]) : blocked(d, c.in()[0], inBlock);
    FloatBuffer out = outBlock == 0 ? floats(new double[y.intSize()])
        : blocked(y, null, outBlock);
    FloatBuffer ws = ByteBuffer.allocateDirect(Math.toIntExact(4 * t.blockFloats()))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer bias = c.in().length > 2 ? floats(c.in()[2]) : null;
    if (!t.run(x, inBlock, u, bias, out, outBlock, false, relu, ws, 0, vectors)) {
      return null;
    }
    if (outBlock == 0) {
      double[] r = new double[y.intSize()];
      for (int i = 0; i < r.length; i++) {
        r[i] = out.get(i);
      }
      return r;
    }
    return unblocked(y, out, outBlock);
  }

  @Test
  void meetTheFloat64BoundAndTheRowMajorCallInBothLayoutsOnBothGemms() {
    for (ConvCase c : cases(new Random(80))) {
      double[] ref = c.reference();
      double[] mag = c.magnitudes();
      double scale = java.util.Arrays.stream(mag).max().orElse(0) * 0x1p-24;
      for (String gemm : new String[] {"onednn", "openblas"}) {
        for (Variant v : Variant.values()) {
          double[] rowMajor = WinogradAccuracyTest.withGemm(gemm,
              () -> run(c, v, 1, -1, false, false));
          for (int layout : new int[] {16, 0}) {
            double[] got = WinogradAccuracyTest.withGemm(gemm,
                () -> run(c, v, 1, layout, true, false));
            String what = v + " on " + gemm + ", " + c.sig().in(0) + " in "
                + (layout == 0 ? "nhwc" : "nChw16c");
            assertThat(got).as(what).isNotNull();
            assertThat(ConvCase.errorUlps(got, ref, mag)).as("%s: error in units of 2^-24 of"
                + " max Σ|x·w|", what).isLessThanOrEqualTo(WinogradAccuracyTest.bound(v));
            for (int i = 0; i < got.length; i++) {
              assertThat(Math.abs(got[i] - rowMajor[i])).as("%s element %d against row-major",
                  what, i).isLessThanOrEqualTo(2 * WinogradAccuracyTest.bound(v) * scale);
            }
          }
        }
      }
    }
  }

  /** Blocks do not depend on the thread count, so neither do the bits. */
  @Test
  void everyThreadCountGivesTheSameBits() {
    for (ConvCase c : cases(new Random(81))) {
      for (Variant v : Variant.values()) {
        double[] one = run(c, v, 1, 0, true, false);
        assertThat(run(c, v, 2, 0, true, false)).as("%s %s 2 threads", v, c.sig().in(0))
            .isEqualTo(one);
        assertThat(run(c, v, 3, 16, true, false)).as("%s %s 3 threads, nChw16c", v,
            c.sig().in(0)).isEqualTo(one);
      }
    }
  }

  /** The fused relu is MXNet's {@code max(v, 0)} of the biased output, nothing else. */
  @Test
  void reluIsTheMaximumWithZeroOfTheBiasedOutput() {
    ConvCase c = cases(new Random(82))[0];
    for (Variant v : Variant.values()) {
      for (int layout : new int[] {16, 0}) {
        double[] plain = run(c, v, 2, layout, true, false);
        double[] relu = run(c, v, 2, layout, true, true);
        int negative = 0;
        for (int i = 0; i < plain.length; i++) {
          assertThat(relu[i]).as("%s element %d", v, i).isEqualTo(Math.max(plain[i], 0));
          negative += plain[i] < 0 ? 1 : 0;
        }
        assertThat(negative).as("some outputs were negative").isPositive();
      }
    }
  }

  /** The bias is added once per output: the biased output less the unbiased is the bias. */
  @Test
  void theBiasIsAddedToEveryOutputOfItsChannel() {
    ConvCase c = ConvCase.random(new Random(83), 2, 32, 16, 12, 19, 1, true);
    double[][] noBias = {c.in()[0], c.in()[1]};
    ConvCase without = new ConvCase(c.p().withNoBias(true),
        new org.kindling.tensor.op.KernelSignature(new Shape[] {c.sig().in(0), c.sig().in(1)},
            new org.kindling.tensor.DType[] {org.kindling.tensor.DType.FLOAT32,
                org.kindling.tensor.DType.FLOAT32}, new Shape[] {c.sig().out(0)},
            new org.kindling.tensor.DType[] {org.kindling.tensor.DType.FLOAT32}), noBias);
    Shape y = c.sig().out(0);
    int plane = y.get(2) * y.get(3);
    for (Variant v : Variant.values()) {
      double[] with = run(c, v, 1, 0, true, false);
      double[] wo = run(without, v, 1, 0, true, false);
      for (int i = 0; i < with.length; i++) {
        double b = c.in()[2][i / plane % y.get(1)];
        assertThat(with[i] - wo[i]).as("%s element %d", v, i).isCloseTo(b,
            org.assertj.core.api.Assertions.within(1e-5 * (1 + Math.abs(with[i]))));
      }
    }
  }

  /** NaN or ±Inf anywhere in the data, the edges included, stops the call (the fallback runs). */
  @Test
  void nonFiniteDataStopsTheCall() {
    ConvCase c = cases(new Random(84))[2]; // pad 2, several images per block
    int size = c.sig().in(0).intSize();
    for (int at : new int[] {0, 37, size / 2, size - 1}) {
      for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY}) {
        double[][] in = c.in().clone();
        in[0] = in[0].clone();
        in[0][at] = bad;
        ConvCase b = new ConvCase(c.p(), c.sig(), in);
        for (Variant v : Variant.values()) {
          for (int layout : new int[] {16, 0}) {
            assertThat(run(b, v, 2, layout, true, false)).as("%s at %d, %s, layout %d", bad, at,
                v, layout).isNull();
          }
        }
      }
    }
    assertThat(run(c, Variant.F4, 2, 0, true, false)).as("finite data runs").isNotNull();
  }
}
