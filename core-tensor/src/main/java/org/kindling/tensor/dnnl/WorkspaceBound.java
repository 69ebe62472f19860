package org.kindling.tensor.dnnl;

/**
 * The most workspace one oneDNN kernel may ask for: {@value #PROPERTY} (bytes, default
 * {@value #DEFAULT}, 1 GiB; an executor's workspace is one buffer of at most 2^31-1 bytes). A
 * weighted layer above it runs in sub-batches ({@link SubBatchKernel}); one whose single sample
 * is still above it is declined ({@link Declined}), and the default kernel runs it.
 */
final class WorkspaceBound {
  /** The system property. */
  static final String PROPERTY = "kindling.dnnl.maxWorkspace";
  /** 1 GiB. */
  static final long DEFAULT = 1L << 30;

  private WorkspaceBound() {}

  /**
   * The bound now (read per kernel, so that a test can lower it).
   *
   * @throws IllegalArgumentException if the property is not a positive number below 2^31
   */
  static long bytes() {
    String v = System.getProperty(PROPERTY);
    if (v == null) {
      return DEFAULT;
    }
    try {
      long b = Long.parseLong(v.trim());
      if (b > 0 && b <= Integer.MAX_VALUE) {
        return b;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + PROPERTY + "=" + v
        + " must be a number of bytes between 1 and " + Integer.MAX_VALUE);
  }

  /** Thrown where a layer cannot fit the bound even one sample at a time. */
  static final class Declined extends RuntimeException {
    Declined(String message) {
      super(message);
    }
  }
}
