package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.deconvolution_backward_data;
import org.bytedeco.dnnl.deconvolution_backward_weights;
import org.bytedeco.dnnl.deconvolution_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Deconvolution;

/**
 * 1-D, 2-D and 3-D {@code Deconvolution} (NCW, NCHW, NCDHW) on oneDNN's deconvolution: forward,
 * data, weight and bias gradients, any stride, padding, {@code adj}, {@code target_shape},
 * dilation, groups and bias. MXNet's weight {@code (C, num_filter/g, k...)} is described to oneDNN
 * as its {@code (g, num_filter/g, C/g, k...)} in a layout with those axes swapped, so the reorder
 * into the primitive's blocked layout transposes it on the way (no pass of its own). MXNet's
 * output extent {@code s(in-1) + d(k-1) + 1 - 2·pad + adj} is oneDNN's with {@code pad} on the
 * left and {@code pad - adj} on the right (negative where adj exceeds pad: oneDNN then extends
 * the output by rows that receive only the bias, as MXNet's); a {@code target_shape} gives pad
 * and adj as MXNet's {@code InferPad}, and so the right padding is what the output's extent
 * leaves.
 */
final class DnnlDeconvolution extends WeightedRules<Deconvolution.Params> {
  DnnlDeconvolution() {
    super("Deconvolution");
  }

  /** MXNet's padding, the left padding of oneDNN (MXNet's InferPad for a target_shape). */
  private static long[] padL(Deconvolution.Params p, KernelSignature sig) {
    int nd = p.kernel().length;
    boolean fromTarget = false;
    for (int t : p.targetShape()) {
      fromTarget |= t != 0;
    }
    long[] full = fullExtents(p, sig);
    long[] pad = DnnlKernel.dims(Shapes.orDefault(p.pad(), nd, 0));
    for (int i = 0; i < nd && fromTarget; i++) {
      pad[i] = (full[i] - sig.out(0).get(i + 2) + 1) / 2;
    }
    return pad;
  }

  /** The right padding that makes oneDNN's output extent the output's. */
  private static long[] padR(Deconvolution.Params p, KernelSignature sig) {
    long[] full = fullExtents(p, sig);
    long[] r = padL(p, sig);
    for (int i = 0; i < r.length; i++) {
      r[i] = full[i] - sig.out(0).get(i + 2) - r[i];
    }
    return r;
  }

  /** {@code s(in-1) + d(k-1) + 1}: the output extents without padding. */
  private static long[] fullExtents(Deconvolution.Params p, KernelSignature sig) {
    int nd = p.kernel().length;
    int[] k = p.kernel();
    int[] s = Shapes.orDefault(p.stride(), nd, 1);
    int[] d = Shapes.orDefault(p.dilate(), nd, 1);
    long[] full = new long[nd];
    for (int i = 0; i < nd; i++) {
      full[i] = (long) s[i] * (sig.in(0).get(i + 2) - 1) + (long) d[i] * (k[i] - 1) + 1;
    }
    return full;
  }

  @Override
  Layer layer(Dnnl dnnl, Deconvolution.Params p, KernelSignature sig,
      primitive_attr forwardAttr) {
    ConvDescs d = ConvDescs.of(sig, p.numGroup(), p.kernel(), p.stride(), p.dilate(),
        padL(p, sig), padR(p, sig), !p.noBias(), true);
    primitive_attr attr = DnnlKernel.userScratchpad();
    algorithm direct = algorithm.deconvolution_direct;
    var fpd = new deconvolution_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
        direct, d.src(), d.weights(), d.bias(), d.dst(), d.strides(), d.dilates(), d.padL(),
        d.padR(), forwardAttr, false);
    var ipd = new deconvolution_forward.primitive_desc(dnnl.engine,
        prop_kind.forward_inference, direct, d.src(), d.weights(), d.bias(), d.dst(),
        d.strides(), d.dilates(), d.padL(), d.padR(), forwardAttr, false);
    var bdpd = new deconvolution_backward_data.primitive_desc(dnnl.engine, direct, d.src(),
        d.weights(), d.dst(), d.strides(), d.dilates(), d.padL(), d.padR(), fpd, attr, false);
    var bwpd = new deconvolution_backward_weights.primitive_desc(dnnl.engine, direct, d.src(),
        d.weights(), d.bias(), d.dst(), d.strides(), d.dilates(), d.padL(), d.padR(), fpd,
        attr, false);
    return new Layer(d.user(), new WeightedKernel.Pass(fpd, new deconvolution_forward(fpd)),
        new WeightedKernel.Pass(ipd, new deconvolution_forward(ipd)),
        new WeightedKernel.Pass(bdpd, new deconvolution_backward_data(bdpd)),
        new WeightedKernel.Pass(bwpd, new deconvolution_backward_weights(bwpd)));
  }
}
