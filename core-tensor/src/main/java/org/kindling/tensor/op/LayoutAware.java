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
 *
 * <p>A kernel with one data input (a layer) decides by input 0 alone; a kernel joining several
 * inputs (oneDNN's concat) overrides the per-input forms, {@link #reads(int, Layout)}, {@link
 * #nativeOutput(Layout[])} and {@link #withLayouts(Layout[], Layout)}, which the executor calls.
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
   * The layout this kernel reads input 0 in without a reorder (a convolution's {@code
   * src_desc}): what a producer of its own backend hands it in a chain of such kernels. By
   * default row-major, for kernels that read any layout or have none of their own. A kernel that
   * measures itself against this one (the Winograd backend's bind-time choice) feeds it so.
   */
  default Layout nativeInput() {
    return Layout.ROW_MAJOR;
  }

  /**
   * A kernel computing what this one does, reading input 0 in {@code input} and writing output 0
   * in {@code output} (every other input and output row-major), or null if it cannot.
   *
   * @param input row-major or a layout {@link #reads} accepts
   * @param output row-major or {@link #nativeOutput nativeOutput(input)}
   */
  Kernel withLayouts(Layout input, Layout output);

  /**
   * True if this kernel can read input {@code index} in layout {@code layout}: by default input 0
   * as {@link #reads(Layout)} says, every other input row-major only.
   */
  default boolean reads(int index, Layout layout) {
    return index == 0 ? reads(layout) : layout == Layout.ROW_MAJOR;
  }

  /**
   * The layout output 0 comes out in when input {@code i} is read in {@code inputs[i]} (each one
   * {@link #reads(int, Layout)} accepts): by default {@link #nativeOutput(Layout)} of input 0's.
   */
  default Layout nativeOutput(Layout[] inputs) {
    return nativeOutput(inputs[0]);
  }

  /**
   * {@link #withLayouts(Layout, Layout)} for every input's layout: by default input 0's decides
   * (a layer's other inputs are row-major, or a residual addend the kernel reads off its view).
   */
  default Kernel withLayouts(Layout[] inputs, Layout output) {
    return withLayouts(inputs[0], output);
  }
}
