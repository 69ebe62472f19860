package org.kindling.tensor.winograd;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelProvider;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.nn.Convolution;

/**
 * The {@code winograd} backend: a Convolution kernel factory that takes over 3x3 stride-1
 * convolutions ({@link Conditions}) where {@link CpuAccel} allows and, in {@code auto} mode,
 * where Winograd measured faster for that shape than the kernel the other backends would give
 * ({@link BindTimeChoice}: oneDNN's where it runs, else the default im2col + sgemm kernel);
 * elsewhere it returns null and that kernel runs them. The kernel runs inference passes only
 * (training passes go to that kernel inside it), unless {@value #TRAINING} is {@code true} in
 * {@code force} mode ({@link WinogradKernel} says why training is opt-in).
 */
@AutoService(KernelProvider.class)
public final class WinogradKernels implements KernelProvider {
  /**
   * Above every other backend (oneDNN is 10, the default kernels 0): this factory is asked
   * first and measures itself against what the others would give.
   */
  static final int PRIORITY = 20;

  /** System property: {@code true} runs training passes as Winograd too, in {@code force} mode. */
  static final String TRAINING = "kindling.winograd.training";

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
      return WinogradKernels.create(p, sig, CpuAccel.settings().mode());
    }
  };

  @Override
  public List<Registration<?>> registrations() {
    return List.of(new Registration<>(Convolution.OP, FACTORY));
  }

  /** The Winograd kernel for {@code p} and {@code sig} in {@code mode}, or null. */
  static WinogradKernel create(Convolution.Params p, KernelSignature sig, CpuAccel.Mode mode) {
    if (mode == CpuAccel.Mode.OFF || Conditions.refusal(p, sig) != null) {
      return null;
    }
    int threads = CpuAccel.settings().threads();
    BindTimeChoice.Decision d = BindTimeChoice.decide(p, sig, threads);
    Variant v = mode == CpuAccel.Mode.FORCE ? d.fasterWinograd() : d.variant();
    boolean training = mode == CpuAccel.Mode.FORCE && Boolean.getBoolean(TRAINING);
    return v == null ? null
        : new WinogradKernel(v, training, p, sig, fallbackKernel(p, sig), threads);
  }

  /**
   * The kernel the other backends give for {@code p} and {@code sig}: the highest-priority
   * factory below this one that accepts them (oneDNN's, or the default kernel).
   */
  static Kernel fallbackKernel(Convolution.Params p, KernelSignature sig) {
    for (KernelFactory<Convolution.Params> f : OpRegistry.factories(Convolution.OP)) {
      if (f.priority() < PRIORITY) {
        Kernel k = f.create(p, sig);
        if (k != null) {
          return k;
        }
      }
    }
    throw new IllegalStateException("no Convolution kernel below the winograd backend for "
        + sig); // cannot happen: the default kernel runs every float32 convolution
  }
}
