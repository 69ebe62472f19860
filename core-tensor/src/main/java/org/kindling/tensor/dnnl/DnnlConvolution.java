package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Convolution;

/**
 * 2-D {@code Convolution} on oneDNN: forward, data, weight and bias gradients, any stride,
 * padding, dilation, groups and bias. Every descriptor is {@code format_tag.any}, so oneDNN picks
 * its blocked layouts and its fast implementations (a plain {@code nchw} descriptor gets a
 * reference kernel 300 times slower); the data, weights and gradients are reordered into the
 * workspace per call (weights too: they change between training steps).
 */
final class DnnlConvolution implements DnnlFactory.Rules<Convolution.Params> {
  @Override
  public String unsupported(Convolution.Params p, KernelSignature sig) {
    if (p.kernel().length != 2) {
      return p.kernel().length + "-D convolution (oneDNN runs 2-D here)";
    }
    return Shapes.empty(sig);
  }

  @Override
  public Kernel make(Dnnl dnnl, Convolution.Params p, KernelSignature sig, int threads) {
    return kernel(dnnl, p, sig, threads, false);
  }

  /**
   * The forward (with a fused ReLU if {@code relu}), backward-data and backward-weights
   * primitives of one convolution.
   */
  private static WeightedKernel kernel(Dnnl dnnl, Convolution.Params p, KernelSignature sig,
      int threads, boolean relu) {
    Shape d = sig.in(0);
    int g = p.numGroup();
    int f = p.numFilter();
    int[] k = p.kernel();
    long[] srcDims = DnnlKernel.dims(d.dims());
    long[] dstDims = DnnlKernel.dims(sig.out(0).dims());
    long[] wDims = g == 1 ? DnnlKernel.dims(f, d.get(1), k[0], k[1])
        : DnnlKernel.dims(g, f / g, d.get(1) / g, k[0], k[1]);
    long[] strides = DnnlKernel.dims(Shapes.orDefault(p.stride(), 2, 1));
    long[] dilates = DnnlKernel.dims(Shapes.orDefault(p.dilate(), 2, 1));
    dilates[0]--;
    dilates[1]--; // oneDNN counts dilation from 0
    // the same pad on both sides: oneDNN's output extent (floor) is then MXNet's
    long[] pad = DnnlKernel.dims(Shapes.orDefault(p.pad(), 2, 0));
    memory.desc biasMd = p.noBias() ? null : DnnlKernel.md(DnnlKernel.dims(f), format_tag.x);
    memory.desc srcAny = DnnlKernel.md(srcDims, format_tag.any);
    memory.desc wAny = DnnlKernel.md(wDims, format_tag.any);
    memory.desc dstAny = DnnlKernel.md(dstDims, format_tag.any);
    primitive_attr attr = DnnlKernel.userScratchpad();
    primitive_attr fwdAttr = DnnlKernel.userScratchpad(relu);
    algorithm direct = algorithm.convolution_direct;
    var fpd = biasMd != null
        ? new convolution_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
            direct, srcAny, wAny, biasMd, dstAny, strides, dilates, pad, pad, fwdAttr, false)
        : new convolution_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
            direct, srcAny, wAny, dstAny, strides, dilates, pad, pad, fwdAttr, false);
    var bdpd = new convolution_backward_data.primitive_desc(dnnl.engine, direct, srcAny, wAny,
        dstAny, strides, dilates, pad, pad, fpd, attr, false);
    var bwpd = biasMd != null
        ? new convolution_backward_weights.primitive_desc(dnnl.engine, direct, srcAny, wAny,
            biasMd, dstAny, strides, dilates, pad, pad, fpd, attr, false)
        : new convolution_backward_weights.primitive_desc(dnnl.engine, direct, srcAny, wAny,
            dstAny, strides, dilates, pad, pad, fpd, attr, false);
    var user = new WeightedKernel.UserLayouts(DnnlKernel.md(srcDims, format_tag.nchw),
        DnnlKernel.md(wDims, g == 1 ? format_tag.oihw : format_tag.goihw),
        DnnlKernel.md(dstDims, format_tag.nchw), biasMd);
    return new WeightedKernel(dnnl, threads, relu ? "Convolution+relu" : "Convolution", sig, user,
        new WeightedKernel.Pass(fpd, new convolution_forward(fpd)),
        new WeightedKernel.Pass(bdpd, new convolution_backward_data(bdpd)),
        new WeightedKernel.Pass(bwpd, new convolution_backward_weights(bwpd)),
        relu ? null : act -> DnnlKernel.isRelu(act) ? kernel(dnnl, p, sig, threads, true) : null);
  }
}
