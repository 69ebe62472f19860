package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.nn.Convolution.ConvLayout;
import org.kindling.tensor.op.nn.Pooling.PoolLayout;
import org.kindling.tensor.op.nn.Pooling.PoolType;
import org.kindling.tensor.op.nn.Pooling.PoolingConvention;
import org.kindling.testing.OpRunner;

/**
 * Hand-computed expectations for Convolution, Deconvolution, Pooling and LRN that the generic
 * suite (kernel against its own reference) cannot give: MXNet's divisors and NaN rules written
 * out by hand, and the sgemm path against an independent nested-loop convolution at a size
 * where every group and image goes through im2col.
 */
class ConvolutionPoolingTest {

  // ------------------------------------------------------------------ helpers

  private static <P extends Record> double[] forward(OpDef<P> op, P p, Shape[] shapes,
      double[]... in) {
    return new OpRunner<>(op, Sample.of(p, shapes)).forward(in, false, 1)[0];
  }

  private static <P extends Record> Shape[] inferOut(OpDef<P> op, P p, Shape... in) {
    OpInstance<P> inst = OpInstance.of(op, p);
    Shape[] ins = new Shape[inst.inputNames().size()];
    System.arraycopy(in, 0, ins, 0, in.length);
    Shape[] outs = new Shape[inst.numOutputs()];
    inst.inferShape(new ShapeSlots(ins, outs, inst.inputNames(), inst.outputNames()));
    return outs;
  }

