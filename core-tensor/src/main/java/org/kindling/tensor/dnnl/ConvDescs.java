package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.kindling.tensor.op.KernelSignature;

/**
 * The descriptors a convolution and a deconvolution of 1 to 3 spatial dimensions share: data
 * {@code (N, IC, in...)} and result {@code (N, OC, out...)} as the signature's input 0 and
 * output 0, weights {@code (OC, IC, k...)} or {@code (g, OC/g, IC/g, k...)} for {@code g > 1}
 * groups, bias {@code (OC,)}; the primitive's layouts ({@code format_tag.any}), the caller's
 * (row-major), and the window (oneDNN counts dilation from 0).
 *
 * @param bias the bias for the primitives: the caller's, or a zero descriptor for none
 */
record ConvDescs(memory.desc src, memory.desc weights, memory.desc bias, memory.desc dst,
    long[] strides, long[] dilates, long[] padL, long[] padR, WeightedKernel.UserLayouts user) {

  /**
   * @param stride MXNet's {@code stride}, {@code ()} for 1s
   * @param dilate MXNet's {@code dilate}, {@code ()} for 1s
   * @param inputsFirst the caller's weights are {@code (IC, OC/g, k...)} (Deconvolution's), not
   *     {@code (OC, IC/g, k...)} (Convolution's)
   */
  static ConvDescs of(KernelSignature sig, int groups, int[] kernel, int[] stride,
      int[] dilate, long[] padL, long[] padR, boolean bias, boolean inputsFirst) {
    int nd = kernel.length;
    long[] srcDims = DnnlKernel.dims(sig.in(0).dims());
    long[] dstDims = DnnlKernel.dims(sig.out(0).dims());
    long ic = srcDims[1];
    long oc = dstDims[1];
    int grouped = groups > 1 ? 1 : 0;
    long[] wDims = new long[nd + 2 + grouped];
    wDims[0] = groups;
    wDims[grouped] = oc / groups;
    wDims[grouped + 1] = ic / groups;
    for (int i = 0; i < nd; i++) {
      wDims[grouped + 2 + i] = kernel[i];
    }
    long[] dilates = DnnlKernel.dims(Shapes.orDefault(dilate, nd, 1));
    for (int i = 0; i < nd; i++) {
      dilates[i]--;
    }
    memory.desc biasMd = bias ? DnnlKernel.md(DnnlKernel.dims((int) oc), format_tag.x) : null;
    format_tag wTag = inputsFirst ? Shapes.inputsFirst(wDims.length, grouped == 1)
        : Shapes.plain(wDims.length);
    var user = new WeightedKernel.UserLayouts(DnnlKernel.md(srcDims, Shapes.plain(nd + 2)),
        DnnlKernel.md(wDims, wTag), DnnlKernel.md(dstDims, Shapes.plain(nd + 2)), biasMd);
    return new ConvDescs(DnnlKernel.md(srcDims, format_tag.any),
        DnnlKernel.md(wDims, format_tag.any), bias ? biasMd : new memory.desc(),
        DnnlKernel.md(dstDims, format_tag.any),
        DnnlKernel.dims(Shapes.orDefault(stride, nd, 1)), dilates, padL, padR, user);
  }
}
