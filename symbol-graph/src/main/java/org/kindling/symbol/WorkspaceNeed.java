package org.kindling.symbol;

/**
 * The largest workspace the kernels of one executor ask for, and whose it is: the executor
 * allocates one workspace array, which holds at most {@link Integer#MAX_VALUE} bytes, so a
 * kernel asking for more is an error naming it rather than a buffer silently cut short.
 */
final class WorkspaceNeed {
  private long bytes;
  private String node;

  /** Notes that {@code node}'s kernel needs {@code size} bytes. */
  void add(long size, Object node) {
    if (size > bytes) {
      bytes = size;
      this.node = String.valueOf(node);
    }
  }

  /** The node that needs {@link #bytes()}, or null if none needs any. */
  String node() {
    return node;
  }

  /** The bytes the workspace must have (0 if no kernel asks for any). */
  long bytes() {
    return bytes;
  }

  /**
   * The bytes as the size of one array.
   *
   * @throws IllegalStateException if a kernel needs more than one array holds
   */
  int arrayBytes() {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalStateException("node " + node + " needs " + bytes
          + " bytes of kernel workspace, more than one array holds (" + Integer.MAX_VALUE
          + "); bind a smaller batch, or for a oneDNN kernel lower -Dkindling.dnnl.maxWorkspace"
          + " (it then runs in sub-batches) or use -Dkindling.cpu.accel=off");
    }
    return (int) bytes;
  }
}
