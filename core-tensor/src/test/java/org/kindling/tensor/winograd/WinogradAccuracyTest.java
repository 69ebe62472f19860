package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.testing.SeededProperty;

/**
 * The Winograd kernels against a float64 direct convolution (the error bounds of
 * docs/winograd.md) and against the default kernel, forward and backward, on seeded random
 * cases.
 */
class WinogradAccuracyTest {
  /**
   * The documented bounds: {@code max|y - y64| <= BOUND · 2^-24 · max Σ|x·w|} (see
   * {@link ConvCase#errorUlps}), in float32 unit roundoffs.
   */
  static double bound(Variant v) {
    return v == Variant.F4 ? 128 : 384;
  }

  /** The direct (im2col + sgemm) kernel's bound in the same units: a 9·C-term dot product. */
  static final double DEFAULT_BOUND = 16;

  private static ConvCase randomCase(Random r) {
    int pad = r.nextInt(4);
    int h = Math.max(3 - 2 * pad, 1) + r.nextInt(18);
    int w = Math.max(3 - 2 * pad, 1) + r.nextInt(18);
    return ConvCase.random(r, 1 + r.nextInt(3), 1 + r.nextInt(24), 1 + r.nextInt(9), h, w, pad,
        r.nextBoolean());
  }

  @Test
  void transformsComputeTheCorrelationExactlyInDouble() {
    Random r = new Random(5);
    for (Variant v : Variant.values()) {
      Transforms t = v.t;
      for (int rep = 0; rep < 20; rep++) {
        double[] g = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        double[] d = new double[v.alpha];
        for (int i = 0; i < d.length; i++) {
          d[i] = r.nextGaussian();
        }
        double[] prod = new double[v.alpha];
        for (int j = 0; j < v.alpha; j++) {
          double gj = 0;
          double dj = 0;
          for (int k = 0; k < 3; k++) {
            gj += t.g[j * 3 + k] * g[k];
          }
          for (int l = 0; l < v.alpha; l++) {
            dj += t.bt[j * v.alpha + l] * d[l];
          }
          prod[j] = gj * dj;
        }
        for (int i = 0; i < v.m; i++) {
          double y = 0;
          for (int j = 0; j < v.alpha; j++) {
            y += t.at[i * v.alpha + j] * prod[j];
          }
          double direct = g[0] * d[i] + g[1] * d[i + 1] + g[2] * d[i + 2];
          assertThat(y).as("%s output %d", v, i).isCloseTo(direct, within(1e-12));
        }
      }
    }
  }

  /** The bounds hold for the GEMM stage on oneDNN (the default) and on OpenBLAS alike. */
  @Test
  void forwardErrorAgainstFloat64IsWithinTheDocumentedBound() {
    SeededProperty.check(40, WinogradAccuracyTest::randomCase, c -> {
      double[] ref = c.reference();
      double[] mag = c.magnitudes();
      for (String gemm : new String[] {"onednn", "openblas"}) {
        for (Variant v : Variant.values()) {
          double e = ConvCase.errorUlps(withGemm(gemm, () -> c.forward(c.winograd(v), false)),
              ref, mag);
          assertThat(e).as("%s on %s: error in units of 2^-24 of max Σ|x·w|", v, gemm)
              .isLessThanOrEqualTo(bound(v));
        }
      }
      double e = ConvCase.errorUlps(c.forward(c.defaultKernel(), false), ref, mag);
      assertThat(e).as("default kernel error").isLessThanOrEqualTo(DEFAULT_BOUND);
    });
  }

