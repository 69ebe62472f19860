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
 *
 * <p>An inference pass of at most {@link #GEMV_ROWS} rows runs oneDNN's {@code gemm:jit} inner
 * product over the plain weights where oneDNN offers it for the layer (its post-ops included),
 * and the implementation oneDNN ranks first otherwise (decision 0057).
 */
final class DnnlFullyConnected extends WeightedRules<FullyConnected.Params> {
  /**
   * The most rows (batch 1 and 2) whose inference pass runs the {@code gemm:jit} inner product:
   * a matrix-vector product that streams the weights, with less CPU per byte than the {@code
   * brg_matmul} oneDNN ranks first (7-13% less, up to 29%, on every AlexNet and VGG classifier
   * layer on the 2-core Xeon); from 4 rows on it costs 1.7-2x the {@code brg_matmul}, and 3
   * rows are within 4% (docs/benchmarks.md, h-fc).
   */
  static final int GEMV_ROWS = 2;

  /** What oneDNN's name of its GEMM-based inner product contains ({@code x64:gemm:jit}). */
  static final String GEMV_IMPL = "gemm:jit";

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
    var ipd = rows <= GEMV_ROWS ? gemv(dnnl, srcDims, wDims, bias, dstDims, forwardAttr) : null;
    if (ipd == null) {
      ipd = new inner_product_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
          srcAny, wAny, bias, dstAny, forwardAttr, false);
    }
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

  /**
   * The inference inner product of oneDNN's {@code gemm:jit} implementation over row-major
   * data, weights and output (the weights then are read in place, no kept copy), or null if
   * oneDNN has none for this layer and these post-ops. oneDNN ranks {@code brg_matmul} first
   * for every shape, so the descriptor's implementations are walked to find it.
   */
  private static inner_product_forward.primitive_desc gemv(Dnnl dnnl, long[] srcDims,
      long[] wDims, memory.desc bias, long[] dstDims, primitive_attr attr) {
    inner_product_forward.primitive_desc pd;
    try {
      pd = new inner_product_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
          DnnlKernel.md(srcDims, format_tag.nc), DnnlKernel.md(wDims, format_tag.oi), bias,
          DnnlKernel.md(dstDims, format_tag.nc), attr, false);
    } catch (RuntimeException e) {
      return null; // no implementation at all for plain layouts: the default choice below
    }
    do {
      if (pd.impl_info_str().getString().contains(GEMV_IMPL)) {
        return pd;
      }
    } while (pd.next_impl());
    return null;
  }
}
