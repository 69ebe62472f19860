package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.util.EnumSet;
import java.util.Set;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Pooling;
import org.kindling.tensor.op.nn.Pooling.PoolLayout;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * 1-D, 2-D and 3-D max and average {@code Pooling} (NCW, NCHW, NCDHW) on oneDNN, forward and
 * backward, with MXNet's {@code valid} and {@code full} conventions (a {@code full} output is
 * oneDNN's with more padding on the right), {@code global_pool} and {@code count_include_pad}.
 *
 * <p>Kindling's Pooling has no hidden output (MXNet's native CPU build has none either), so the
 * max backward pass runs the forward again to get oneDNN's workspace (the position of each
 * maximum: the first in window order, as MXNet's) into the scratch space.
 */
final class DnnlPooling implements DnnlFactory.Rules<Pooling.Params> {
  /** Pooling windows: kernel, stride, left and right padding per spatial axis. */
  private record Windows(long[] kernel, long[] stride, long[] padL, long[] padR) {}

  private static final Set<PoolLayout> CHANNEL_LAST =
      EnumSet.of(PoolLayout.NWC, PoolLayout.NHWC, PoolLayout.NDHWC);

  @Override
  public String unsupported(Pooling.Params p, KernelSignature sig) {
    if (p.poolType() == PoolType.SUM || p.poolType() == PoolType.LP) {
      return "pool_type " + p.poolType().mxName() + " (oneDNN pools max and avg)";
    }
    if (CHANNEL_LAST.contains(p.layout())) {
      return "channel-last layout " + p.layout().mxName() + " (oneDNN runs NCW, NCHW and NCDHW "
          + "here)";
    }
    if (p.poolingConvention() == Pooling.PoolingConvention.SAME) {
      return "pooling_convention same";
    }
    String empty = Shapes.empty(sig);
    if (empty != null) {
      return empty;
    }
    Windows w = windows(p, sig);
    boolean includePad = p.countIncludePad() == null || p.countIncludePad();
    for (int i = 0; i < w.kernel.length; i++) {
      int in = sig.in(0).get(i + 2);
      int out = sig.out(0).get(i + 2);
      // MXNet gives -FLT_MAX (max) or divides by 0 (avg) for a window of padding only
      if (w.kernel[i] <= w.padL[i] || (out - 1) * w.stride[i] - w.padL[i] >= in) {
        return "a window lies wholly in the padding";
      }
      // MXNet divides by the window clipped to the padded input, oneDNN by the kernel's size
      if (p.poolType() == PoolType.AVG && includePad && w.padR[i] > w.padL[i]) {
        return "avg pooling with count_include_pad whose 'full' windows overhang the padding";
      }
    }
    return null;
  }

  private static Windows windows(Pooling.Params p, KernelSignature sig) {
    Shape d = sig.in(0);
    Shape y = sig.out(0);
    int nd = d.ndim() - 2;
    long[] k = new long[nd];
    long[] s = new long[nd];
    long[] pl = new long[nd];
    long[] pr = new long[nd];
    int[] kernel = p.kernel();
    int[] stride = Shapes.orDefault(p.stride(), nd, 1);
    int[] pad = Shapes.orDefault(p.pad(), nd, 0);
    for (int i = 0; i < nd; i++) {
      int in = d.get(i + 2);
      k[i] = p.globalPool() ? in : kernel[i];
      s[i] = p.globalPool() ? 1 : stride[i];
      pl[i] = p.globalPool() ? 0 : pad[i];
      // the right padding that makes oneDNN's (floor) extent the output's (floor or ceil)
      pr[i] = (y.get(i + 2) - 1) * s[i] + k[i] - in - pl[i];
    }
    return new Windows(k, s, pl, pr);
  }

  @Override
  public Kernel make(Dnnl dnnl, Pooling.Params p, KernelSignature sig, int threads) {
    return new PoolKernel(dnnl, p, sig, threads);
  }

  private static final class PoolKernel extends DnnlKernel implements Follower {
    private final boolean max;
    private final Follower.Variants variants;
    private final memory.desc srcMd;
    private final memory.desc dstMd;
    private final Prim infer;
    private final Prim train;
    private final memory.desc workspaceMd;
    private final long dstSlot;
    private final long workspaceSlot;
    private final Operand diffSrc;
    private final Prim bwd;