  @Test
  void forwardAndGradientsEqualTheDefaultKernelWithinFloat32Tolerance() {
    SeededProperty.check(25, WinogradAccuracyTest::randomCase, c -> {
      Random r = new Random(c.in()[0].length);
      double[] dy = new double[c.sig().out(0).intSize()];
      for (int i = 0; i < dy.length; i++) {
        dy[i] = (float) (r.nextDouble() * 2 - 1);
      }
      double[][] start = new double[c.in().length][];
      for (int i = 0; i < start.length; i++) {
        start[i] = new double[c.in()[i].length];
        Arrays.fill(start[i], 0.25);
      }
      Kernel base = c.defaultKernel();
      double[] y0 = c.forward(base, false);
      double[][] write0 = c.backward(base, dy, GradReq.WRITE, null);
      double[][] add0 = c.backward(base, dy, GradReq.ADD, start);
      for (Variant v : Variant.values()) {
        WinogradKernel k = c.winograd(v);
        double tol = (bound(v) + DEFAULT_BOUND) * 0x1p-24;
        assertClose(v + " forward", c.forward(k, false), y0, tol * max(c.magnitudes()));
        assertClose(v + " forward (training)", c.forward(k, true), y0,
            tol * max(c.magnitudes()));
        double[][] write = c.backward(k, dy, GradReq.WRITE, null);
        double[][] add = c.backward(k, dy, GradReq.ADD, start);
        // the data gradient is a correlation of dy with 9·K-term dot products: scale by them
        double dxScale = max(dy) * sumAbs(c.in()[1]) / c.sig().in(0).get(1);
        assertClose(v + " data gradient", write[0], write0[0], tol * dxScale);
        assertClose(v + " data gradient (add)", add[0], add0[0], tol * dxScale);
        for (int i = 1; i < write.length; i++) { // delegated to the default kernel: same bits
          assertThat(write[i]).as("%s gradient of input %d", v, i).isEqualTo(write0[i]);
          assertThat(add[i]).as("%s gradient of input %d (add)", v, i).isEqualTo(add0[i]);
        }
      }
    });
  }

