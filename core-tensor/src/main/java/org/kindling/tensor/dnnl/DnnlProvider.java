package org.kindling.tensor.dnnl;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.KernelProvider;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.nn.LRN;
import org.kindling.tensor.op.nn.Pooling;
import org.kindling.tensor.op.shape.Concat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oneDNN backend's kernels (docs/accel.md lists what each runs and what falls back). None if
 * the oneDNN preset's classes are not on the class path (a jar built without them): the default
 * kernels then run everything.
 */
@AutoService(KernelProvider.class)
public final class DnnlProvider implements KernelProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DnnlProvider.class);

  @Override
  public List<Registration<?>> registrations() {
    try {
      return kernels();
    } catch (LinkageError e) {
      LOG.warn("oneDNN's classes are not on the class path ({}); CPU operators use the default "
          + "kernels", e.toString());
      return List.of();
    }
  }

  private static List<Registration<?>> kernels() {
    return List.of(
        new Registration<>(Convolution.OP,
            new DnnlFactory<>("Convolution", new DnnlConvolution())),
        new Registration<>(Deconvolution.OP,
            new DnnlFactory<>("Deconvolution", new DnnlDeconvolution())),
        new Registration<>(FullyConnected.OP,
            new DnnlFactory<>("FullyConnected", new DnnlFullyConnected())),
        new Registration<>(Pooling.OP, new DnnlFactory<>("Pooling", new DnnlPooling())),
        new Registration<>(BatchNorm.OP, new DnnlFactory<>("BatchNorm", new DnnlBatchNorm())),
        new Registration<>(Activation.OP,
            new DnnlFactory<>("Activation", new DnnlActivation())),
        new Registration<>(LRN.OP, new DnnlFactory<>("LRN", new DnnlLrn())),
        new Registration<>(Concat.OP, new DnnlFactory<>("Concat", new DnnlConcat())));
  }
}
