package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Convolution.ConvLayout;

/**
 * Which convolutions the winograd backend takes ({@link Conditions}, one test per branch, the
 * fallback included), under each {@code kindling.cpu.accel} mode, and that its filter cache
 * follows weight changes.
 */
class WinogradSelectionTest {
  private static Convolution.Params conv3x3() {
    return Convolution.Params.of(new int[] {3, 3}, 4).withPad(1, 1);
  }

  /** The signature of {@code p} on float32 data of shape {@code data} ({@code dtype} for all). */
  private static KernelSignature signature(Convolution.Params p, DType dtype, int... data) {
    OpInstance<Convolution.Params> op = OpInstance.of(Convolution.OP, p);
    Shape[] in = new Shape[op.inputNames().size()];
    in[0] = Shape.of(data);
    Shape[] out = new Shape[1];
    op.inferShape(new ShapeSlots(in, out, op.inputNames(), op.outputNames()));
    DType[] it = new DType[in.length];
    Arrays.fill(it, dtype);
    return new KernelSignature(in, it, out, new DType[] {dtype});
  }

  private static <T> T withMode(CpuAccel.Mode mode, Supplier<T> body) {
    CpuAccel.configure(mode, 0);
    try {
      return body.get();
    } finally {
      CpuAccel.reset();
    }
  }

  /**
   * Asserts the refusal reason, that even forced this factory declines, and that the registry
   * picks another backend's kernel (in {@code auto}: under {@code force}, a layer that no backend
   * accelerates, such as a 1-D convolution, fails the bind).
   */
  private static void assertRefused(Convolution.Params p, KernelSignature sig, String reason) {
    assertThat(Conditions.refusal(p, sig)).isEqualTo(reason);
    assertThat(WinogradKernels.create(p, sig, CpuAccel.Mode.FORCE)).isNull();
    Kernel k = withMode(CpuAccel.Mode.AUTO, () -> OpRegistry.select(Convolution.OP, p, sig));
    assertThat(k).isNotNull().isNotInstanceOf(WinogradKernel.class);
  }