  @Test
  void nonFiniteValuesPropagateAsInTheDefaultKernel() {
    ConvCase c = ConvCase.random(new Random(11), 2, 3, 2, 8, 9, 1, true);
    double[] dy = new double[c.sig().out(0).intSize()];
    Arrays.fill(dy, 0.5);
    double[][] inf = {c.in()[0].clone(), c.in()[1], c.in()[2]};
    inf[0][13] = Double.POSITIVE_INFINITY;
    double[][] nanWeight = {c.in()[0], c.in()[1].clone(), c.in()[2]};
    nanWeight[1][4] = Double.NaN;
    double[] nanDy = dy.clone();
    nanDy[5] = Double.NaN;
    for (double[][] in : new double[][][] {inf, nanWeight}) {
      ConvCase bad = new ConvCase(c.p(), c.sig(), in);
      double[] want = bad.forward(bad.defaultKernel(), false);
      for (Variant v : Variant.values()) {
        assertThat(bad.forward(bad.winograd(v), false)).as("%s", v).isEqualTo(want);
      }
    }
    double[][] want = c.backward(c.defaultKernel(), nanDy, GradReq.WRITE, null);
    for (Variant v : Variant.values()) {
      double[][] got = c.backward(c.winograd(v), nanDy, GradReq.WRITE, null);
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as("%s gradient %d", v, i).isEqualTo(want[i]);
      }
    }
    assertThat(want[0]).as("the NaN reaches the data gradient").contains(Double.NaN);
  }

  /**
   * The data is checked for NaN as the transform gathers it, so every element must be gathered:
   * a NaN at each position of the data in turn (corners, edges, the last rows and columns a
   * clipped tile reaches; pads 0 to 3, 2 tile rows per worker block or fewer) gives the default
   * kernel's output, NaN where MXNet's direct product reads it and nowhere else.
   */
  @Test
  void aNanAnywhereInTheDataIsSeen() {
    for (int pad = 0; pad <= 3; pad++) {
      // 2 images, widths and heights that leave partial tiles of both variants
      ConvCase c = ConvCase.random(new Random(31 + pad), 2, 2, 3, 7, 9, pad, pad % 2 == 0);
      for (int at = 0; at < c.in()[0].length; at++) {
        double[][] in = c.in().clone();
        in[0] = in[0].clone();
        in[0][at] = Double.NaN;
        ConvCase bad = new ConvCase(c.p(), c.sig(), in);
        double[] want = bad.forward(bad.defaultKernel(), false);
        assertThat(want).as("pad %d, NaN at %d", pad, at).contains(Double.NaN);
        for (Variant v : Variant.values()) {
          assertThat(bad.forward(bad.winograd(v, 2), false)).as("%s pad %d, NaN at %d", v, pad,
              at).isEqualTo(want);
        }
      }
    }
  }

  /**
   * Rows of 8 or more tiles are gathered through their phases ({@code TiledConv}), narrower ones
   * (every case above) per tile element: wide cases (43 to 70 output columns and more, so that
   * both variants' rows are phased; pads 0 to 3, whose data gradient crops with pad 3) meet the
   * same bound, equal the default kernel's forward and data gradient, and see a NaN in the first,
   * second, last but one and last column and one in between, on 1 and 2 threads.
   */
  @Test
  void wideRowsMeetTheBoundAndSeeANanInAnyColumn() {
    SeededProperty.check(8, r -> {
      int pad = r.nextInt(4);
      return ConvCase.random(r, 1 + r.nextInt(2), 1 + r.nextInt(6), 1 + r.nextInt(4),
          Math.max(3 - 2 * pad, 1) + r.nextInt(9), 45 - 2 * pad + r.nextInt(28), pad,
          r.nextBoolean());
    }, c -> {
      double[] ref = c.reference();
      double[] mag = c.magnitudes();
      double[] dy = ref.clone();
      double[] y0 = c.forward(c.defaultKernel(), false);
      double[] dx0 = c.backward(c.defaultKernel(), dy, GradReq.WRITE, null)[0];
      for (Variant v : Variant.values()) {
        double[] y = c.forward(c.winograd(v), false);
        assertThat(ConvCase.errorUlps(y, ref, mag)).as("%s error", v)
            .isLessThanOrEqualTo(bound(v));
        double tol = (bound(v) + DEFAULT_BOUND) * 0x1p-24;
        assertClose(v + " forward", y, y0, tol * max(mag));
        assertClose(v + " data gradient", c.backward(c.winograd(v), dy, GradReq.WRITE, null)[0],
            dx0, tol * max(dy) * sumAbs(c.in()[1]) / c.sig().in(0).get(1));
      }
      int h = c.sig().in(0).get(2);
      int w = c.sig().in(0).get(3);
      Random r = new Random(w);
      for (int col : new int[] {0, 1, 1 + r.nextInt(w - 3), w - 2, w - 1}) {
        double[][] in = c.in().clone();
        in[0] = in[0].clone();
        int at = (r.nextInt(c.sig().in(0).get(0) * c.sig().in(0).get(1) * h)) * w + col;
        in[0][at] = Double.NaN;
        ConvCase bad = new ConvCase(c.p(), c.sig(), in);
        double[] want = bad.forward(bad.defaultKernel(), false);
        for (Variant v : Variant.values()) {
          for (int threads : new int[] {1, 2}) {
            assertThat(bad.forward(bad.winograd(v, threads), false))
                .as("%s, %d threads, NaN at %d", v, threads, at).isEqualTo(want);
          }
        }
      }
    });
  }

  /**
   * Several workers compute the blocks one worker would (each output tile's arithmetic is the
   * same whichever worker and block it falls in), so the thread count changes no bit: forward
   * and data gradient on 1, 2 and 5 threads, on cases of 1 to 9 tile rows over 1 to 3 images.
   */
  @Test
  void theThreadCountChangesNoBit() {
    SeededProperty.check(15, WinogradAccuracyTest::randomCase, c -> {
      double[] dy = c.reference();
      for (Variant v : Variant.values()) {
        double[] want = c.forward(c.winograd(v, 1), false);
        double[] wantGrad = c.backward(c.winograd(v, 1), dy, GradReq.WRITE, null)[0];
        for (int threads : new int[] {2, 5}) {
          assertThat(c.forward(c.winograd(v, threads), false)).as("%s, %d threads", v, threads)
              .isEqualTo(want);
          assertThat(c.backward(c.winograd(v, threads), dy, GradReq.WRITE, null)[0])
              .as("%s data gradient, %d threads", v, threads).isEqualTo(wantGrad);
        }
      }
    });
  }

  /** {@code body} with the GEMM stage of the kernels it makes and runs on {@code gemm}. */
  static <T> T withGemm(String gemm, Supplier<T> body) {
    System.setProperty(Products.GEMM, gemm);
    try {
      return body.get();
    } finally {
      System.clearProperty(Products.GEMM);
    }
  }

  private static void assertClose(String what, double[] got, double[] want, double tol) {
    assertThat(got).hasSize(want.length);
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i]).as("%s element %d", what, i).isCloseTo(want[i], within(tol));
    }
  }

  private static double max(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static double sumAbs(double[] a) {
    double s = 0;
    for (double v : a) {
      s += Math.abs(v);
    }
    return s;
  }
}
