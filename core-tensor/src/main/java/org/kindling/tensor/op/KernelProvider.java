package org.kindling.tensor.op;

import java.util.List;

/**
 * A backend's kernels for operators defined elsewhere (oneDNN, Winograd convolution), found as a
 * service ({@code @AutoService(KernelProvider.class)}). An operator's own default kernels come
 * from {@link OpDef#kernels()}.
 */
public interface KernelProvider {
  /** One kernel factory for one operator (its typed handle, e.g. {@code Convolution.OP}). */
  record Registration<P extends Record>(OpDef<P> op, KernelFactory<P> factory) {}

  /** The factories this backend contributes. */
  List<Registration<?>> registrations();
}