  @Test
  void threeByThreeStrideOneIsTakenWithAnyPaddingBatchAndBias() {
    for (int pad : new int[] {0, 1, 2, 4}) {
      for (boolean bias : new boolean[] {true, false}) {
        Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, 4).withPad(pad, pad)
            .withNoBias(!bias).withStride(1, 1).withDilate(1, 1);
        KernelSignature sig = signature(p, DType.FLOAT32, 1 + pad % 2, 3, 7, 6);
        assertThat(Conditions.refusal(p, sig)).isNull();
        assertThat(WinogradKernels.create(p, sig, CpuAccel.Mode.FORCE))
            .isInstanceOf(WinogradKernel.class);
        assertThat(withMode(CpuAccel.Mode.FORCE, () -> OpRegistry.select(Convolution.OP, p, sig)))
            .isInstanceOf(WinogradKernel.class);
      }
    }
    Convolution.Params nchw = conv3x3().withBackendHints(1024, null, false, ConvLayout.NCHW);
    assertThat(Conditions.refusal(nchw, signature(nchw, DType.FLOAT32, 2, 3, 8, 8))).isNull();
  }

  @Test
  void strideTwoFallsBack() {
    Convolution.Params p = conv3x3().withStride(2, 2);
    assertRefused(p, signature(p, DType.FLOAT32, 2, 3, 8, 8), "stride is not 1");
  }

  @Test
  void dilationFallsBack() {
    Convolution.Params p = conv3x3().withDilate(2, 2);
    assertRefused(p, signature(p, DType.FLOAT32, 2, 3, 8, 8), "dilation is not 1");
  }

  @Test
  void groupsFallBack() {
    Convolution.Params p = conv3x3().withNumGroup(2);
    assertRefused(p, signature(p, DType.FLOAT32, 2, 4, 8, 8), "num_group 2 is not 1");
  }

  @Test
  void otherKernelSizesFallBack() {
    Convolution.Params five = Convolution.Params.of(new int[] {5, 5}, 4).withPad(2, 2);
    assertRefused(five, signature(five, DType.FLOAT32, 2, 3, 8, 8), "kernel 5x5 is not 3x3");
    Convolution.Params one = Convolution.Params.of(new int[] {1, 1}, 4);
    assertRefused(one, signature(one, DType.FLOAT32, 2, 3, 8, 8), "kernel 1x1 is not 3x3");
    Convolution.Params oblong = Convolution.Params.of(new int[] {3, 1}, 4);
    assertRefused(oblong, signature(oblong, DType.FLOAT32, 2, 3, 8, 8),
        "kernel 3x1 is not 3x3");
  }

  @Test
  void oneAndThreeDimensionalConvolutionsFallBack() {
    Convolution.Params p1 = Convolution.Params.of(new int[] {3}, 4);
    assertRefused(p1, signature(p1, DType.FLOAT32, 2, 3, 8), "not a 2-D convolution");
    Convolution.Params p3 = Convolution.Params.of(new int[] {3, 3, 3}, 4);
    assertRefused(p3, signature(p3, DType.FLOAT32, 2, 3, 5, 5, 5), "not a 2-D convolution");
  }

  @Test
  void otherDtypesAreRefused() {
    Convolution.Params p = conv3x3();
    KernelSignature sig = signature(p, DType.FLOAT64, 2, 3, 8, 8);
    assertThat(Conditions.refusal(p, sig)).isEqualTo("not float32");
    assertThat(WinogradKernels.create(p, sig, CpuAccel.Mode.FORCE)).isNull();
  }

  @Test
  void offNeverTakesAndAutoFollowsTheMeasurement() {
    Convolution.Params p = conv3x3();
    KernelSignature sig = signature(p, DType.FLOAT32, 2, 8, 12, 12);
    assertThat(WinogradKernels.create(p, sig, CpuAccel.Mode.OFF)).isNull();
    assertThat(withMode(CpuAccel.Mode.OFF, () -> OpRegistry.select(Convolution.OP, p, sig)))
        .isNotInstanceOf(WinogradKernel.class);
    BindTimeChoice.Decision d = BindTimeChoice.decide(p, sig, 1);
    assertThat(BindTimeChoice.decide(p, sig, 1)).as("cached per shape").isSameAs(d);
    BindTimeChoice.Decision two = BindTimeChoice.decide(p, sig, 2); // timed on the wall clock
    assertThat(two).as("measured again for another thread count").isNotSameAs(d);
    assertThat(two.fallbackNanos()).isPositive();
    assertThat(two.nanos(two.fasterWinograd())).isPositive();
    assertThat(d.fallbackNanos()).isPositive();
    assertThat(d.f4Nanos()).isPositive();
    assertThat(d.f6Nanos()).isPositive();
    // the kernels decide for the configured thread count (kindling.cpu.threads)
    BindTimeChoice.Decision used = BindTimeChoice.decide(p, sig, CpuAccel.settings().threads());
    WinogradKernel auto = WinogradKernels.create(p, sig, CpuAccel.Mode.AUTO);
    assertThat(used).as("the margins applied to the measured times")
        .isEqualTo(BindTimeChoice.Decision.confirmed(BindTimeChoice.Decision.of(
            used.fallbackNanos(), used.boundaryNanos(), used.f4Nanos(), used.f6Nanos()),
            used.cpu()));
    if (CpuAccel.settings().threads() > 1 && ProcessCpuClock.get() != null) {
      assertThat(used.cpu()).as("several threads: the process's CPU times too").isNotNull();
      assertThat(used.cpu().fallbackNanos()).isPositive();
    }
    if (used.variant() == null) {
      assertThat(auto).isNull();
    } else {
      assertThat(auto.variant()).isEqualTo(used.variant());
      assertThat(auto.training()).as("auto: inference only").isFalse();
    }
    WinogradKernel forced = WinogradKernels.create(p, sig, CpuAccel.Mode.FORCE);
    assertThat(forced.variant()).isEqualTo(used.fasterWinograd());
    assertThat(forced.training()).as("force: inference only, unless opted in").isFalse();
    System.setProperty(WinogradKernels.TRAINING, "true");
    try {
      assertThat(WinogradKernels.create(p, sig, CpuAccel.Mode.FORCE).training()).isTrue();
    } finally {
      System.clearProperty(WinogradKernels.TRAINING);
    }
  }

  @Test
  void nearTiesKeepTheMoreAccurateKernel() {
    // Winograd must beat the fallback by 15%, F(6x6) F(4x4) by 10%
    assertThat(BindTimeChoice.Decision.of(1000, 0, 851, 2000).variant()).isNull();
    assertThat(BindTimeChoice.Decision.of(1000, 0, 849, 2000).variant()).isEqualTo(Variant.F4);
    assertThat(BindTimeChoice.Decision.of(1000, 0, 800, 721).variant()).isEqualTo(Variant.F4);
    assertThat(BindTimeChoice.Decision.of(1000, 0, 800, 719).variant()).isEqualTo(Variant.F6);
    BindTimeChoice.Decision slow = BindTimeChoice.Decision.of(1000, 0, 990, 600);
    assertThat(slow.variant()).isEqualTo(Variant.F6);
    assertThat(BindTimeChoice.Decision.of(500, 0, 990, 600).variant()).isNull();
    assertThat(BindTimeChoice.Decision.of(500, 0, 990, 600).fasterWinograd())
        .isEqualTo(Variant.F6);
  }

  @Test
  void onSeveralThreadsWinogradNeedsTheCpuClocksAgreement() {
    BindTimeChoice.Decision wallF4 = BindTimeChoice.Decision.of(1000, 0, 800, 2000);
    BindTimeChoice.Decision cpuF6 = BindTimeChoice.Decision.of(1000, 0, 900, 700);
    BindTimeChoice.Decision cpuFallback = BindTimeChoice.Decision.of(1000, 0, 960, 2000);
    BindTimeChoice.Decision wallFallback = BindTimeChoice.Decision.of(1000, 0, 990, 2000);
    // both clocks take Winograd: the wall clock's variant and times
    BindTimeChoice.Decision both = BindTimeChoice.Decision.confirmed(wallF4, cpuF6);
    assertThat(both.variant()).isEqualTo(Variant.F4);
    assertThat(both.f4Nanos()).isEqualTo(800);
    assertThat(both.cpu()).isSameAs(cpuF6);
    // the CPU clock keeps the fallback (a near-tie on it): the fallback stays
    assertThat(BindTimeChoice.Decision.confirmed(wallF4, cpuFallback).variant()).isNull();
    assertThat(BindTimeChoice.Decision.confirmed(wallF4, cpuFallback).fasterWinograd())
        .isEqualTo(Variant.F4);
    // the wall clock keeps the fallback: the CPU clock does not overrule it
    assertThat(BindTimeChoice.Decision.confirmed(wallFallback, cpuF6).variant()).isNull();
    // no second clock (one thread: the caller's CPU time already): the wall clock's decision
    assertThat(BindTimeChoice.Decision.confirmed(wallF4, null).variant()).isEqualTo(Variant.F4);
  }

  @Test
  void winogradPaysTheReordersItsRowMajorBoundaryAdds() {
    // faster by itself (800 against 1000), not once the chain's reorders are added
    assertThat(BindTimeChoice.Decision.of(1000, 40, 800, 2000).variant()).isEqualTo(Variant.F4);
    assertThat(BindTimeChoice.Decision.of(1000, 51, 800, 2000).variant()).isNull();
    assertThat(BindTimeChoice.Decision.of(1000, 51, 800, 2000).fasterWinograd())
        .isEqualTo(Variant.F4);
  }

  @Test
  void aOneDnnFallbackIsTimedInItsOwnLayouts() {
    Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, 64).withPad(1, 1);
    KernelSignature sig = signature(p, DType.FLOAT32, 2, 64, 14, 14);
    Kernel dnnl = withMode(CpuAccel.Mode.AUTO, () -> WinogradKernels.fallbackKernel(p, sig));
    assertThat(dnnl).as("oneDNN runs the layer").isInstanceOf(LayoutAware.class);
    Layout[] chain = BindTimeChoice.chainLayouts(dnnl);
    assertThat(chain).as("a blocked data and output layout").isNotNull();
    assertThat(chain[0]).isNotEqualTo(Layout.ROW_MAJOR);
    assertThat(chain[1]).isNotEqualTo(Layout.ROW_MAJOR);
    Kernel plain = withMode(CpuAccel.Mode.OFF, () -> WinogradKernels.fallbackKernel(p, sig));
    assertThat(BindTimeChoice.chainLayouts(plain)).as("the default kernel: row-major").isNull();
    BindTimeChoice.Decision d = BindTimeChoice.decide(p, sig, 2);
    assertThat(d.fallbackNanos()).isPositive();
    assertThat(d.boundaryNanos()).isNotNegative();
  }

  @Test
  void theMeasurementRunsOneWholeBlockOfTheRealCallPerWorker() {
    Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, 64).withPad(1, 1);
    // a 224x224 image holds many blocks: one image, fewer rows (26 tile rows of F(6x6): two
    // blocks of 13 rows of 38 tiles)
    KernelSignature vgg = signature(p, DType.FLOAT32, 256, 64, 224, 224);
    KernelSignature cut = BindTimeChoice.measuredSignature(p, vgg, 2);
    assertThat(cut.in(0)).isEqualTo(Shape.of(1, 64, 156, 224));
    assertThat(cut.out(0)).isEqualTo(Shape.of(1, 64, 156, 224));
    assertThat(cut.in(1)).isEqualTo(vgg.in(1));
    assertWholeBlocks(p, vgg, cut, 2);
    assertWholeBlocks(p, vgg, BindTimeChoice.measuredSignature(p, vgg, 1), 1);
    // a block of 14x14 images spans several: fewer images (two blocks of 32 tile rows of
    // F(4x4), 4 per image)
    Convolution.Params deep = Convolution.Params.of(new int[] {3, 3}, 512).withPad(1, 1);
    KernelSignature conv5 = signature(deep, DType.FLOAT32, 64, 512, 14, 14);
    KernelSignature fewer = BindTimeChoice.measuredSignature(deep, conv5, 2);
    assertThat(fewer.in(0)).isEqualTo(Shape.of(16, 512, 14, 14));
    assertThat(fewer.out(0)).isEqualTo(Shape.of(16, 512, 14, 14));
    assertWholeBlocks(deep, conv5, fewer, 2);
    // a call of no more blocks than workers is measured whole, a larger one in part
    KernelSignature small = signature(p, DType.FLOAT32, 1, 3, 8, 8);
    assertThat(BindTimeChoice.measuredSignature(p, small, 2)).isEqualTo(small);
    KernelSignature two = signature(p, DType.FLOAT32, 2, 3, 8, 8);
    assertThat(BindTimeChoice.measuredSignature(p, two, 2).in(0)).isEqualTo(Shape.of(1, 3, 8, 8));
  }

  /**
   * Asserts that the measured part of {@code full}, blocked as {@code full}, gives each of the
   * real call's workers a whole block of the real call's size, for both variants.
   */
  private static void assertWholeBlocks(Convolution.Params p, KernelSignature full,
      KernelSignature cut, int threads) {
    for (Variant v : Variant.values()) {
      TiledConv real = WinogradKernel.forwardTiling(v, p, full, threads, full);
      TiledConv measured = WinogradKernel.forwardTiling(v, p, cut, threads, full);
      assertThat(measured.rowsPerBlock()).as("%s: the real call's blocks", v)
          .isEqualTo(real.rowsPerBlock());
      assertThat(measured.workers()).as("%s: as many workers", v).isEqualTo(real.workers());
      assertThat(measured.tileRows()).as("%s: a whole block per worker", v)
          .isGreaterThanOrEqualTo(real.workers() * real.rowsPerBlock());
      assertThat(measured.tileRows()).as("%s: a part", v).isLessThan(real.tileRows());
    }
  }

  @Test
  void theGemmStageRunsOnOneDnnUnlessOpenBlasIsAskedFor() {
    assertThat(Products.of(36, 8, 5, 12, 4).implementation()).startsWith("oneDNN ");
    assertThat(WinogradAccuracyTest.withGemm("openblas",
        () -> Products.of(36, 8, 5, 12, 4).implementation())).startsWith("OpenBLAS sgemm");
    assertThatThrownBy(() -> WinogradAccuracyTest.withGemm("mkl",
        () -> Products.of(36, 8, 5, 12, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Products.GEMM).hasMessageContaining("onednn or openblas");
  }

  @Test
  void theBackendIsRegisteredAboveEveryOtherOne() {
    List<KernelFactory<Convolution.Params>> all = OpRegistry.factories(Convolution.OP);
    assertThat(all.get(0).backend()).isEqualTo("winograd");
    assertThat(all).extracting(KernelFactory::backend).contains("dnnl", "cpu");
    assertThat(all.get(1).priority()).isLessThan(all.get(0).priority());
  }

  @Test
  void anInferenceKernelLeavesTrainingPassesToTheDefaultKernel() {
    ConvCase c = ConvCase.random(new Random(4), 2, 6, 5, 10, 9, 1, true);
    Kernel base = c.defaultKernel();
    WinogradKernel k = new WinogradKernel(Variant.F6, false, c.p(), c.sig(), base, 1);
    assertThat(c.forward(k, true)).isEqualTo(c.forward(base, true));
    double[] dy = c.reference();
    double[][] want = c.backward(base, dy, GradReq.WRITE, null);
    double[][] got = c.backward(k, dy, GradReq.WRITE, null);
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i]).as("gradient %d", i).isEqualTo(want[i]);
    }
    double[] inference = c.forward(k, false);
    double[] ref = c.reference();
    assertThat(ConvCase.errorUlps(inference, ref, c.magnitudes()))
        .isLessThanOrEqualTo(WinogradAccuracyTest.bound(Variant.F6));
  }

  @Test
  void cachedFilterTransformsFollowWeightChanges() {
    ConvCase c = ConvCase.random(new Random(3), 2, 5, 3, 9, 8, 1, true);
    for (boolean train : new boolean[] {false, true}) {
      WinogradKernel k = c.winograd(Variant.F4);
      OpContext ctx = ConvCase.context(k, train);
      TensorView[] in = c.inputs();
      TensorView[] out = {ConvCase.view(c.sig().out(0), null)};
      k.forward(ctx, in, out);
      double[] before = ConvCase.values(out[0]);
      in[1].floats().put(7, in[1].floats().get(7) + 0.5f); // an in-place weight update
      k.forward(ctx, in, out);
      double[] after = ConvCase.values(out[0]);
      double[][] changed = c.in().clone();
      changed[1] = ConvCase.values(in[1]);
      double[] want = new ConvCase(c.p(), c.sig(), changed).reference();
      assertThat(after).isNotEqualTo(before);
      for (int i = 0; i < want.length; i++) {
        assertThat(after[i]).as("train=%s element %d", train, i)
            .isCloseTo(want[i], within(1e-4));
      }
      k.forward(ctx, in, out);
      assertThat(ConvCase.values(out[0])).as("unchanged weights, same result").isEqualTo(after);
    }
  }
}
