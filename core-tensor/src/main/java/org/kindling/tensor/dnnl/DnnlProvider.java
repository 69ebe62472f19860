package org.kindling.tensor.dnnl;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.KernelProvider;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.nn.Pooling;

/** The oneDNN backend's kernels (docs/accel.md lists what each runs and what falls back). */
@AutoService(KernelProvider.class)
public final class DnnlProvider implements KernelProvider {
  @Override
  public List<Registration<?>> registrations() {
    return List.of(
        new Registration<>(Convolution.OP,
            new DnnlFactory<>("Convolution", new DnnlConvolution())),
        new Registration<>(FullyConnected.OP,
            new DnnlFactory<>("FullyConnected", new DnnlFullyConnected())),
        new Registration<>(Pooling.OP, new DnnlFactory<>("Pooling", new DnnlPooling())),
        new Registration<>(BatchNorm.OP, new DnnlFactory<>("BatchNorm", new DnnlBatchNorm())));
  }
}
