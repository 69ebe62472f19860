package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Convolution;

/**
 * 1-D, 2-D and 3-D {@code Convolution} (NCW, NCHW, NCDHW) on oneDNN: forward, data, weight and
 * bias gradients, any stride, padding, dilation, groups and bias. Every descriptor is
 * {@code format_tag.any}, so oneDNN picks its blocked layouts and its fast implementations (a
 * plain {@code nchw} descriptor gets a reference kernel 300 times slower); the data, weights and
 * gradients are reordered into the workspace per call (weights too: they change between
 * training steps).
 */
final class DnnlConvolution extends WeightedRules<Convolution.Params> {
  DnnlConvolution() {
    super("Convolution");
  }

  @Override
  Layer layer(Dnnl dnnl, Convolution.Params p, KernelSignature sig,
      primitive_attr forwardAttr) {
    // the same pad on both sides: oneDNN's output extent (floor) is then MXNet's
    long[] pad = DnnlKernel.dims(Shapes.orDefault(p.pad(), p.kernel().length, 0));
    ConvDescs d = ConvDescs.of(sig, p.numGroup(), p.kernel(), p.stride(), p.dilate(), pad, pad,
        !p.noBias(), false);
    primitive_attr attr = DnnlKernel.userScratchpad();
    algorithm direct = algorithm.convolution_direct;
    var fpd = new convolution_forward.primitive_desc(dnnl.engine, prop_kind.forward_training,
        direct, d.src(), d.weights(), d.bias(), d.dst(), d.strides(), d.dilates(), d.padL(),
        d.padR(), forwardAttr, false);
    var ipd = new convolution_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
        direct, d.src(), d.weights(), d.bias(), d.dst(), d.strides(), d.dilates(), d.padL(),
        d.padR(), forwardAttr, false);
    var bdpd = new convolution_backward_data.primitive_desc(dnnl.engine, direct, d.src(),
        d.weights(), d.dst(), d.strides(), d.dilates(), d.padL(), d.padR(), fpd, attr, false);
    var bwpd = new convolution_backward_weights.primitive_desc(dnnl.engine, direct, d.src(),
        d.weights(), d.bias(), d.dst(), d.strides(), d.dilates(), d.padL(), d.padR(), fpd, attr,
        false);
    return new Layer(d.user(), new WeightedKernel.Pass(fpd, new convolution_forward(fpd)),
        new WeightedKernel.Pass(ipd, new convolution_forward(ipd)),
        new WeightedKernel.Pass(bdpd, new convolution_backward_data(bdpd)),
        new WeightedKernel.Pass(bwpd, new convolution_backward_weights(bwpd)));
  }
}
