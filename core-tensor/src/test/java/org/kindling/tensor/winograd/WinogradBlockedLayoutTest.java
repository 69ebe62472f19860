package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Activation;

/**
 * The Winograd kernels reading and writing oneDNN's channel-blocked layouts ({@code nChw16c},
 * and {@code nhwc}, which is {@code nChw<C>c} and what oneDNN's brgemm convolutions keep between
 * inference layers on AVX-512; decision 0071): through planar stages, the same bits as the
 * row-major kernel, in every
 * combination of blocked and row-major data and output, rows gathered per tile element and through their phases, with and
 * without bias and a fused relu, on 1 and 2 threads; the documented float64 bound; NaN data
 * handed to the fallback in the same layouts; the layouts stated and refused.
 */
class WinogradBlockedLayoutTest {
  /** A case on oneDNN's fallback (the layouts are its tokens). */
  private static WinogradKernel kernel(ConvCase c, Variant v, int threads) {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
    try {
      Kernel fallback = WinogradKernels.fallbackKernel(c.p(), c.sig());
      assertThat(fallback).as("oneDNN runs the fallback").isInstanceOf(LayoutAware.class);
      return new WinogradKernel(v, false, c.p(), c.sig(), fallback, threads).inChainLayouts();
    } finally {
      CpuAccel.reset();
    }
  }

  /** {@code values} of row-major {@code shape} as a view in channel-blocked {@code layout}. */
  static TensorView blocked(Shape s, double[] values, Layout layout) {
    int b = layout.channelBlock();
    assertThat(b).as("a channel-blocked layout: %s", layout).isPositive();
    long bytes = layout.bytes(s, DType.FLOAT32);
    assertThat(bytes).as("no padding").isEqualTo(4L * s.size());
    TensorView v = new TensorView(ByteBuffer.allocateDirect((int) bytes)
        .order(ByteOrder.nativeOrder()), DType.FLOAT32, s, layout);
    if (values != null) {
      for (int i = 0; i < values.length; i++) {
        v.setDouble(blockedIndex(s, b, i), values[i]);
      }
    }
    return v;
  }

  /** The row-major values of a channel-blocked view. */
  static double[] unblocked(TensorView v) {
    int b = v.layout().channelBlock();
    double[] d = new double[v.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = v.getDouble(blockedIndex(v.shape(), b, i));
    }
    return d;
  }

  /** Where row-major element {@code i} of {@code s} sits in {@code nChw<b>c}. */
  private static int blockedIndex(Shape s, int b, int i) {
    int c = s.get(1);
    int hw = s.get(2) * s.get(3);
    int n = i / (c * hw);
    int ch = i / hw % c;
    int at = i % hw;
    return ((n * (c / b) + ch / b) * hw + at) * b + ch % b;
  }

  /** Runs {@code k} on the case's data in {@code in}, output in {@code out}; row-major values. */
  private static double[] run(Kernel k, ConvCase c, Layout in, Layout out) {
    TensorView[] ins = c.inputs();
    if (in != Layout.ROW_MAJOR) {
      ins[0] = blocked(c.sig().in(0), c.in()[0], in);
    }
    TensorView y = out == Layout.ROW_MAJOR ? ConvCase.view(c.sig().out(0), null)
        : blocked(c.sig().out(0), null, out);
    k.forward(ConvCase.context(k, false), ins, new TensorView[] {y});
    return out == Layout.ROW_MAJOR ? ConvCase.values(y) : unblocked(y);
  }

  private static final OpInstance<Activation.Params> RELU = OpInstance.of(Activation.OP,
      new Activation.Params(Activation.ActType.RELU));

