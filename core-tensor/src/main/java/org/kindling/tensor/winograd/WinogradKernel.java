package org.kindling.tensor.winograd;

import java.nio.ByteBuffer;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.storage.DirectBuffers;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Convolution;

/**
 * Convolution (under {@link Conditions}) as Winograd: forward {@code y = x ⋆ w + b}; backward,
 * the data gradient as the Winograd correlation of {@code dy} (padded by {@code 2 - pad}) with
 * the flipped, transposed filters, and the weight and bias gradients by the fallback kernel
 * (oneDNN's or the default one), which this one holds.
 *
 * <p>Training passes (forward with {@code isTrain}, and backward) run Winograd only if the
 * kernel was made for training ({@code kindling.cpu.accel=force} with
 * {@code kindling.winograd.training=true}); otherwise the fallback kernel
 * runs them, as MXNet used NNPACK for inference only: Winograd's larger rounding error moves
 * pre-activations across ReLU kinks, and in ill-conditioned networks (ResNet-20 v1 at 28x28)
 * the first layer's weight gradient then lands 1% from the float64 result (measured against
 * MXNet, it/ZooTrainingMatchesMxnetIT), where the default kernel stays within 1e-4.
 *
 * <p>Layouts ({@link LayoutAware}), unless {@value #BLOCKED}{@code =false}: where the fallback
 * is oneDNN's and keeps its data or output in a channel-blocked layout ({@code nChw16c}, or
 * {@code nhwc} as oneDNN's brgemm convolutions do; {@link Layout#channelBlock()}) whose block
 * divides the channels, an inference binding may hand this kernel its data and take its output
 * in that layout (the fallback's own tokens), so that a Winograd layer inside a chain of oneDNN
 * layers costs no reorder in or out (decision 0071). With both data and output blocked, the
 * transforms run with the channels innermost ({@link ChannelTiles}, decision 0080): results
 * within the float64 bound, not the row-major kernel's bits (the GEMM sums in another order).
 * With one of them row-major, the blocked rows move through planar stages: the row-major
 * kernel's bits.
 *
 * <p>Workspace: the transformed filters (used in training, where they are remade per call
 * unless the weights are unchanged; inference keeps them in a {@link FilterCache}), then one
 * block's transformed tiles and products; or the fallback kernel's, if larger.
 */
final class WinogradKernel implements Kernel, EpilogueFusable, LayoutAware {
  private final Variant variant;
  private final boolean training;
  private final Kernel fallback;
  /** True if the forward pass ends with a fused relu (the fallback then has it fused too). */
  private final boolean relu;
  /**
   * The fallback without the relu, for inference passes over NaN/±Inf: the fused fallback's
   * relu (oneDNN's post-op) turns NaN into 0 where MXNet's relu keeps it. Null unless fused.
   */
  private final Kernel unfused;
  private final boolean noBias;
  private final int weightFloats;
  private final TiledConv fwd;
  private final TiledConv bwd;
  private final FilterCache fwdFilters;
  private final FilterCache bwdFilters;
  /**
   * The layout this kernel reads its data in, and writes its output in (row-major: not laid out).
   */
  private final Layout input;
  private final Layout output;
  /** The fallback (and {@link #unfused}) for views in {@link #input} and {@link #output}. */
  private final Kernel laidFallback;
  private final Kernel laidUnfused;
  /**
   * True if this kernel states and reads channel-blocked layouts ({@value #BLOCKED}, or {@link
   * #inChainLayouts}); false: row-major only, as before decision 0071.
   */
  private final boolean chainLayouts;
  /**
   * True if calls over channel-blocked data and output transform with the channels innermost
   * ({@link ChannelTiles}, decision 0080); false: through planar stages ({@link BlockedRows},
   * decision 0071), the row-major kernel's bits (tests and benchmarks compare the two).
   */
  private final boolean channelVectors;

