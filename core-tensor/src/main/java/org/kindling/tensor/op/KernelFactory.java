package org.kindling.tensor.op;

/**
 * Makes kernels of one backend for one operator: the registration of MXNet's
 * {@code FCompute<cpu>} or {@code FComputeEx} for an (operator, backend, dtype). Kernels are
 * chosen when a graph is bound: among the factories that accept the parameters and signature,
 * the one of the highest {@link #priority()} wins, so an accelerated backend takes over where its
 * conditions hold and the default kernel remains the fallback.
 *
 * @param <P> the operator's parameter record
 */
public interface KernelFactory<P> {
  /** The backend's name, e.g. {@code cpu} (the default kernels) or {@code dnnl}. */
  String backend();

  /** Higher wins; the default CPU kernels have priority 0. */
  default int priority() {
    return 0;
  }

  /**
   * A kernel for these parameters and tensors, or null if this backend does not run them (an
   * unsupported dtype, stride, layout, ...).
   */
  Kernel create(P params, KernelSignature signature);

  /** A factory of the default CPU backend that makes every kernel with {@code maker}. */
  static <P> KernelFactory<P> cpu(java.util.function.BiFunction<P, KernelSignature, Kernel> maker) {
    return new KernelFactory<>() {
      @Override
      public String backend() {
        return "cpu";
      }

      @Override
      public Kernel create(P params, KernelSignature signature) {
        return maker.apply(params, signature);
      }
    };
  }
}
