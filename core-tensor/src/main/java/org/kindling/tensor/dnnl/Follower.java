package org.kindling.tensor.dnnl;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.TensorView;

/**
 * A oneDNN kernel whose layer takes its layout from its data (pooling, BatchNorm, LRN, ReLU):
 * given data in a producer's oneDNN layout it runs a primitive made for that layout ({@link
 * BlockedKernel}, one per layout, made on first need) and writes the output in the layout that
 * primitive chose; row-major data gets the kernel itself.
 */
interface Follower extends LayoutAware, Kernel {
  /** The variants made so far, by layout (empty where oneDNN had no implementation). */
  final class Variants {
    private final Map<Layout, Optional<BlockedKernel>> made = new ConcurrentHashMap<>();
    private final Function<DnnlLayout, BlockedKernel> make;

    Variants(Function<DnnlLayout, BlockedKernel> make) {
      this.make = make;
    }

    /** The variant for data in {@code l}, or null if {@code l} is not oneDNN's or has none. */
    BlockedKernel of(Layout l) {
      if (!(l instanceof DnnlLayout d)) {
        return null;
      }
      return made.computeIfAbsent(l, k -> {
        try {
          return Optional.of(make.apply(d));
        } catch (RuntimeException e) {
          return Optional.empty(); // oneDNN has no implementation for that layout: reorder
        }
      }).orElse(null);
    }
  }

  /** This kernel's variants. */
  Variants variants();

  @Override
  default Layout nativeOutput(Layout input) {
    BlockedKernel v = variants().of(input);
    return v == null ? Layout.ROW_MAJOR : v.output();
  }

  @Override
  default boolean reads(Layout input) {
    return input == Layout.ROW_MAJOR || variants().of(input) != null;
  }

  @Override
  default Kernel withLayouts(Layout input, Layout output) {
    if (input == Layout.ROW_MAJOR) {
      return output == Layout.ROW_MAJOR ? this : null;
    }
    BlockedKernel v = variants().of(input);
    return v != null && (output == Layout.ROW_MAJOR || output.equals(v.output()))
        ? BlockedKernel.forOutput(v, output) : null;
  }

  /** {@code t}'s bytes as a flat float32 vector (every element of a blocked layout, padding too). */
  static int floats(TensorView t) {
    return t.data().capacity() / Float.BYTES;
  }
}