  @Test
  void blockedDataAndOutputGiveTheRowMajorKernelsBits() {
    Random r = new Random(71);
    ConvCase[] cases = {
        ConvCase.random(r, 2, 16, 32, 13, 17, 1, true), // rows gathered per tile element
        ConvCase.random(r, 1, 32, 16, 31, 50, 0, false), // phased rows (>= 8 tiles), cropped
        ConvCase.random(r, 3, 16, 16, 9, 45, 2, true)}; // pad 2, several images per block
    for (ConvCase c : cases) {
      for (Variant v : Variant.values()) {
        for (int threads : new int[] {1, 2}) {
          for (boolean relu : new boolean[] {false, true}) {
            // the planar stages (decision 0071); the channels-innermost transforms, which sum
            // the products in another order, are held to the bound (WinogradChannelVectorsTest)
            WinogradKernel base = kernel(c, v, threads);
            WinogradKernel k = relu ? (WinogradKernel) base.fuse(RELU) : base;
            assertThat(k).as("relu fuses over oneDNN").isNotNull();
            k = k.withPlanarStages();
            Layout in = k.nativeInput();
            Layout out = k.nativeOutput(in);
            assertThat(in.channelBlock()).as("%s data layout %s", c.sig().in(0), in)
                .isPositive();
            assertThat(out.channelBlock()).as("output layout %s", out).isPositive();
            double[] want = run(k, c, Layout.ROW_MAJOR, Layout.ROW_MAJOR);
            String what = v + " on " + c.sig().in(0) + ", " + threads + " threads, relu "
                + relu;
            assertThat(run(k.withLayouts(in, out), c, in, out)).as("%s: blocked in and out",
                what).isEqualTo(want);
            assertThat(run(k.withLayouts(in, Layout.ROW_MAJOR), c, in, Layout.ROW_MAJOR))
                .as("%s: blocked in", what).isEqualTo(want);
            assertThat(run(k.withLayouts(Layout.ROW_MAJOR, out), c, Layout.ROW_MAJOR, out))
                .as("%s: blocked out", what).isEqualTo(want);
            if (relu) {
              assertThat(Arrays.stream(want).min().orElse(0)).as("the relu ran")
                  .isGreaterThanOrEqualTo(0);
            }
          }
        }
      }
    }
  }

  /** oneDNN's own kernel reads the blocked views as this test lays them out. */
  @Test
  void theBlockedViewsAreOneDnnsLayout() {
    ConvCase c = ConvCase.random(new Random(3), 2, 16, 32, 11, 12, 1, true);
    WinogradKernel k = kernel(c, Variant.F4, 1);
    Layout in = k.nativeInput();
    Layout out = k.nativeOutput(in);
    Kernel fallback = WinogradKernels.fallbackKernel(c.p(), c.sig());
    double[] rowMajor = run(fallback, c, Layout.ROW_MAJOR, Layout.ROW_MAJOR);
    double[] laidOut = run(((LayoutAware) fallback).withLayouts(in, out), c, in, out);
    assertThat(laidOut).isEqualTo(rowMajor);
  }

  @Test
  void blockedOutputMeetsTheFloat64Bound() {
    ConvCase c = ConvCase.random(new Random(5), 2, 32, 16, 20, 36, 1, true);
    double[] ref = c.reference();
    double[] mag = c.magnitudes();
    for (Variant v : Variant.values()) {
      WinogradKernel k = kernel(c, v, 2);
      Layout in = k.nativeInput();
      Layout out = k.nativeOutput(in);
      double e = ConvCase.errorUlps(run(k.withLayouts(in, out), c, in, out), ref, mag);
      assertThat(e).as("%s blocked: error in units of 2^-24 of max Σ|x·w|", v)
          .isLessThanOrEqualTo(WinogradAccuracyTest.bound(v));
    }
  }

  /** NaN data in the blocked layout: the fallback, in the same layouts, and MXNet's relu. */
  @Test
  void nanDataRunsTheFallbackInTheSameLayouts() {
    ConvCase c = ConvCase.random(new Random(9), 1, 16, 16, 10, 10, 1, true);
    double[][] in = c.in().clone();
    in[0] = in[0].clone();
    in[0][37] = Double.NaN;
    ConvCase bad = new ConvCase(c.p(), c.sig(), in);
    for (Variant v : Variant.values()) {
      for (boolean relu : new boolean[] {false, true}) {
        WinogradKernel base = kernel(bad, v, 2);
        WinogradKernel k = relu ? (WinogradKernel) base.fuse(RELU) : base;
        Layout li = k.nativeInput();
        Layout lo = k.nativeOutput(li);
        double[] want = run(k, bad, Layout.ROW_MAJOR, Layout.ROW_MAJOR);
        assertThat(want).as("the NaN reaches the output").contains(Double.NaN);
        assertThat(run(k.withLayouts(li, lo), bad, li, lo)).as("%s relu %s", v, relu)
            .isEqualTo(want);
      }
    }
  }