  /**
   * System property: {@code false} keeps the kernels row-major only; by default they read and
   * write the fallback's channel-blocked layouts in inference bindings. Off under decision 0071
   * (the planar stages' element-by-element transposes cost more than the two oneDNN reorders
   * they saved); on since decision 0080, whose channels-innermost transforms cost no more than
   * the row-major kernel's on VGG-16's layers (docs/benchmarks.md, h-wcv).
   */
  static final String BLOCKED = "kindling.winograd.blocked";

  /**
   * @param training true to run training passes as Winograd too
   * @param fallback the kernel the other backends give for the same parameters and signature
   * @param threads threads of each call ({@code kindling.cpu.threads})
   */
  WinogradKernel(Variant variant, boolean training, Convolution.Params p, KernelSignature sig,
      Kernel fallback, int threads) {
    this(variant, training, p, sig, fallback, threads, sig);
  }

  /**
   * A kernel for {@code sig} whose forward pass cuts its blocks as a kernel for {@code blockedAs}
   * would (the same parameters, channels and width; more images or rows): the bind-time
   * measurement runs a part of the real shape with the real shape's blocks ({@link
   * TiledConv#TiledConv(Variant, int, int, int, int, int, int, int, int, int, int, int)}).
   */
  WinogradKernel(Variant variant, boolean training, Convolution.Params p, KernelSignature sig,
      Kernel fallback, int threads, KernelSignature blockedAs) {
    this.variant = variant;
    this.training = training;
    this.fallback = fallback;
    this.relu = false;
    this.unfused = null;
    this.noBias = p.noBias();
    Shape d = sig.in(0);
    Shape y = sig.out(0);
    int n = d.get(0);
    int c = d.get(1);
    int k = p.numFilter();
    int py = Conditions.pad(p, 0);
    int px = Conditions.pad(p, 1);
    int r = Transforms.R - 1;
    this.weightFloats = k * c * Transforms.R * Transforms.R;
    this.fwd = forwardTiling(variant, p, sig, threads, blockedAs);
    this.bwd = new TiledConv(variant, n, k, c, y.get(2), y.get(3), d.get(2), d.get(3), r - py,
        r - px, threads);
    this.fwdFilters = new FilterCache(fwd.filterFloats(), (w, u) -> fwd.transformFilters(w,
        false, u));
    this.bwdFilters = new FilterCache(bwd.filterFloats(), (w, u) -> bwd.transformFilters(w,
        true, u));
    this.input = Layout.ROW_MAJOR;
    this.output = Layout.ROW_MAJOR;
    this.laidFallback = fallback;
    this.laidUnfused = null;
    this.chainLayouts = !"false".equalsIgnoreCase(System.getProperty(BLOCKED, "true"));
    this.channelVectors = true;
  }

  /** {@code base} with a relu fused into its forward pass, and {@code fallback} (relu fused). */
  private WinogradKernel(WinogradKernel base, Kernel fallback) {
    this.variant = base.variant;
    this.training = base.training;
    this.fallback = fallback;
    this.relu = true;
    this.unfused = base.fallback;
    this.noBias = base.noBias;
    this.weightFloats = base.weightFloats;
    this.fwd = base.fwd;
    this.bwd = base.bwd;
    this.fwdFilters = base.fwdFilters;
    this.bwdFilters = base.bwdFilters;
    this.input = Layout.ROW_MAJOR;
    this.output = Layout.ROW_MAJOR;
    this.laidFallback = fallback;
    this.laidUnfused = unfused;
    this.chainLayouts = base.chainLayouts;
    this.channelVectors = base.channelVectors;
  }

  /**
   * {@code base} for inference calls over data in {@code input} and output in {@code output}:
   * the same transforms, kept filters and fallback, whose variants for these layouts run the
   * calls Winograd leaves (non-finite data).
   */
  private WinogradKernel(WinogradKernel base, Layout input, Layout output, Kernel laidFallback,
      Kernel laidUnfused, boolean chainLayouts) {
    this(base, input, output, laidFallback, laidUnfused, chainLayouts, base.channelVectors);
  }

