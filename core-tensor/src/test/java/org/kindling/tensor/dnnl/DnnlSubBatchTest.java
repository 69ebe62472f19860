package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * A weighted layer whose workspace passes {@link WorkspaceBound} (lowered here) runs in
 * sub-batches with the unsplit kernel's results, or is declined where one sample does not fit.
 */
@ExtendWith(AccelAuto.class)
class DnnlSubBatchTest {
  @AfterEach
  void restoreBound() {
    System.clearProperty(WorkspaceBound.PROPERTY);
  }

  @Test
  void splitConvolutionEqualsTheUnsplitKernel() {
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(7, 8, 12, 12));
    Kernel whole = pair.kernel("dnnl");
    assertThat(whole).isInstanceOf(WeightedKernel.class);
    System.setProperty(WorkspaceBound.PROPERTY, Long.toString(whole.workspaceBytes() / 3));
    Kernel split = pair.kernel("dnnl");
    assertThat(split).isInstanceOf(SubBatchKernel.class);
    int size = ((SubBatchKernel) split).subBatch();
    assertThat(size).as("sub-batch of 7 leaving a remainder").isBetween(1, 6);
    assertThat(split.workspaceBytes()).isLessThanOrEqualTo(whole.workspaceBytes() / 3);

    Random r = new Random(3);
    TensorView[] in = {KernelPair.random(pair.sig.in(0), r), KernelPair.random(pair.sig.in(1), r),
        KernelPair.random(pair.sig.in(2), r)};
    for (boolean train : new boolean[] {false, true}) {
      TensorView[] a = {KernelPair.view(pair.sig.out(0))};
      TensorView[] b = {KernelPair.view(pair.sig.out(0))};
      whole.forward(KernelPair.context(whole, train), in, a);
      split.forward(KernelPair.context(split, train), in, b);
      // every sample is computed alone either way: the same float operations
      KernelPair.assertClose("forward (train=" + train + ")", a[0], b[0], 1e-6);
    }
    TensorView[] out = {KernelPair.view(pair.sig.out(0))};
    whole.forward(KernelPair.context(whole, true), in, out);
    TensorView[] heads = {KernelPair.random(pair.sig.out(0), r)};
    for (GradReq req : new GradReq[] {GradReq.WRITE, GradReq.ADD}) {
      TensorView[] ga = new TensorView[3];
      TensorView[] gb = new TensorView[3];
      for (int i = 0; i < 3; i++) {
        ga[i] = KernelPair.random(pair.sig.in(i), r);
        gb[i] = KernelPair.copy(ga[i]);
      }
      GradReq[] reqs = {req, req, req};
      whole.backward(KernelPair.context(whole, true),
          new BackwardArgs(heads, in, out, ga, reqs.clone()));
      split.backward(KernelPair.context(split, true),
          new BackwardArgs(heads, in, out, gb, reqs.clone()));
      for (int i = 0; i < 3; i++) {
        // weight and bias gradients sum the sub-batches in another order than one pass
        KernelPair.assertClose("gradient of input " + i + " (" + req + ")", ga[i], gb[i], 1e-5);
      }
    }
  }

  /**
   * A 3x3 convolution of 7 samples, 16 channels in and out (whole channel blocks, no padding in
   * the blocked buffers) on 12x12 maps.
   */
  private static KernelPair<Convolution.Params> blockConvolution() {
    return new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(7, 16, 12, 12));
  }

  /**
   * {@code pair}'s oneDNN kernel under a workspace bound of 3 samples' plan: sub-batches of 2 or
   * 3 and a remainder of 1.
   */
  private static SubBatchKernel splitAtThreeSamples(KernelPair<Convolution.Params> pair) {
    long three = new KernelPair<>(Convolution.OP, pair.params, Shape.of(3, 16, 12, 12))
        .kernel("dnnl").workspaceBytes();
    System.setProperty(WorkspaceBound.PROPERTY, Long.toString(three));
    return (SubBatchKernel) pair.kernel("dnnl");
  }

  /**
   * In an inference binding's chain of blocked layers the split kernel reads and writes the
   * whole batch's oneDNN layouts (its sub-batches are slices of the buffers) and computes what
   * the unsplit kernel computes in them, also with a fused ReLU and mixed with row-major.
   */
  @Test
  void splitConvolutionRunsInTheUnsplitKernelsBlockedLayouts() {
    KernelPair<Convolution.Params> pair = blockConvolution();
    WeightedKernel whole = (WeightedKernel) pair.kernel("dnnl");
    Layout in = whole.nativeInput();
    Layout out = whole.nativeOutput(in);
    assertThat(in).as("oneDNN's own data layout on this machine").isNotEqualTo(Layout.ROW_MAJOR);
    SubBatchKernel split = splitAtThreeSamples(pair);
    assertThat(7 % split.subBatch()).as("a remainder kernel too").isNotZero();
    assertThat(split.nativeInput()).isEqualTo(in);
    assertThat(split.nativeOutput(in)).isEqualTo(out);
    assertThat(split.reads(in)).isTrue();
    assertThat(split.withLayouts(in, out)).isInstanceOf(SubBatchKernel.class);
    assertThat(split.withLayouts(in, Layout.ROW_MAJOR)).isInstanceOf(SubBatchKernel.class);
    assertThat(split.withLayouts(Layout.ROW_MAJOR, out)).isInstanceOf(SubBatchKernel.class);

    Random r = new Random(8);
    TensorView w = KernelPair.random(pair.sig.in(1), r);
    TensorView bias = KernelPair.random(pair.sig.in(2), r);
    TensorView data = blocked(pair.sig.in(0), in, r);
    OpInstance<?> relu =
        OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.RELU));
    Kernel fusedWhole = whole.fuse(relu);
    Kernel fusedSplit = split.fuse(relu);
    assertThat(fusedSplit).isInstanceOf(SubBatchKernel.class);
    assertThat(((LayoutAware) fusedSplit).withLayouts(in, out))
        .isInstanceOf(SubBatchKernel.class);
    Kernel[][] pairs = {{whole, split}, {fusedWhole, fusedSplit}};
    for (Kernel[] pk : pairs) {
      for (Layout o : new Layout[] {out, Layout.ROW_MAJOR}) {
        // the split kernel as the executor runs it: laid out for these views
        Kernel[] k = {pk[0], ((LayoutAware) pk[1]).withLayouts(in, o)};
        TensorView a = o == out ? blocked(pair.sig.out(0), out, r)
            : KernelPair.view(pair.sig.out(0));
        TensorView b = o == out ? blocked(pair.sig.out(0), out, r)
            : KernelPair.view(pair.sig.out(0));
        k[0].forward(KernelPair.context(k[0], false), new TensorView[] {data, w, bias},
            new TensorView[] {a});
        // with exactly the workspace an inference binding gives it
        k[1].forward(inferenceContext(k[1]), new TensorView[] {data, w, bias},
            new TensorView[] {b});
        assertThat(floats(b)).as(k[1].implementation() + " -> " + o)
            .containsExactly(floats(a), within(1e-6f));
      }
    }
  }

  /**
   * A split convolution fuses a residual sum (and the ReLU after it) as the unsplit kernel does,
   * each sub-batch adding its own samples of the addend: row-major or in the layer's blocked
   * output layout (whether the output view is blocked or row-major), in a buffer of its own or
   * in the output's (the executor's in-place plan). Without it a split
   * layer cut the blocked chain at every residual add (ResNet-50 at batch 256).
   */
  @Test
  void splitConvolutionFusesTheResidualSum() {
    KernelPair<Convolution.Params> pair = blockConvolution();
    WeightedKernel whole = (WeightedKernel) pair.kernel("dnnl");
    Layout in = whole.nativeInput();
    Layout out = whole.nativeOutput(in);
    SubBatchKernel split = splitAtThreeSamples(pair);
    assertThat(7 % split.subBatch()).as("a remainder kernel too").isNotZero();
    OpInstance<?> relu =
        OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.RELU));

    Random r = new Random(9);
    TensorView data = blocked(pair.sig.in(0), in, r);
    TensorView w = KernelPair.random(pair.sig.in(1), r);
    TensorView bias = KernelPair.random(pair.sig.in(2), r);
    for (OpInstance<?> epilogue : java.util.Arrays.asList(null, relu)) {
      Kernel wholeSum = whole.fuseSum(epilogue);
      Kernel splitSum = split.fuseSum(epilogue);
      assertThat(splitSum).as("summed " + epilogue).isInstanceOf(SubBatchKernel.class);
      for (Layout o : new Layout[] {out, Layout.ROW_MAJOR}) {
        Kernel laid = ((LayoutAware) splitSum).withLayouts(in, o);
        assertThat(laid).as("laid out -> " + o).isInstanceOf(SubBatchKernel.class);
        for (Layout addendLayout : new Layout[] {out, Layout.ROW_MAJOR}) {
          TensorView addend = addendLayout == Layout.ROW_MAJOR
              ? KernelPair.random(pair.sig.out(0), r) : blocked(pair.sig.out(0), addendLayout, r);
          for (boolean inPlace : new boolean[] {false, true}) {
            if (inPlace && addendLayout != o) {
              continue; // the executor plans in place only where the buffers agree
            }
            TensorView a = inPlace ? copyOfBuffer(addend) : view(pair.sig.out(0), o, r);
            TensorView b = inPlace ? copyOfBuffer(addend) : view(pair.sig.out(0), o, r);
            wholeSum.forward(KernelPair.context(wholeSum, false),
                new TensorView[] {data, w, bias, inPlace ? a : addend}, new TensorView[] {a});
            laid.forward(inferenceContext(laid),
                new TensorView[] {data, w, bias, inPlace ? b : addend}, new TensorView[] {b});
            assertThat(floats(b)).as("%s, output %s, addend %s, in place %s", epilogue, o,
                addendLayout, inPlace).containsExactly(floats(a), within(1e-6f));
          }
        }
      }
    }
  }

  /** A tensor of {@code s} in {@code layout} (row-major or blocked), random contents. */
  private static TensorView view(Shape s, Layout layout, Random r) {
    return layout == Layout.ROW_MAJOR ? KernelPair.view(s) : blocked(s, layout, r);
  }

  private static TensorView copyOfBuffer(TensorView t) {
    ByteBuffer b = ByteBuffer.allocateDirect(t.data().capacity()).order(ByteOrder.nativeOrder());
    b.put(t.data().duplicate().rewind()).rewind();
    return new TensorView(b, t.dtype(), t.shape(), t.layout());
  }

  /**
   * Laid out for an inference binding's blocked chain, a split convolution reserves no reorder
   * slot it never uses (decision 0069): its workspace is oneDNN's scratchpad alone, below one
   * sub-batch's data or output, where the unsplit plan holds both; laid out for a row-major
   * output it reserves that output's slot, and both compute what the unsplit kernel does with
   * no more workspace than they state.
   */
  @Test
  void aSplitConvolutionLaidOutInBlockedLayoutsReservesNoUnusedSlot() {
    KernelPair<Convolution.Params> pair = blockConvolution();
    WeightedKernel whole = (WeightedKernel) pair.kernel("dnnl");
    Layout in = whole.nativeInput();
    Layout out = whole.nativeOutput(in);
    assertThat(in).as("oneDNN's own data layout on this machine").isNotEqualTo(Layout.ROW_MAJOR);
    SubBatchKernel split = splitAtThreeSamples(pair);
    long sampleBytes = 16L * 12 * 12 * 4; // one sample's data and output, 16 channels
    long subBatchBytes = split.subBatch() * sampleBytes;
    assertThat(split.inferenceWorkspaceBytes()).as("the unsplit inference plan: data and output"
        + " slots of a sub-batch").isGreaterThanOrEqualTo(2 * subBatchBytes);

    Kernel chained = split.withLayouts(in, out);
    Kernel toRowMajor = split.withLayouts(in, Layout.ROW_MAJOR);
    assertThat(chained.inferenceWorkspaceBytes()).as("blocked in and out: neither slot")
        .isLessThanOrEqualTo(split.inferenceWorkspaceBytes() - 2 * subBatchBytes);
    assertThat(toRowMajor.inferenceWorkspaceBytes()).as("the output's slot alone")
        .isGreaterThanOrEqualTo(chained.inferenceWorkspaceBytes() + subBatchBytes)
        .isLessThanOrEqualTo(split.inferenceWorkspaceBytes() - subBatchBytes);

    Random r = new Random(5);
    TensorView w = KernelPair.random(pair.sig.in(1), r);
    TensorView bias = KernelPair.random(pair.sig.in(2), r);
    TensorView data = blocked(pair.sig.in(0), in, r);
    TensorView[] args = {data, w, bias};
    for (Object[] c : new Object[][] {{chained, out}, {toRowMajor, Layout.ROW_MAJOR}}) {
      Kernel k = (Kernel) c[0];
      Layout o = (Layout) c[1];
      TensorView a = o == out ? blocked(pair.sig.out(0), out, r) : KernelPair.view(pair.sig.out(0));
      TensorView b = o == out ? blocked(pair.sig.out(0), out, r) : KernelPair.view(pair.sig.out(0));
      whole.forward(KernelPair.context(whole, false), args, new TensorView[] {a});
      k.forward(inferenceContext(k), args, new TensorView[] {b});
      assertThat(floats(b)).as("laid out -> " + o).containsExactly(floats(a), within(1e-6f));
    }
  }

  /**
   * A context with exactly {@code k}'s inference workspace and the weights stamped, as an
   * inference binding runs it.
   */
  static org.kindling.tensor.op.OpContext inferenceContext(Kernel k) {
    return new org.kindling.tensor.op.OpContext(false,
        ByteBuffer.allocateDirect((int) k.inferenceWorkspaceBytes())
            .order(ByteOrder.nativeOrder()), null, new long[] {1, 1, 1});
  }

  /** A float32 tensor of {@code s} in {@code layout}, every float of its buffer random. */
  private static TensorView blocked(Shape s, Layout layout, Random r) {
    ByteBuffer b = ByteBuffer.allocateDirect((int) layout.bytes(s, DType.FLOAT32))
        .order(ByteOrder.nativeOrder());
    for (int i = 0; i < b.capacity() / 4; i++) {
      b.putFloat(i * 4, r.nextFloat() * 2 - 1);
    }
    return new TensorView(b, DType.FLOAT32, s, layout);
  }

  private static float[] floats(TensorView t) {
    float[] f = new float[t.data().capacity() / 4];
    t.data().asFloatBuffer().get(f);
    return f;
  }

  @Test
  void splitLayersMatchTheDefaultKernel() {
    split(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 4).withPad(1, 1),
        Shape.of(5, 3, 6, 6)).assertSameResults(new Random(4), 2e-5);
    split(Deconvolution.OP, Deconvolution.Params.of(new int[] {3, 3}, 4).withStride(2, 2),
        Shape.of(5, 3, 5, 5)).assertSameResults(new Random(5), 2e-5);
    split(FullyConnected.OP, FullyConnected.Params.of(40), Shape.of(9, 3, 4, 5))
        .assertSameResults(new Random(6), 2e-5);
  }

  /**
   * The layer on {@code data}, with the bound set midway between the workspace of one sample
   * and the batch's, so that its oneDNN kernel runs in sub-batches.
   */
  private static <P extends Record> KernelPair<P> split(OpDef<P> op, P params, Shape data) {
    System.clearProperty(WorkspaceBound.PROPERTY);
    int[] one = data.dims();
    one[0] = 1;
    long sample = new KernelPair<>(op, params, Shape.of(one)).kernel("dnnl").workspaceBytes();
    KernelPair<P> pair = new KernelPair<>(op, params, data);
    long whole = pair.kernel("dnnl").workspaceBytes();
    assertThat(whole).as("workspace grows with the batch").isGreaterThan(sample);
    System.setProperty(WorkspaceBound.PROPERTY, Long.toString((sample + whole) / 2));
    assertThat(pair.kernel("dnnl")).as(params + " on " + pair.sig)
        .isInstanceOf(SubBatchKernel.class);
    return pair;
  }

  @Test
  void aLayerThatDoesNotFitOneSampleAtATimeIsDeclined() {
    System.setProperty(WorkspaceBound.PROPERTY, "64");
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(4, 8, 12, 12));
    assertThat(pair.kernel("dnnl")).as("auto: the default kernel runs it").isNull();
    assertThat(pair.selected()).isNotNull().isNotInstanceOf(WeightedKernel.class)
        .isNotInstanceOf(SubBatchKernel.class);
  }
}
