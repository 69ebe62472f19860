package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import java.util.function.Function;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;

/**
 * A layer of inputs {@code data, weight[, bias]} and one output, run by a forward, a
 * backward-data and a backward-weights primitive (convolution, inner product): the reorders
 * between the caller's row-major tensors and the layouts each primitive chose (the forward's
 * weights kept while the caller's stamp of them stays, {@link WeightCache}), and the
 * gradient requests (a gradient not wanted is not computed, or is discarded when the same
 * primitive makes a wanted one; {@code add} accumulates).
 */
final class WeightedKernel extends DnnlKernel implements EpilogueFusable {
  /** A primitive and its descriptor. */
  record Pass(primitive_desc_base pd, primitive p) {}

  /** The caller's layouts: data, weight, output, and bias (null without bias). */
  record UserLayouts(memory.desc src, memory.desc weights, memory.desc dst, memory.desc bias) {}

  private final memory.desc biasMd;
  private final Operand src;
  private final Operand weights;
  private final WeightCache weightCache;
  private final Operand dst;
  private final Prim fwd;
  private final Operand bdDiffDst;
  private final Operand bdWeights;
  private final Operand bdDiffSrc;
  private final Prim bwdData;
  private final Operand bwSrc;
  private final Operand bwDiffDst;
  private final Operand bwDiffWeights;
  private final Operand bwDiffBias;
  private final Prim bwdWeights;
  /**
   * True if the backward-weights primitive reads the output gradient in the layout the
   * backward-data one does: a backward call that computes both reorders it once.
   */
  private final boolean sharedDiffDst;
  private final Function<OpInstance<?>, Kernel> fuser;

  /**
   * @param fuser makes this layer's kernel with an epilogue fused into its forward primitive, or
   *     null for none ({@link #fuse})
   */
  WeightedKernel(Dnnl dnnl, int threads, String op, KernelSignature sig, UserLayouts user,
      Pass forward, Pass backwardData, Pass backwardWeights,
      Function<OpInstance<?>, Kernel> fuser) {
    super(dnnl, threads, op, sig);
    this.fuser = fuser;
    biasMd = user.bias();
    Scratch f0 = forwardScratch;
    primitive_desc_base fpd = forward.pd();
    src = Operand.input(dnnl, user.src(), fpd.src_desc(0), f0);
    weights = Operand.input(dnnl, user.weights(), fpd.weights_desc(0), f0);
    weightCache = weights.direct() ? null : new WeightCache(weights);
    dst = Operand.output(dnnl, user.dst(), fpd.dst_desc(0), f0);
    fwd = new Prim(fpd, forward.p(), f0);
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
  }

  @Override
  public Kernel fuse(OpInstance<?> epilogue) {
    if (fuser == null) {
      return null;
    }
    planThreads();
    return fuser.apply(epilogue);
  }

  @Override
  public String implementation() {
    return Dnnl.NAME + " " + fwd.impl();
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    try (Call c = call(ctx)) {
      IntMemoryMap a = c.args();
      a.put(DNNL_ARG_SRC, src.read(c, in[0].data()));
      long version = ctx.inputVersion(1);
      ByteBuffer kept = null;
      if (weightCache != null && version >= 0) {
        kept = weightCache.read(c, in[1].data(), version);
        a.put(DNNL_ARG_WEIGHTS, c.wrap(weights.inner(), kept));
      } else {
        a.put(DNNL_ARG_WEIGHTS, weights.read(c, in[1].data()));
      }
      if (biasMd != null) {
        a.put(DNNL_ARG_BIAS, c.wrap(biasMd, in[2].data()));
      }
      memory y = dst.target(c, out[0].data(), false);
      a.put(DNNL_ARG_DST, y);
      run(c, "forward", fwd, a);
      Reference.reachabilityFence(kept);
      dst.store(c, y, out[0].data(), false);
    }
  }

  @Override
  public void backward(OpContext ctx, BackwardArgs b) {
    try (Call c = call(ctx)) {
      memory diffDst = null; // the output gradient as the backward-data primitive read it
      if (b.wants(0)) {
        IntMemoryMap a = c.args();
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
        IntMemoryMap a = c.args();
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
}
