package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * {@code FullyConnected} on oneDNN's inner product, forward and all three gradients: the data
 * as a {@code (rows, K)} matrix (K the flattened or last axis, as the default kernel), weight
 * {@code (num_hidden, K)}, bias {@code (num_hidden,)} (a {@code (num_hidden, 1)} bias has the
 * same bytes).
 */
final class DnnlFullyConnected implements DnnlFactory.Rules<FullyConnected.Params> {
  @Override
  public String unsupported(FullyConnected.Params p, KernelSignature sig) {
    return Shapes.empty(sig);
  }

  @Override
  public Kernel make(Dnnl dnnl, FullyConnected.Params p, KernelSignature sig, int threads) {
    return kernel(dnnl, p, sig, threads, false);
  }

  /**
   * The forward (with a fused ReLU if {@code relu}), backward-data and backward-weights
   * primitives of one layer.
   */
  private static WeightedKernel kernel(Dnnl dnnl, FullyConnected.Params p, KernelSignature sig,
      int threads, boolean relu) {
    int k = sig.in(1).get(1);
    int n = p.numHidden();
    long rows = sig.in(0).size() / k;
    long[] srcDims = {rows, k};
    long[] wDims = {n, k};
    long[] dstDims = {rows, n};
    memory.desc biasMd = p.noBias() ? null : DnnlKernel.md(DnnlKernel.dims(n), format_tag.x);
    memory.desc srcAny = DnnlKernel.md(srcDims, format_tag.any);
    memory.desc wAny = DnnlKernel.md(wDims, format_tag.any);
    memory.desc dstAny = DnnlKernel.md(dstDims, format_tag.any);
    primitive_attr attr = DnnlKernel.userScratchpad();
    primitive_attr fwdAttr = DnnlKernel.userScratchpad(relu);
    var fpd = biasMd != null
        ? new inner_product_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
            srcAny, wAny, biasMd, dstAny, fwdAttr, false)
        : new inner_product_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
            srcAny, wAny, dstAny, fwdAttr, false);
    var bdpd = new inner_product_backward_data.primitive_desc(dnnl.engine, srcAny, wAny, dstAny,
        fpd, attr, false);
    var bwpd = biasMd != null
        ? new inner_product_backward_weights.primitive_desc(dnnl.engine, srcAny, wAny, biasMd,
            dstAny, fpd, attr, false)
        : new inner_product_backward_weights.primitive_desc(dnnl.engine, srcAny, wAny, dstAny,
            fpd, attr, false);
    var user = new WeightedKernel.UserLayouts(DnnlKernel.md(srcDims, format_tag.nc),
        DnnlKernel.md(wDims, format_tag.oi), DnnlKernel.md(dstDims, format_tag.nc), biasMd);
    return new WeightedKernel(dnnl, threads, relu ? "FullyConnected+relu" : "FullyConnected",
        sig, user,
        new WeightedKernel.Pass(fpd, new inner_product_forward(fpd)),
        new WeightedKernel.Pass(bdpd, new inner_product_backward_data(bdpd)),
        new WeightedKernel.Pass(bwpd, new inner_product_backward_weights(bwpd)),
        relu ? null : act -> DnnlKernel.isRelu(act) ? kernel(dnnl, p, sig, threads, true) : null);
  }
}
