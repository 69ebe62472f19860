package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.SumFusable;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.profile.Profiler;

/**
 * A layer of inputs {@code data, weight[, bias]} and one output, run by a forward, a
 * backward-data and a backward-weights primitive (convolution, inner product): the reorders
 * between the caller's row-major tensors and the layouts each primitive chose (the forward's
 * weights kept while the caller's stamp of them stays, {@link WeightCache}), and the
 * gradient requests (a gradient not wanted is not computed, or is discarded when the same
 * primitive makes a wanted one; {@code add} accumulates).
 *
 * <p>The forward reads its data and writes its output in the primitive's own layouts when the
 * executor hands it views in them ({@link LayoutAware}: the layout is the view's, so the kernel
 * is its own variant), and fuses a ReLU ({@link EpilogueFusable}) and a residual addend ({@link
 * SumFusable}, oneDNN's {@code sum} post-op) as post-ops: the addend, its last input, is put into
 * the destination before the call unless the destination is the addend's own buffer.
 */
final class WeightedKernel extends DnnlKernel
    implements EpilogueFusable, SumFusable, LayoutAware {
  /** A primitive and its descriptor. */
  record Pass(primitive_desc_base pd, primitive p) {}

  /** The caller's layouts: data, weight, output, and bias (null without bias). */
  record UserLayouts(memory.desc src, memory.desc weights, memory.desc dst, memory.desc bias) {}

  private final memory.desc biasMd;
  /** The forward of a training pass ({@code forward_training}): weights reordered per call. */
  private final Forward training;
  /**
   * The forward of an inference pass ({@code forward_inference}, MXNet's {@code
   * forward_scoring}): oneDNN may pick another implementation for it (brgemm convolutions on
   * AVX-512), and its reordered weights are kept while their stamp stays.
   */
  private final Forward inference;
  /** The workspace plan of inference forward calls (a call runs one of the two forwards). */
  private final Scratch inferenceScratch = new Scratch();
  private final Operand bdDiffDst;
  private final Operand bdWeights;
  private final Operand bdDiffSrc;
  private final Prim bwdData;
  private final Operand bwSrc;
  private final Operand bwDiffDst;
  private final Operand bwDiffWeights;
  private final Operand bwDiffBias;
  private final Prim bwdWeights;
  private final PostOps post;
  private final Function<PostOps, Kernel> variants;
  /**
   * True if the backward-weights primitive reads the output gradient in the layout the
   * backward-data one does: a backward call that computes both reorders it once.
   */
  private final boolean sharedDiffDst;
  /**
   * True for a {@link #withLayouts} variant: it runs inference forward calls only (an executor
   * of laid-out kernels runs its training forwards on a row-major twin), and its workspace plan
   * holds only the reorder slots its layouts use (decision 0069).
   */
  private final boolean laidOut;

  /**
   * @param forward the forward primitive of training passes
   * @param inference the forward primitive of inference passes, with the same post-ops
   * @param post what the forward primitives do after the layer
   * @param variants makes this layer's kernel with other post-ops ({@link #fuse}, {@link
   *     #fuseSum})
   */
  WeightedKernel(Dnnl dnnl, int threads, String op, KernelSignature sig, UserLayouts user,
      Pass forward, Pass inference, Pass backwardData, Pass backwardWeights, PostOps post,
      Function<PostOps, Kernel> variants) {
    super(dnnl, threads, op, sig);
    this.post = post;
    this.variants = variants;
    biasMd = user.bias();
    training = new Forward(dnnl, user, forward, post.sum(), false, forwardScratch);
    this.inference = new Forward(dnnl, user, inference, post.sum(), true, inferenceScratch);
    Scratch b0 = backwardScratch;
    primitive_desc_base bdpd = backwardData.pd();
    bdDiffDst = Operand.input(dnnl, user.dst(), bdpd.diff_dst_desc(0), b0);
    bdWeights = Operand.input(dnnl, user.weights(), bdpd.weights_desc(0), b0);
    bdDiffSrc = Operand.output(dnnl, user.src(), bdpd.diff_src_desc(0), b0);
    bwdData = new Prim(bdpd, backwardData.p(), b0);
    primitive_desc_base bwpd = backwardWeights.pd();
    bwSrc = Operand.input(dnnl, user.src(), bwpd.src_desc(0), b0);
    bwDiffDst = Operand.input(dnnl, user.dst(), bwpd.diff_dst_desc(0), b0);
    bwDiffWeights = Operand.output(dnnl, user.weights(), bwpd.diff_weights_desc(0), b0);
    bwDiffBias = biasMd == null ? null
        : Operand.output(dnnl, biasMd, bwpd.diff_weights_desc(1), b0);
    bwdWeights = new Prim(bwpd, backwardWeights.p(), b0);
    sharedDiffDst = bwDiffDst.inner().equals(bdDiffDst.inner());
    laidOut = false;
  }

  /**
   * {@code base} laid out for inference calls over data and output views whose layouts need
   * the data's reorder slot ({@code srcSlot}) and the output's ({@code dstSlot}) or not: the
   * same primitives and kept weights, an inference plan of its own that reserves no slot a call
   * leaves unused (the training plans are empty: those calls do not run here).
   */
  private WeightedKernel(WeightedKernel base, boolean srcSlot, boolean dstSlot) {
    super(base);
    post = base.post;
    variants = base.variants;
    biasMd = base.biasMd;
    training = base.training;
    inference = new Forward(dnnl, base.inference, srcSlot, dstSlot, inferenceScratch);
    bdDiffDst = base.bdDiffDst;
    bdWeights = base.bdWeights;
    bdDiffSrc = base.bdDiffSrc;
    bwdData = base.bwdData;
    bwSrc = base.bwSrc;
    bwDiffDst = base.bwDiffDst;
    bwDiffWeights = base.bwDiffWeights;
    bwDiffBias = base.bwDiffBias;
    bwdWeights = base.bwdWeights;
    sharedDiffDst = base.sharedDiffDst;
    laidOut = true;
  }

  @Override
  public Kernel fuse(OpInstance<?> epilogue) {
    algorithm eltwise = postOp(epilogue);
    if (post.eltwise() != null || eltwise == null) {
      return null;
    }
    planThreads();
    return variants.apply(new PostOps(post.sum(), eltwise));
  }

  @Override
  public Kernel fuseSum(OpInstance<?> epilogue) {
    if (post.sum() || post.eltwise() != null || epilogue != null && postOp(epilogue) != algorithm.eltwise_relu) {
      return null; // a function already inside would come before the sum
    }
    planThreads();
    return variants.apply(new PostOps(true, epilogue != null ? algorithm.eltwise_relu : null));
  }

  /** True if this kernel adds a residual addend, its last input, into its output. */
  boolean sums() {
    return post.sum();
  }

  /**
   * The inference primitive's destination layout, whatever the data's: the executor keeps
   * values in oneDNN's layouts in inference bindings only (a training forward of such a binding
   * runs over row-major views).
   */
  @Override
  public Layout nativeOutput(Layout input) {
    return inference.dst.layout();
  }

  @Override
  public boolean reads(Layout input) {
    return input == Layout.ROW_MAJOR || input.equals(inference.src.layout());
  }

  /** The inference primitive's source layout. */
  @Override
  public Layout nativeInput() {
    return inference.src.layout();
  }

  /**
   * This kernel for inference calls over views in these layouts: the same primitives and kept
   * weights, with the workspace slots of the reorders these layouts need only (a data or
   * output view in the primitive's own layout needs none).
   */
  @Override
  public Kernel withLayouts(Layout input, Layout output) {
    return laidOut(input, output);
  }

  /** {@link #withLayouts} as this class, or null where it returns null. */
  WeightedKernel laidOut(Layout input, Layout output) {
    boolean writes = output == Layout.ROW_MAJOR || output.equals(inference.dst.layout());
    if (!reads(input) || !writes) {
      return null;
    }
    return new WeightedKernel(this, input == Layout.ROW_MAJOR && !inference.src.direct(),
        output == Layout.ROW_MAJOR && !inference.dst.direct());
  }

  /** Frees the inference pass's kept weights. */
  @Override
  public void release() {
    if (inference.weightCache != null) {
      inference.weightCache.release();
    }
  }

  /** The inference pass's kept weights, or null if it reads the caller's (tests). */
  WeightCache weightCache() {
    return inference.weightCache;
  }

  /** The larger of the forward plans (training or inference) and the backward plan. */
  @Override
  public long workspaceBytes() {
    return Math.max(super.workspaceBytes(), inferenceScratch.bytes());
  }

  /** The inference forward plan (with the reorder slots its layouts need). */
  @Override
  public long inferenceWorkspaceBytes() {
    return inferenceScratch.bytes();
  }

  /** The larger of the training and the inference forward plans. */
  @Override
  public long forwardWorkspaceBytes() {
    return Math.max(super.forwardWorkspaceBytes(), inferenceScratch.bytes());
  }

  /**
   * The inference forward's implementation (the one a score or predict pass runs), and the
   * training forward's where oneDNN picked another, e.g. {@code oneDNN brg_conv_fwd:avx512_core
   * (training: jit:avx512_core)}.
   */
  @Override
  public String implementation() {
    String infer = inference.prim.impl();
    String train = training.prim.impl();
    return Dnnl.NAME + " " + infer + (infer.equals(train) ? "" : " (training: " + train + ")");
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    Forward f = ctx.isTrain() && !laidOut ? training : inference;
    try (Call c = call(ctx)) {
      Args a = c.args();
      a.put(DNNL_ARG_SRC, f.src.read(c, in[0]));
      long version = ctx.inputVersion(1);
      ByteBuffer kept = null;
      if (f.weightCache != null) {
        // an inference pass plans no weights slot: unstamped weights go into the kept copy
        kept = version >= 0 ? f.weightCache.read(c, in[1].data(), version)
            : f.weightCache.reorder(c, in[1].data());
        a.put(DNNL_ARG_WEIGHTS, c.wrap(f.weights.inner(), kept));
      } else {
        a.put(DNNL_ARG_WEIGHTS, f.weights.read(c, in[1].data()));
      }
      if (biasMd != null) {
        a.put(DNNL_ARG_BIAS, c.wrap(biasMd, in[2].data()));
      }
      memory y = f.dst.target(c, out[0]);
      if (post.sum()) {
        f.putAddend(c, in[in.length - 1], out[0], y);
      }
      a.put(DNNL_ARG_DST, y);
      run(c, f.pass, f.prim, a);
      Reference.reachabilityFence(kept);
      f.dst.store(c, y, out[0]);
    }
  }

  @Override
  public void backward(OpContext ctx, BackwardArgs b) {
    if (laidOut) {
      throw new UnsupportedOperationException("a oneDNN kernel laid out for an inference"
          + " binding has no backward (LayoutAware variants run forward passes only)");
    }
    try (Call c = call(ctx)) {
      memory diffDst = null; // the output gradient as the backward-data primitive read it
      if (b.wants(0)) {
        Args a = c.args();
        diffDst = bdDiffDst.read(c, b.outGrad()[0].data());
        a.put(DNNL_ARG_DIFF_DST, diffDst);
        a.put(DNNL_ARG_WEIGHTS, bdWeights.read(c, b.in()[1].data()));
        memory dx = bdDiffSrc.target(c, b.inGrad()[0].data(), b.adds(0));
        a.put(DNNL_ARG_DIFF_SRC, dx);
        run(c, "backward data", bwdData, a);
        bdDiffSrc.store(c, dx, b.inGrad()[0].data(), b.adds(0));
      }
      boolean wantsBias = biasMd != null && b.wants(2);
      if (b.wants(1) || wantsBias) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, bwSrc.read(c, b.in()[0].data()));
        a.put(DNNL_ARG_DIFF_DST, diffDst != null && sharedDiffDst ? diffDst
            : bwDiffDst.read(c, b.outGrad()[0].data()));
        ByteBuffer dw = b.wants(1) ? b.inGrad()[1].data() : null;
        boolean addW = b.wants(1) && b.adds(1);
        memory mw = bwDiffWeights.target(c, dw, addW);
        a.put(DNNL_ARG_DIFF_WEIGHTS, mw);
        ByteBuffer db = wantsBias ? b.inGrad()[2].data() : null;
        boolean addB = wantsBias && b.adds(2);
        memory mb = biasMd == null ? null : bwDiffBias.target(c, db, addB);
        if (mb != null) {
          a.put(DNNL_ARG_DIFF_BIAS, mb);
        }
        run(c, "backward weights", bwdWeights, a);
        bwDiffWeights.store(c, mw, dw, addW);
        if (mb != null) {
          bwDiffBias.store(c, mb, db, addB);
        }
      }
    }
  }

  /**
   * One forward primitive with its operands in a workspace plan: data, weights (kept reordered
   * under their stamp by inference passes only: a training step changes them every call),
   * output, and with a sum post-op the reorders that put the addend into the destination.
   */
  private static final class Forward {
    final Operand src;
    final Operand weights;
    final WeightCache weightCache;
    final Operand dst;
    final Prim prim;
    /** The pass's name in the log of implementations and the profile. */
    final String pass;
    /** With a sum: puts a row-major addend, or one in the destination's layout, into it. */
    private final reorder addendIn;
    private final reorder addendCopy;

    /**
     * {@code base}'s primitive, kept weights and addend reorders in plan {@code scratch}, with
     * a data reorder slot only if {@code srcSlot}, an output slot only if {@code dstSlot}, and
     * no weights slot (the weights are read from the kept copy).
     */
    Forward(Dnnl dnnl, Forward base, boolean srcSlot, boolean dstSlot, Scratch scratch) {
      src = srcSlot ? Operand.input(dnnl, base.src.user(), base.src.inner(), scratch)
          : Operand.slotless(dnnl, base.src.user(), base.src.inner(), false);
      weights = base.weights;
      weightCache = base.weightCache;
      dst = dstSlot ? Operand.output(dnnl, base.dst.user(), base.dst.inner(), scratch)
          : Operand.slotless(dnnl, base.dst.user(), base.dst.inner(), true);
      prim = new Prim(base.prim, scratch);
      pass = base.pass;
      addendIn = base.addendIn;
      addendCopy = base.addendCopy;
    }

    Forward(Dnnl dnnl, UserLayouts user, Pass forward, boolean sum, boolean keepsWeights,
        Scratch scratch) {
      primitive_desc_base pd = forward.pd();
      src = Operand.input(dnnl, user.src(), pd.src_desc(0), scratch);
      // inference reads its weights from the kept copy, never a slot (decision 0069)
      weights = keepsWeights ? Operand.slotless(dnnl, user.weights(), pd.weights_desc(0), false)
          : Operand.input(dnnl, user.weights(), pd.weights_desc(0), scratch);
      weightCache = keepsWeights && !weights.direct() ? new WeightCache(weights) : null;
      dst = Operand.output(dnnl, user.dst(), pd.dst_desc(0), scratch);
      prim = new Prim(pd, forward.p(), scratch);
      pass = keepsWeights ? "forward" : "forward (training)";
      memory.desc dstInner = pd.dst_desc(0);
      addendIn = sum ? new reorder(new reorder.primitive_desc(dnnl.engine, user.dst(),
          dnnl.engine, dstInner)) : null;
      addendCopy = sum ? new reorder(new reorder.primitive_desc(dnnl.engine, dstInner,
          dnnl.engine, dstInner)) : null;
    }

    /**
     * Puts the addend into the destination {@code y} the sum post-op adds to, unless {@code y}
     * is the output's buffer and that is the addend's (planned in place).
     */
    void putAddend(Call c, TensorView addend, TensorView out, memory y) {
      boolean inOutput = y.get_data_handle().address() == new Pointer(out.data()).address();
      if (inOutput
          && new Pointer(addend.data()).address() == new Pointer(out.data()).address()) {
        return;
      }
      Args args = c.args();
      boolean rowMajor = addend.layout() == Layout.ROW_MAJOR;
      args.put(DNNL_ARG_FROM, rowMajor ? c.wrap(dst.user(), addend.data())
          : c.wrap(dst.inner(), addend.data()));
      args.put(DNNL_ARG_TO, y);
      c.run(rowMajor ? addendIn : addendCopy, args,
          Profiler.isRunning() ? "reorder addend" : null);
    }
  }
}
