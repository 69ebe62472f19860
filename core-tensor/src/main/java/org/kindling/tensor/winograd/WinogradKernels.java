package org.kindling.tensor.winograd;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelProvider;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Convolution;

/**
 * The {@code winograd} backend: a Convolution kernel factory that takes over 3x3 stride-1
 * convolutions ({@link Conditions}) where {@link AccelMode} allows and, in {@code auto} mode,
 * where Winograd measured faster for that shape ({@link BindTimeChoice}); elsewhere it returns
 * null and the next factory (the default im2col + sgemm kernel) runs them. In {@code auto} the
 * kernel runs inference passes only (training passes go to the default kernel inside it); in
 * {@code force} training passes too ({@link WinogradKernel}).
 */
@AutoService(KernelProvider.class)
public final class WinogradKernels implements KernelProvider {
  /**
   * Below a oneDNN backend (which takes what it accepts) and above the default kernels (0).
   */
  static final int PRIORITY = 5;

  /** The factory. */
  static final KernelFactory<Convolution.Params> FACTORY = new KernelFactory<>() {
    @Override
    public String backend() {
      return "winograd";
    }

    @Override
    public int priority() {
      return PRIORITY;
    }

    @Override
    public Kernel create(Convolution.Params p, KernelSignature sig) {
      return WinogradKernels.create(p, sig, AccelMode.current());
    }
  };

  @Override
  public List<Registration<?>> registrations() {
    return List.of(new Registration<>(Convolution.OP, FACTORY));
  }

  /** The Winograd kernel for {@code p} and {@code sig} in {@code mode}, or null. */
  static WinogradKernel create(Convolution.Params p, KernelSignature sig, AccelMode mode) {
    if (mode == AccelMode.OFF || Conditions.refusal(p, sig) != null) {
      return null;
    }
    BindTimeChoice.Decision d = BindTimeChoice.decide(p, sig);
    Variant v = mode == AccelMode.FORCE ? d.fasterWinograd() : d.variant();
    return v == null ? null
        : new WinogradKernel(v, mode == AccelMode.FORCE, p, sig, defaultKernel(p, sig));
  }

  /** The default kernel, made by Convolution's own factory. */
  static Kernel defaultKernel(Convolution.Params p, KernelSignature sig) {
    return Convolution.OP.kernels().get(0).create(p, sig);
  }
}