  private WinogradKernel(WinogradKernel base, Layout input, Layout output, Kernel laidFallback,
      Kernel laidUnfused, boolean chainLayouts, boolean channelVectors) {
    this.variant = base.variant;
    this.training = base.training;
    this.fallback = base.fallback;
    this.relu = base.relu;
    this.unfused = base.unfused;
    this.noBias = base.noBias;
    this.weightFloats = base.weightFloats;
    this.fwd = base.fwd;
    this.bwd = base.bwd;
    this.fwdFilters = base.fwdFilters;
    this.bwdFilters = base.bwdFilters;
    this.input = input;
    this.output = output;
    this.laidFallback = laidFallback;
    this.laidUnfused = laidUnfused;
    this.chainLayouts = chainLayouts;
    this.channelVectors = channelVectors;
  }

  /**
   * This kernel (row-major) stating and reading channel-blocked layouts whatever {@value
   * #BLOCKED} says: tests and benchmarks.
   */
  WinogradKernel inChainLayouts() {
    return new WinogradKernel(this, input, output, laidFallback, laidUnfused, true);
  }

  /**
   * This kernel moving channel-blocked rows through planar stages (decision 0071, the
   * row-major kernel's bits) instead of transforming with the channels innermost: tests and
   * benchmarks.
   */
  WinogradKernel withPlanarStages() {
    return new WinogradKernel(this, input, output, laidFallback, laidUnfused, chainLayouts,
        false);
  }

  /**
   * True for row-major data, and for data in a channel-blocked layout whose block divides the
   * input channels and which the fallback reads too (it runs the calls over non-finite data).
   */
  @Override
  public boolean reads(Layout in) {
    if (in == Layout.ROW_MAJOR) {
      return true;
    }
    if (!chainLayouts) {
      return false;
    }
    int b = in.channelBlock();
    return b > 0 && fwd.inputChannels() % b == 0 && fallback instanceof LayoutAware la
        && la.reads(in);
  }

  /** The fallback's input layout where this kernel reads it ({@link #reads}), else row-major. */
  @Override
  public Layout nativeInput() {
    Layout in = fallback instanceof LayoutAware la ? la.nativeInput() : Layout.ROW_MAJOR;
    return reads(in) ? in : Layout.ROW_MAJOR;
  }

  /**
   * The fallback's output layout for data in {@code in} where it is channel-blocked with a block
   * dividing the output channels, else row-major: a oneDNN layer after this one then reads it as
   * it would read the fallback's.
   */
  @Override
  public Layout nativeOutput(Layout in) {
    if (!chainLayouts || !(fallback instanceof LayoutAware la) || !reads(in)) {
      return Layout.ROW_MAJOR;
    }
    Layout out = la.nativeOutput(in);
    int b = out.channelBlock();
    return b > 0 && fwd.outputChannels() % b == 0 ? out : Layout.ROW_MAJOR;
  }

  /**
   * This kernel for inference calls over data in {@code in} and output in {@code out}, or null
   * if it cannot run them (or the fallback cannot, for non-finite data).
   */
  @Override
  public Kernel withLayouts(Layout in, Layout out) {
    if (!reads(in) || out != Layout.ROW_MAJOR && !out.equals(nativeOutput(in))) {
      return null;
    }
    if (in == input && out == output) {
      return this;
    }
    if (in == Layout.ROW_MAJOR && out == Layout.ROW_MAJOR) {
      return new WinogradKernel(this, in, out, fallback, unfused, chainLayouts);
    }
    LayoutAware la = (LayoutAware) fallback; // reads(in) or nativeOutput(in) needed it
    Kernel f = la.withLayouts(in, out);
    Kernel u = unfused instanceof LayoutAware ua ? ua.withLayouts(in, out) : null;
    if (f == null || unfused != null && u == null) {
      return null;
    }
    return new WinogradKernel(this, in, out, f, u, chainLayouts);
  }