  @Test
  void layoutsAreStatedWhereTheBlockDividesTheChannelsAndCheckedPerCall() {
    ConvCase c = ConvCase.random(new Random(2), 1, 16, 16, 10, 10, 0, false); // 10x10 -> 8x8
    WinogradKernel k = kernel(c, Variant.F4, 1);
    Layout in = k.nativeInput();
    Layout out = k.nativeOutput(in);
    assertThat(k.reads(Layout.ROW_MAJOR)).isTrue();
    assertThat(k.reads(in)).isTrue();
    assertThat(k.nativeOutput(Layout.ROW_MAJOR)).as("blocked output after row-major data")
        .isEqualTo(out);
    assertThat(in).isNotEqualTo(out);
    assertThat(k.withLayouts(in, in)).as("output in a layout other than its own").isNull();
    // a view in a layout the laid-out kernel was not made for is refused, not misread
    Kernel laid = k.withLayouts(in, out);
    assertThatThrownBy(() -> run(laid, c, Layout.ROW_MAJOR, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data").hasMessageContaining("row-major");
    assertThat(laid.implementation()).contains("->");

    // over the default kernel (no layouts of its own, and none for the NaN fallback): row-major
    WinogradKernel plain = new WinogradKernel(Variant.F4, false, c.p(), c.sig(),
        c.defaultKernel(), 1).inChainLayouts();
    assertThat(plain.nativeInput()).isEqualTo(Layout.ROW_MAJOR);
    assertThat(plain.reads(in)).isFalse();
    assertThat(plain.nativeOutput(Layout.ROW_MAJOR)).isEqualTo(Layout.ROW_MAJOR);
    assertThat(plain.withLayouts(in, Layout.ROW_MAJOR)).isNull();
  }

  /**
   * On by default since decision 0080; {@value WinogradKernel#BLOCKED}{@code =false}: row-major
   * only, as before decision 0071.
   */
  @Test
  void thePropertyFalseMakesTheKernelRowMajorOnly() {
    ConvCase c = ConvCase.random(new Random(4), 1, 16, 16, 10, 10, 1, true);
    WinogradKernel chained = kernel(c, Variant.F4, 1);
    Layout in = chained.nativeInput();
    assertThat(in.channelBlock()).isPositive();
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
    try {
      WinogradKernel byDefault = new WinogradKernel(Variant.F4, false, c.p(), c.sig(),
          WinogradKernels.fallbackKernel(c.p(), c.sig()), 1);
      assertThat(byDefault.nativeInput()).as("blocked by default").isEqualTo(in);
      System.setProperty(WinogradKernel.BLOCKED, "false");
      WinogradKernel k = new WinogradKernel(Variant.F4, false, c.p(), c.sig(),
          WinogradKernels.fallbackKernel(c.p(), c.sig()), 1);
      assertThat(k.nativeInput()).isEqualTo(Layout.ROW_MAJOR);
      assertThat(k.nativeOutput(Layout.ROW_MAJOR)).isEqualTo(Layout.ROW_MAJOR);
      assertThat(k.reads(in)).isFalse();
      assertThat(k.withLayouts(in, Layout.ROW_MAJOR)).isNull();
      assertThat(k.withLayouts(Layout.ROW_MAJOR, Layout.ROW_MAJOR)).isSameAs(k);
    } finally {
      System.clearProperty(WinogradKernel.BLOCKED);
      CpuAccel.reset();
    }
  }

  /**
   * With {@value WinogradKernel#BLOCKED}, the bind-time choice times Winograd in oneDNN's
   * layouts, as the fallback in its chain, and charges it no reorders.
   */
  @Test
  void theBindTimeChoiceTimesItInTheChainWithoutReorders() {
    ConvCase c = ConvCase.random(new Random(6), 3, 32, 32, 13, 21, 1, true); // a shape of its own
    System.setProperty(WinogradKernel.BLOCKED, "true");
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
    try {
      BindTimeChoice.Decision d = BindTimeChoice.decide(c.p(), c.sig(), 1);
      assertThat(d.fallbackNanos()).isPositive();
      assertThat(d.f4Nanos()).isPositive();
      assertThat(d.boundaryNanos()).as("no reorders charged").isZero();
    } finally {
      System.clearProperty(WinogradKernel.BLOCKED);
      CpuAccel.reset();
    }
  }

  @Test
  void blocksThatDoNotDivideTheChannelsAreRefused() {
    TiledConv t = new TiledConv(Variant.F4, 1, 24, 16, 8, 8, 6, 6, 0, 0, 1);
    assertThatThrownBy(() -> t.run(null, 16, null, null, null, 16, false, false, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("24 channels");
  }
}
