package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * {@code FullyConnected} on oneDNN's inner product, forward and all three gradients: the data
 * as a {@code (rows, K)} matrix (K the flattened or last axis, as the default kernel), weight
 * {@code (num_hidden, K)}, bias {@code (num_hidden,)} (a {@code (num_hidden, 1)} bias has the
 * same bytes).
 */
final class DnnlFullyConnected extends WeightedRules<FullyConnected.Params> {
  DnnlFullyConnected() {
    super("FullyConnected");
  }

  @Override
  Layer layer(Dnnl dnnl, FullyConnected.Params p, KernelSignature sig,
      primitive_attr forwardAttr) {
    int k = sig.in(1).get(1);
    int n = p.numHidden();
    long rows = sig.in(0).size() / k;
    long[] srcDims = {rows, k};
    long[] wDims = {n, k};
    long[] dstDims = {rows, n};
    memory.desc biasMd = p.noBias() ? null : DnnlKernel.md(DnnlKernel.dims(n), format_tag.x);
    memory.desc bias = biasMd == null ? new memory.desc() : biasMd;
    memory.desc srcAny = DnnlKernel.md(srcDims, format_tag.any);
    memory.desc wAny = DnnlKernel.md(wDims, format_tag.any);
    memory.desc dstAny = DnnlKernel.md(dstDims, format_tag.any);
    primitive_attr attr = DnnlKernel.userScratchpad();
    var fpd = new inner_product_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
        srcAny, wAny, bias, dstAny, forwardAttr, false);
    var ipd = new inner_product_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
        srcAny, wAny, bias, dstAny, forwardAttr, false);
    var bdpd = new inner_product_backward_data.primitive_desc(dnnl.engine, srcAny, wAny, dstAny,
        fpd, attr, false);
    var bwpd = new inner_product_backward_weights.primitive_desc(dnnl.engine, srcAny, wAny,
        bias, dstAny, fpd, attr, false);
    var user = new WeightedKernel.UserLayouts(DnnlKernel.md(srcDims, format_tag.nc),
        DnnlKernel.md(wDims, format_tag.oi), DnnlKernel.md(dstDims, format_tag.nc), biasMd);
    return new Layer(user, new WeightedKernel.Pass(fpd, new inner_product_forward(fpd)),
        new WeightedKernel.Pass(ipd, new inner_product_forward(ipd)),
        new WeightedKernel.Pass(bdpd, new inner_product_backward_data(bdpd)),
        new WeightedKernel.Pass(bwpd, new inner_product_backward_weights(bwpd)));
  }
}