  /**
   * This kernel with a relu {@code epilogue} applied to each output row as the output transform
   * writes it (instead of a second pass over the output), or null for another epilogue or a
   * fallback kernel that cannot fuse it (the passes Winograd leaves to the fallback must apply
   * it too). It shares this kernel's transforms and kept filters; its backward is this one's.
   */
  @Override
  public Kernel fuse(OpInstance<?> epilogue) {
    boolean isRelu = epilogue.params() instanceof Activation.Params a
        && a.actType() == Activation.ActType.RELU;
    if (relu || !isRelu || input != Layout.ROW_MAJOR || output != Layout.ROW_MAJOR
        || !(fallback instanceof EpilogueFusable f)) {
      return null;
    }
    Kernel fusedFallback = f.fuse(epilogue);
    return fusedFallback == null ? null : new WinogradKernel(this, fusedFallback);
  }

  /** The forward pass's tiling of {@code sig}, its blocks cut as for {@code blockedAs}. */
  static TiledConv forwardTiling(Variant v, Convolution.Params p, KernelSignature sig,
      int threads, KernelSignature blockedAs) {
    Shape d = sig.in(0);
    Shape y = sig.out(0);
    int blockedRows = blockedAs.in(0).get(0) * ((blockedAs.out(0).get(2) + v.m - 1) / v.m);
    return new TiledConv(v, d.get(0), d.get(1), p.numFilter(), d.get(2), d.get(3), y.get(2),
        y.get(3), Conditions.pad(p, 0), Conditions.pad(p, 1), threads, blockedRows);
  }

  /** The algorithm this kernel runs. */
  Variant variant() {
    return variant;
  }

  /** True if training passes run as Winograd too. */
  boolean training() {
    return training;
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    // weights whose transform is kept under their stamp were finite when it was made; the data
    // is checked as the transform gathers it
    boolean kept = fwdFilters.keeps(in[1].data(), ctx.inputVersion(1));
    if (ctx.isTrain() && !training) {
      laidFallback.forward(ctx, in, out);
    } else if (!kept && !finite(in[1])
        || !run(fwd, fwdFilters, ctx, in[0], in[1], noBias ? null : in[2].floats(), out[0],
            false, relu, input, output)) {
      nonFiniteForward(ctx, in, out);
    }
  }

  /**
   * The forward pass over data or weights holding NaN or ±Inf, on the fallback kernel; with a
   * fused relu, the unfused fallback and then MXNet's relu in place, which keeps the NaN of the
   * convolution's output (mshadow's {@code relu}) where oneDNN's relu post-op would give 0.
   */
  private void nonFiniteForward(OpContext ctx, TensorView[] in, TensorView[] out) {
    Kernel k = relu ? laidUnfused : laidFallback;
    long need = k.forwardWorkspaceBytes();
    ByteBuffer own = null;
    if (ctx.workspace().capacity() < need) {
      // an inference binding sizes its workspace by this kernel's Winograd plan alone
      // (inferenceWorkspaceBytes): non-finite data, an exception, gets the fallback's for
      // this call, freed after it (decision 0069)
      own = ByteBuffer.allocateDirect(Math.toIntExact(need)).order(ByteOrder.nativeOrder());
      ctx = new OpContext(ctx.isTrain(), own, ctx.random(), ctx.inputVersions());
    }
    try {
      k.forward(ctx, in, out);
      if (relu) {
        Activation.defaultKernel(Activation.ActType.RELU).forward(ctx, out, out);
      }
    } finally {
      DirectBuffers.free(own);
    }
  }

  @Override
  public void backward(OpContext ctx, BackwardArgs a) {
    if (!training) {
      fallback.backward(ctx, a);
      return;
    }
    TensorView[] in = a.in();
    boolean data = a.wants(0) && finite(a.outGrad()[0]) && finite(in[1]);
    if (data) {
      // dy was scanned above: a stop half-way would leave an accumulated gradient half-summed
      run(bwd, bwdFilters, ctx, a.outGrad()[0], in[1], null, a.inGrad()[0], a.adds(0), false,
          Layout.ROW_MAJOR, Layout.ROW_MAJOR);
    }
    if (a.wants(0) && !data || a.wants(1) || !noBias && a.wants(2)) {
      TensorView[] grads = a.inGrad().clone();
      GradReq[] req = a.req().clone();
      if (data) {
        grads[0] = null;
        req[0] = GradReq.NULL;
      }
      fallback.backward(ctx, new BackwardArgs(a.outGrad(), in, a.out(), grads, req));
    }
  }