  private static double[] iota(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i + 1;
    }
    return v;
  }

  private static double[] random(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  private static void assertClose(double[] got, double[] want, double tol) {
    assertThat(got).hasSize(want.length);
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i]).as("element %d", i)
          .isCloseTo(want[i], within(tol + 1e-5 * Math.abs(want[i])));
    }
  }

  // ------------------------------------------------------------------ pooling

  @Test
  void avgPoolFullConventionDividesTheLastWindowByLess() {
    // 4x4 image 1..16, 3x3 windows, stride 2, 'full': 2x2 outputs; the second window in each
    // dimension covers rows 2..3 only and divides by 2 there, not 3
    Pooling.Params p = Pooling.Params.of(PoolType.AVG, 3, 3).withStride(2, 2)
        .withConvention(PoolingConvention.FULL);
    Shape d = Shape.of(1, 1, 4, 4);
    assertThat(inferOut(Pooling.OP, p, d)[0]).isEqualTo(Shape.of(1, 1, 2, 2));
    // (float32 sums of x/size, as MXNet divides each element before adding)
    assertClose(forward(Pooling.OP, p, new Shape[] {d}, iota(16)),
        new double[] {54 / 9.0, 45 / 6.0, 72 / 6.0, 54 / 4.0}, 1e-6);
    // 'valid' keeps only the first window
    assertThat(inferOut(Pooling.OP, p.withConvention(PoolingConvention.VALID), d)[0])
        .isEqualTo(Shape.of(1, 1, 1, 1));
  }

  @Test
  void avgPoolDivisorIsTheWindowClippedToThePaddedExtent() {
    // pad 1, 'full': windows start at -1, 1, 3; the last is [3, 5) within the padded extent 5,
    // so it divides by 2·2 = 4 although it covers a single pixel (16)
    Pooling.Params p = Pooling.Params.of(PoolType.AVG, 3, 3).withStride(2, 2).withPad(1, 1)
        .withConvention(PoolingConvention.FULL);
    Shape d = Shape.of(1, 1, 4, 4);
    double[] y = forward(Pooling.OP, p, new Shape[] {d}, iota(16));
    assertThat(y).hasSize(9);
    assertThat(y[0]).isCloseTo((1 + 2 + 5 + 6) / 9.0, within(1e-6));
    assertThat(y[8]).isCloseTo(16 / 4.0, within(1e-6));
    // count_include_pad=False divides by the pixels inside the image
    double[] z = forward(Pooling.OP, p.withCountIncludePad(false), new Shape[] {d}, iota(16));
    assertThat(z[0]).isCloseTo((1 + 2 + 5 + 6) / 4.0, within(1e-6));
    assertThat(z[8]).isCloseTo(16.0, within(1e-6));
    // sum never divides
    double[] s = forward(Pooling.OP, Pooling.Params.of(PoolType.SUM, 3, 3).withStride(2, 2)
        .withPad(1, 1).withConvention(PoolingConvention.FULL), new Shape[] {d}, iota(16));
    assertThat(s[8]).isEqualTo(16.0);
  }

  @Test
  void maxPoolSkipsPaddingAndNaNs() {
    // windows of a 2x2 kernel with pad 1 over a 2x2 image; padding never wins even though every
    // pixel is negative, NaN is skipped, and a window of only NaN gives -FLT_MAX
    Pooling.Params p = Pooling.Params.of(PoolType.MAX, 2, 2).withPad(1, 1);
    Shape d = Shape.of(1, 1, 2, 2);
    double[] y = forward(Pooling.OP, p, new Shape[] {d}, new double[] {-5, Double.NaN, -7, -6});
    assertThat(y).containsExactly(-5, -5, -Float.MAX_VALUE, -5, -5, -6, -7, -6, -6);
  }

  @Test
  void maxPoolBackwardGoesToTheFirstMaximumOnly() {
    Pooling.Params p = Pooling.Params.of(PoolType.MAX, 2, 2);
    Shape d = Shape.of(1, 1, 2, 2);
    OpRunner<Pooling.Params> run = new OpRunner<>(Pooling.OP, Sample.of(p, d));
    double[][] g = run.backward(new double[][] {{1, 3, 3, 3}}, new double[][] {{2}},
        new GradReq[] {GradReq.WRITE}, null, false, 1);
    assertThat(g[0]).containsExactly(0, 2, 0, 0);
  }

  @Test
  void lpPoolingHasNoAbsoluteValue() {
    Shape d = Shape.of(1, 1, 1, 2);
    Pooling.Params p2 = Pooling.Params.of(PoolType.LP, 1, 2).withPValue(2);
    assertThat(forward(Pooling.OP, p2, new Shape[] {d}, new double[] {3, -4})[0])
        .isCloseTo(5, within(1e-6));
    Pooling.Params p1 = Pooling.Params.of(PoolType.LP, 1, 2).withPValue(1);
    assertThat(forward(Pooling.OP, p1, new Shape[] {d}, new double[] {3, -4})[0]).isEqualTo(-1);
    Pooling.Params p3 = Pooling.Params.of(PoolType.LP, 1, 2).withPValue(3);
    assertThat(forward(Pooling.OP, p3, new Shape[] {d}, new double[] {1, -2})[0])
        .isCloseTo(Math.cbrt(-7), within(1e-6));
  }

  @Test
  void poolingShapesAndErrors() {
    // 'same' (1-D): ceil(in / stride)
    assertThat(inferOut(Pooling.OP, Pooling.Params.of(PoolType.MAX, 3).withStride(2)
        .withConvention(PoolingConvention.SAME), Shape.of(2, 3, 7))[0])
        .isEqualTo(Shape.of(2, 3, 4));
    // global pooling keeps the channel axis, wherever the layout puts it
    assertThat(inferOut(Pooling.OP, Pooling.Params.global(PoolType.AVG), Shape.of(2, 3, 5, 6))[0])
        .isEqualTo(Shape.of(2, 3, 1, 1));
    assertThat(inferOut(Pooling.OP, Pooling.Params.global(PoolType.AVG)
        .withLayout(PoolLayout.NHWC), Shape.of(2, 5, 6, 3))[0]).isEqualTo(Shape.of(2, 1, 1, 3));
    assertThatThrownBy(() -> inferOut(Pooling.OP, Pooling.Params.of(PoolType.LP, 2, 2),
        Shape.of(1, 1, 4, 4))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p_value");
    assertThatThrownBy(() -> inferOut(Pooling.OP, Pooling.Params.of(PoolType.MAX, 2, 2)
        .withConvention(PoolingConvention.SAME), Shape.of(1, 1, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same");
    assertThatThrownBy(() -> inferOut(Pooling.OP, Pooling.Params.of(PoolType.MAX, 5, 5),
        Shape.of(1, 1, 4, 4))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds input");
    // MXNet's parser: a kernel is required unless global_pool
    assertThatThrownBy(() -> Pooling.OP.parseAttrs("p", Map.of("pool_type", "avg")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernel");
    Pooling.Params parsed = Pooling.OP.parseAttrs("p", Map.of("kernel", "(2, 2)",
        "pool_type", "avg", "count_include_pad", "False", "p_value", "None", "layout", "NCHW"));
    assertThat(parsed.countIncludePad()).isFalse();
    assertThat(parsed.pValue()).isNull();
    assertThat(parsed.layout()).isEqualTo(PoolLayout.NCHW);
    assertThat(OpRegistry.get("_npx_pooling")).isSameAs(OpRegistry.get("Pooling"));
  }

  // ------------------------------------------------------------------ convolution

  /** Independent nested-loop NCHW cross-correlation. */
  private static double[] directConv(double[] x, double[] w, double[] b, int n, int c, int h,
      int wd, int f, int groups, int k, int stride, int pad, int oh, int ow) {
    int cg = c / groups;
    int fg = f / groups;
    double[] y = new double[n * f * oh * ow];
    for (int in = 0; in < n; in++) {
      for (int of = 0; of < f; of++) {
        int g = of / fg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = b == null ? 0 : b[of];
            for (int ic = 0; ic < cg; ic++) {
              for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                  int r = i * stride - pad + u;
                  int s = j * stride - pad + v;
                  if (r >= 0 && r < h && s >= 0 && s < wd) {
                    acc += x[((in * c + g * cg + ic) * h + r) * wd + s]
                        * w[((of * cg + ic) * k + u) * k + v];
                  }
                }
              }
            }
            y[((in * f + of) * oh + i) * ow + j] = acc;
          }
        }
      }
    }
    return y;
  }

  @Test
  void convolutionMatchesNestedLoopsAtSize() {
    Random r = new Random(7);
    int n = 2;
    int c = 8;
    int h = 16;
    int f = 16;
    for (int[] cfg : new int[][] {{1, 1, 1}, {2, 2, 1}, {1, 2, 0}}) {
      int groups = cfg[0];
      int stride = cfg[1];
      int pad = cfg[2];
      Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, f).withNumGroup(groups)
          .withStride(stride, stride).withPad(pad, pad);
      int o = (h + 2 * pad - 3) / stride + 1;
      Shape[] shapes = {Shape.of(n, c, h, h), Shape.of(f, c / groups, 3, 3), Shape.of(f)};
      assertThat(inferOut(Convolution.OP, p, shapes[0])[0]).isEqualTo(Shape.of(n, f, o, o));
      double[] x = random(r, n * c * h * h);
      double[] w = random(r, f * c / groups * 9);
      double[] b = random(r, f);
      double[] got = forward(Convolution.OP, p, shapes, x, w, b);
      assertClose(got, directConv(x, w, b, n, c, h, h, f, groups, 3, stride, pad, o, o), 1e-4);

      // backward against the adjoint loops: dx = Σ dy·W, dW = Σ dy·x, db = Σ dy
      double[] dy = random(r, n * f * o * o);
      OpRunner<Convolution.Params> run = new OpRunner<>(Convolution.OP, Sample.of(p, shapes));
      double[][] g = run.backward(new double[][] {x, w, b}, new double[][] {dy},
          new GradReq[] {GradReq.WRITE, GradReq.WRITE, GradReq.WRITE}, null, false, 1);
      double[] dx = new double[x.length];
      double[] dw = new double[w.length];
      double[] db = new double[f];
      int cg = c / groups;
      int fg = f / groups;
      for (int in = 0; in < n; in++) {
        for (int of = 0; of < f; of++) {
          for (int i = 0; i < o; i++) {
            for (int j = 0; j < o; j++) {
              double gy = dy[((in * f + of) * o + i) * o + j];
              db[of] += gy;
              for (int ic = 0; ic < cg; ic++) {
                int ch = of / fg * cg + ic;
                for (int u = 0; u < 3; u++) {
                  for (int v = 0; v < 3; v++) {
                    int rr = i * stride - pad + u;
                    int ss = j * stride - pad + v;
                    if (rr >= 0 && rr < h && ss >= 0 && ss < h) {
                      int xi = ((in * c + ch) * h + rr) * h + ss;
                      int wi = ((of * cg + ic) * 3 + u) * 3 + v;
                      dx[xi] += gy * w[wi];
                      dw[wi] += gy * x[xi];
                    }
                  }
                }
              }
            }
          }
        }
      }
      assertClose(g[0], dx, 1e-4);
      assertClose(g[1], dw, 1e-4);
      assertClose(g[2], db, 1e-4);
    }
  }

  @Test
  void deconvolutionIsTheDataGradientOfConvolution() {
    Random r = new Random(11);
    // Deconvolution (2,4,5,5) -> (2,3,10,10) with stride 2, pad 1, adj 1
    Deconvolution.Params dp = Deconvolution.Params.of(new int[] {3, 3}, 3).withStride(2, 2)
        .withPad(1, 1).withAdj(1, 1);
    Shape[] ds = {Shape.of(2, 4, 5, 5), Shape.of(4, 3, 3, 3)};
    assertThat(inferOut(Deconvolution.OP, dp, ds[0])[0]).isEqualTo(Shape.of(2, 3, 10, 10));
    double[] x = random(r, 2 * 4 * 25);
    double[] w = random(r, 4 * 3 * 9);
    double[] y = forward(Deconvolution.OP, dp, ds, x, w);
    // the matching Convolution (2,3,10,10) -> (2,4,5,5), weight (4,3,3,3): its data gradient
    // for an output gradient x is the deconvolution of x
    Convolution.Params cp = Convolution.Params.of(new int[] {3, 3}, 4).withStride(2, 2)
        .withPad(1, 1).withNoBias(true);
    Shape[] cs = {Shape.of(2, 3, 10, 10), Shape.of(4, 3, 3, 3)};
    OpRunner<Convolution.Params> run = new OpRunner<>(Convolution.OP, Sample.of(cp, cs));
    double[][] g = run.backward(new double[][] {new double[600], w}, new double[][] {x},
        new GradReq[] {GradReq.WRITE, GradReq.NULL}, null, false, 1);
    assertClose(y, g[0], 1e-5);
  }

  @Test
  void deconvolutionDefaultsAndTargetShape() {
    Deconvolution.Params p = Deconvolution.OP.parseAttrs("d",
        Map.of("kernel", "(4, 4)", "num_filter", "8", "stride", "(2, 2)"));
    assertThat(p.noBias()).isTrue(); // unlike Convolution
    assertThat(p.workspace()).isEqualTo(512);
    assertThat(Deconvolution.OP.inputNames(p)).containsExactly("data", "weight");
    // target_shape (9, 10) from 4x5 with stride 2, kernel 4: full extents 10 and 12, so
    // pad (1, 1) with adj (1, 0)
    Deconvolution.Params t = p.withTargetShape(9, 10);
    assertThat(inferOut(Deconvolution.OP, t, Shape.of(1, 2, 4, 5))[0])
        .isEqualTo(Shape.of(1, 8, 9, 10));
    assertThatThrownBy(() -> inferOut(Deconvolution.OP, p.withTargetShape(11, 12),
        Shape.of(1, 2, 4, 5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too big target shape");
    assertThatThrownBy(() -> inferOut(Deconvolution.OP, p.withAdj(2, 0), Shape.of(1, 2, 4, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smaller than");
  }

  @Test
  void convolutionParametersAndShapes() {
    Convolution.Params p = Convolution.OP.parseAttrs("c", Map.of("kernel", "(3, 2)",
        "num_filter", "4", "dilate", "(2, 2)", "pad", "(2, 1)", "cudnn_tune", "None",
        "layout", "NCHW", "no_bias", "True"));
    assertThat(Convolution.OP.inputNames(p)).containsExactly("data", "weight");
    assertThat(p.layout()).isEqualTo(ConvLayout.NCHW);
    assertThat(p.cudnnTune()).isNull();
    assertThat(p.workspace()).isEqualTo(1024);
    Shape[] out = inferOut(Convolution.OP, p, Shape.of(2, 3, 7, 6));
    assertThat(out[0]).isEqualTo(Shape.of(2, 4, 7, 6));
    assertThat(OpRegistry.get("_npx_convolution")).isSameAs(OpRegistry.get("Convolution"));
    assertThatThrownBy(() -> inferOut(Convolution.OP,
        p.withBackendHints(1024, null, false, ConvLayout.NHWC), Shape.of(2, 7, 6, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NHWC");
    assertThatThrownBy(() -> inferOut(Convolution.OP, p.withNumGroup(2), Shape.of(2, 3, 7, 6)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_group");
    assertThatThrownBy(() -> Convolution.OP.parseAttrs("c",
        Map.of("kernel", "(3, 3)", "num_filter", "4", "stride", "(2,)")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride");
    assertThatThrownBy(() -> inferOut(Convolution.OP,
        Convolution.Params.of(new int[] {5, 5}, 1), Shape.of(1, 1, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds input");
  }

  // ------------------------------------------------------------------ LRN

  @Test
  void lrnByHand() {
    // one pixel, channels 1, 2, 3; nsize 3, alpha 3 (alpha/nsize = 1), beta 1, k 1:
    // norms 1 + (1+4) = 6, 1 + (1+4+9) = 15, 1 + (4+9) = 14
    LRN.Params p = new LRN.Params(3f, 1f, 1f, 3);
    Shape d = Shape.of(1, 3, 1, 1);
    OpRunner<LRN.Params> run = new OpRunner<>(LRN.OP, Sample.of(p, d));
    double[][] out = run.forward(new double[][] {{1, 2, 3}}, false, 1);
    assertClose(out[0], new double[] {1 / 6.0, 2 / 15.0, 3 / 14.0}, 1e-7);
    // the hidden tmp_norm of a training pass (oneDNN's LRN leaves it unwritten in inference,
    // as MXNet's MKL-DNN build: docs/accel.md)
    double[][] train = run.forward(new double[][] {{1, 2, 3}}, true, 1);
    assertClose(train[0], out[0], 0);
    assertClose(train[1], new double[] {6, 15, 14}, 1e-6);
    assertThat(LRN.OP.outputNames(p)).containsExactly("output", "tmp_norm");
    assertThat(LRN.OP.numVisibleOutputs(p)).isEqualTo(1);
    assertThatThrownBy(() -> inferOut(LRN.OP, LRN.Params.of(4), d))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd");
    assertThat(LRN.OP.toAttrs(LRN.Params.of(5))).isEqualTo(Map.of("nsize", "5"));
  }

  @Test
  void everyNewOperatorIsRegistered() {
    assertThat(OpRegistry.all()).extracting(OpDef::name)
        .contains("Convolution", "Deconvolution", "Pooling", "LRN");
    assertThat(List.of("_npx_deconvolution")).allSatisfy(a ->
        assertThat(OpRegistry.get(a).name()).isEqualTo("Deconvolution"));
  }
}
