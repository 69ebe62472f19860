package org.kindling.tensor.op;

/**
 * A kernel that can read its input 0 and write its output 0 in a layout of its backend's own
 * ({@link Layout}), so that an executor keeps a value in that layout between two such kernels
 * and reorders only where another kernel, a head or the caller reads it (oneDNN's blocked
 * formats between consecutive oneDNN layers).
 *
 * <p>The contract, per value: its producer states the layout it writes natively ({@link
 * #nativeOutput}); the value is kept in that layout only if every reader {@link #reads} it; then
 * each kernel is replaced by its {@link #withLayouts} variant, which gets {@link TensorView}s
 * whose {@link TensorView#layout()} is the agreed layout and whose buffers hold {@link
 * Layout#bytes} bytes. Shapes stay the logical ones. Only a forward pass without gradients uses
 * this (the variants need not run {@link Kernel#backward}).
 */
public interface LayoutAware {
  /**
   * The layout output 0 comes out of this kernel in without a reorder, when input 0 is read in
   * {@code input}; {@link Layout#ROW_MAJOR} if the kernel has no layout of its own.
   */
  Layout nativeOutput(Layout input);

  /** True if this kernel can read input 0 in layout {@code input} (row-major always). */
  boolean reads(Layout input);

  /**
   * A kernel computing what this one does, reading input 0 in {@code input} and writing output 0
   * in {@code output} (every other input and output row-major), or null if it cannot.
   *
   * @param input row-major or a layout {@link #reads} accepts
   * @param output row-major or {@link #nativeOutput nativeOutput(input)}
   */
  Kernel withLayouts(Layout input, Layout output);
}