  /**
   * True if the tensor holds no NaN or ±Inf. Otherwise the fallback kernel runs the pass: a
   * transform spreads one non-finite value over its whole tile (Inf - Inf = NaN), while MXNet's
   * direct products keep it to the outputs that read it.
   */
  private static boolean finite(TensorView a) {
    return FloatKernels.allFinite(a.floats(), a.size());
  }

  /** {@link TiledConv#run}: false if {@code x} held NaN or ±Inf (outputs partly written). */
  private boolean run(TiledConv conv, FilterCache cache, OpContext ctx, TensorView x,
      TensorView w, FloatBuffer bias, TensorView y, boolean add, boolean relu, Layout xLayout,
      Layout yLayout) {
    FloatBuffer ws = ctx.workspace().duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
    int uFloats = Math.toIntExact(conv.filterFloats());
    FloatBuffer u = cache.filters(w.data(), weightFloats, ctx.inputVersion(1), ctx.isTrain(),
        ws.slice(0, uFloats));
    checkLayout(x, xLayout, "data");
    checkLayout(y, yLayout, "output");
    return conv.run(x.floats(), xLayout.channelBlock(), u, bias, y.floats(),
        yLayout.channelBlock(), add, relu, ws, uFloats, channelVectors);
  }

  /**
   * Fails unless {@code t} is in {@code want}, the layout this kernel was made for: a view in
   * another would be read or written as if it were.
   */
  private void checkLayout(TensorView t, Layout want, String what) {
    if (!t.layout().equals(want)) {
      throw new IllegalArgumentException("Winograd " + variant.label() + ": " + what + " "
          + t.shape() + " is in layout " + t.layout() + ", the kernel was made for " + want);
    }
  }

  /** Frees the kept filter transforms and what the fallback keeps. */
  @Override
  public void release() {
    fwdFilters.release();
    bwdFilters.release();
    fallback.release();
    if (unfused != null) {
      unfused.release();
    }
  }

  /** True if the forward pass's filter transform is kept (tests). */
  boolean holdsFilters() {
    return fwdFilters.holds();
  }

  /**
   * The Winograd forward plan alone: an inference call over non-finite data, which runs the
   * fallback, takes the fallback's workspace for that call if the one it got is smaller.
   */
  @Override
  public long inferenceWorkspaceBytes() {
    return 4 * (fwd.filterFloats() + fwd.blockFloats());
  }

  @Override
  public long workspaceBytes() {
    long own = 4 * Math.max(fwd.filterFloats() + fwd.blockFloats(),
        bwd.filterFloats() + bwd.blockFloats());
    return Math.max(own, fallback.workspaceBytes());
  }

  /** The forward transform's, or the fallback's forward plan (it runs training passes). */
  @Override
  public long forwardWorkspaceBytes() {
    return Math.max(4 * (fwd.filterFloats() + fwd.blockFloats()),
        fallback.forwardWorkspaceBytes());
  }

  @Override
  public String implementation() {
    return "Winograd " + variant.label() + layouts()
        + (training ? "" : " (inference; training: " + fallback.implementation() + ")");
  }

  /** The layouts of a laid-out kernel, e.g. {@code " [oneDNN blocked 16b ... -> row-major]"}. */
  private String layouts() {
    return input == Layout.ROW_MAJOR && output == Layout.ROW_MAJOR ? ""
        : " [" + input + " -> " + output + "]";
  }

  @Override
  public String toString() {
    return "Winograd " + variant + (training ? "" : " (inference; training by " + fallback + ")");
  }
}