    PoolKernel(Dnnl dnnl, Pooling.Params p, KernelSignature sig, int threads) {
      super(dnnl, threads, "Pooling", sig);
      Windows w = windows(p, sig);
      max = p.poolType() == PoolType.MAX;
      boolean includePad = p.countIncludePad() == null || p.countIncludePad();
      algorithm alg = max ? algorithm.pooling_max : includePad
          ? algorithm.pooling_avg_include_padding : algorithm.pooling_avg_exclude_padding;
      srcMd = md(dims(sig.in(0).dims()), Shapes.plain(sig.in(0).ndim()));
      dstMd = md(dims(sig.out(0).dims()), Shapes.plain(sig.out(0).ndim()));
      long[] dilation = new long[w.kernel.length];
      primitive_attr attr = userScratchpad();
      Scratch f0 = forwardScratch;
      var ipd = new pooling_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
          alg, srcMd, dstMd, w.stride, w.kernel, dilation, w.padL, w.padR, attr, false);
      infer = new Prim(ipd, new pooling_forward(ipd), f0);
      Scratch b0 = backwardScratch;
      var tpd = new pooling_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
          alg, srcMd, dstMd, w.stride, w.kernel, dilation, w.padL, w.padR, attr, false);
      train = max ? new Prim(tpd, new pooling_forward(tpd), b0) : null;
      workspaceMd = max ? tpd.workspace_desc() : null;
      dstSlot = max ? b0.reserve(dstMd.get_size()) : -1;
      workspaceSlot = max ? b0.reserve(workspaceMd.get_size()) : -1;
      var bpd = new pooling_backward.primitive_desc(dnnl.engine, alg, srcMd, dstMd, w.stride,
          w.kernel, dilation, w.padL, w.padR, tpd, attr, false);
      diffSrc = Operand.output(dnnl, srcMd, bpd.diff_src_desc(), b0);
      bwd = new Prim(bpd, new pooling_backward(bpd), b0);
      memory.desc dstAny = md(dims(sig.out(0).dims()), memory.format_tag.any);
      variants = new Follower.Variants(in -> new BlockedKernel(dnnl, threads, "Pooling", sig, in,
          dstMd, src -> {
            var pd = new pooling_forward.primitive_desc(dnnl.engine,
                prop_kind.forward_inference, alg, src, dstAny, w.stride, w.kernel, dilation,
                w.padL, w.padR, attr, false);
            return new WeightedKernel.Pass(pd, new pooling_forward(pd));
          }, (c, a, i, o) -> { }));
    }

    @Override
    public Follower.Variants variants() {
      return variants;
    }

    @Override
    public String implementation() {
      return Dnnl.NAME + " " + infer.impl();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      try (Call c = call(ctx)) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, c.wrap(srcMd, in[0].data()));
        a.put(DNNL_ARG_DST, c.wrap(dstMd, out[0].data()));
        run(c, "forward", infer, a);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs b) {
      if (!b.wants(0)) {
        return;
      }
      try (Call c = call(ctx)) {
        Args a = c.args();
        if (max) {
          memory ws = c.slot(workspaceMd, workspaceSlot);
          Args f = c.args();
          f.put(DNNL_ARG_SRC, c.wrap(srcMd, b.in()[0].data()));
          f.put(DNNL_ARG_DST, c.slot(dstMd, dstSlot));
          f.put(DNNL_ARG_WORKSPACE, ws);
          run(c, "forward (workspace for backward)", train, f);
          a.put(DNNL_ARG_WORKSPACE, ws);
        }
        a.put(DNNL_ARG_DIFF_DST, c.wrap(dstMd, b.outGrad()[0].data()));
        memory dx = diffSrc.target(c, b.inGrad()[0].data(), b.adds(0));
        a.put(DNNL_ARG_DIFF_SRC, dx);
        run(c, "backward", bwd, a);
        diffSrc.store(c, dx, b.inGrad()[0].data(), b.adds(0));
      }
    }
  }
}
