package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.lrn_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import java.nio.ByteBuffer;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.LRN;

/**
 * {@code LRN}'s output on oneDNN's across-channels LRN primitive, as MXNet's MKL-DNN build runs
 * it (AlexNet's two LRN layers): {@code x · (knorm + alpha/nsize · Σ_window x²)^-beta} over the
 * row-major {@code (N, C, H, W)} data, with oneDNN's window of {@code nsize} channels centred
 * on each channel and clipped to the tensor, which is MXNet's.
 *
 * <p>The hidden output {@code tmp_norm} (oneDNN's LRN exposes no normalizer) is written by the
 * default kernel's sums in training passes only: an inference pass leaves it unwritten, as
 * MXNet's MKL-DNN build does ({@code MKLDNNLRNForward} writes the output alone), for those sums
 * would cost twice oneDNN's whole LRN. The backward pass runs on the default kernel from a
 * {@code tmp_norm} it sums again from the data (the same bits), so it is right after either
 * pass. oneDNN raises the normalizer to {@code -beta} its own way: the output is within a few
 * units in the last place of the default kernel's (Java's double-precision power, rounded).
 *
 * <p>In an inference binding it also reads data in a producer's oneDNN layout ({@link
 * Follower}: AlexNet's convolutions write {@code nChw16c}) and writes the output in the layout
 * its primitive picks for it, so that the convolution before it, the LRN and the pooling after it
 * stay blocked instead of reordering out and back in around each LRN.
 */
final class DnnlLrn implements DnnlFactory.Rules<LRN.Params> {

  @Override
  public String unsupported(LRN.Params p, KernelSignature sig) {
    return Shapes.empty(sig); // the operator itself takes 4-D data and odd nsize only
  }

  @Override
  public Kernel make(Dnnl dnnl, LRN.Params p, KernelSignature sig, int threads) {
    return new LrnKernel(dnnl, p, sig, threads);
  }

  private static final class LrnKernel extends DnnlKernel implements Follower {
    private final LRN.Params p;
    private final Follower.Variants variants;
    private final Shape data;
    private final memory.desc md;
    private final Prim fwd;
    private final DataGradientKernel defaultKernel;
    /** Where the backward pass keeps {@code tmp_norm}, and the default kernel's scratch. */
    private final long normSlot;
    private final long defaultSlot;

    LrnKernel(Dnnl dnnl, LRN.Params p, KernelSignature sig, int threads) {
      super(dnnl, threads, "LRN", sig);
      this.p = p;
      this.data = sig.in(0);
      md = md(dims(data.dims()), format_tag.nchw);
      // inference: no workspace (the gradient runs on the default kernel)
      var fpd = new lrn_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
          algorithm.lrn_across_channels, md, md, p.nsize(), p.alpha(), p.beta(), p.knorm(),
          userScratchpad(), false);
      fwd = new Prim(fpd, new lrn_forward(fpd), forwardScratch);
      defaultKernel = LRN.defaultKernel(p, data);
      normSlot = backwardScratch.reserve(4 * data.size());
      defaultSlot = backwardScratch.reserve(defaultKernel.workspaceBytes());
      // blocked data: inference passes only (the executor runs no other pass on blocked values),
      // which leave tmp_norm unwritten as the row-major inference pass does
      memory.desc dstAny = md(dims(data.dims()), format_tag.any);
      variants = new Follower.Variants(in -> new BlockedKernel(dnnl, threads, "LRN", sig, in,
          md, src -> {
            var pd = new lrn_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
                algorithm.lrn_across_channels, src, dstAny, p.nsize(), p.alpha(), p.beta(),
                p.knorm(), userScratchpad(), false);
            return new WeightedKernel.Pass(pd, new lrn_forward(pd));
          }, (c, a, i, o) -> { }));
    }

    @Override
    public Follower.Variants variants() {
      return variants;
    }

    @Override
    public String implementation() {
      return Dnnl.NAME + " " + fwd.impl();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      try (Call c = call(ctx)) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, c.wrap(md, in[0].data()));
        a.put(DNNL_ARG_DST, c.wrap(md, out[0].data()));
        run(c, "forward", fwd, a);
      }
      if (ctx.isTrain()) {
        LRN.normalizers(p, data, in[0].floats(), out[1].floats());
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs b) {
      TensorView norm = TensorView.of(Scratch.slice(ctx.workspace(), normSlot, 4 * data.size()),
          DType.FLOAT32, data);
      LRN.normalizers(p, data, b.in()[0].floats(), norm.floats());
      ByteBuffer rest = Scratch.slice(ctx.workspace(), defaultSlot,
          defaultKernel.workspaceBytes());
      defaultKernel.backward(new OpContext(ctx.isTrain(), rest, ctx.random()),
          new BackwardArgs(b.outGrad(), b.in(), new TensorView[] {b.out()[0], norm},
              b.inGrad(), b.req()));
    }
  }
}
