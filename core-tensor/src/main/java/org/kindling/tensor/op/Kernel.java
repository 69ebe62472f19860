package org.kindling.tensor.op;

/**
 * A compute function bound to one operator instance and one {@link KernelSignature}: MXNet's
 * {@code FCompute}. Made by a {@link KernelFactory} when a graph is bound (or on an imperative
 * call, then cached), so that per-shape work (packing weights, creating primitives) happens once.
 *
 * <p>A kernel runs inside one engine operation, and one kernel may run on several engine threads
 * at once (imperative calls share cached kernels): per-call state belongs in the workspace. It
 * writes every element of every output; when
 * its operator declares an in-place option the output buffer may be the input buffer. It never
 * allocates per call: scratch space comes from {@link OpContext#workspace()}. Mutable inputs
 * (auxiliary states) are written in place through their input views.
 */
public interface Kernel {
  /**
   * Computes the outputs from the inputs.
   *
   * @param in input tensors, in the operator's input order
   * @param out output tensors, hidden outputs included
   */
  void forward(OpContext ctx, TensorView[] in, TensorView[] out);

  /**
   * Computes the input gradients, honouring each input's {@link GradReq}.
   *
   * @throws UnsupportedOperationException if the operator has no gradient
   */
  default void backward(OpContext ctx, BackwardArgs args) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no backward");
  }

  /** Bytes of scratch space {@link #forward} and {@link #backward} need (0 by default). */
  default long workspaceBytes() {
    return 0;
  }

  /**
   * The backend and implementation that run this kernel, for the bind-time summary and {@code
   * kindling summary --kernels}: {@value #DEFAULT_IMPLEMENTATION} for the default kernels, e.g.
   * {@code oneDNN brg_conv_fwd:avx512_core} or {@code Winograd F(6x6,3x3)} for the accelerated
   * ones (their inference forward pass's, and where a training forward runs another, that
   * one's in parentheses).
   */
  default String implementation() {
    return DEFAULT_IMPLEMENTATION;
  }

  /** What {@link #implementation()} says of a default kernel. */
  String DEFAULT_IMPLEMENTATION = "default";

  /**
   * Bytes of scratch space {@link #forward} alone needs: what an executor that never runs
   * {@link #backward} (no gradients) allocates. At most {@link #workspaceBytes()}, which it is by
   * default; a kernel whose backward plan is larger says so here.
   */
  default long forwardWorkspaceBytes() {
    return workspaceBytes();
  }

  /**
   * Bytes of scratch space an inference call of {@link #forward} ({@link OpContext#isTrain()}
   * false, the inputs stamped) needs: what an executor that runs nothing else (a laid-out
   * inference binding, whose training forwards run on a row-major twin) allocates for this
   * kernel, so a kernel need not count here the reorder slots or training plans such calls
   * leave unused (decision 0069). At most {@link #forwardWorkspaceBytes()}, which it is by
   * default.
   */
  default long inferenceWorkspaceBytes() {
    return forwardWorkspaceBytes();
  }

  /**
   * Frees now what this kernel keeps between calls outside the workspace (weights kept in its
   * backend's layout, transformed filters), for a kernel that its owner drops: the candidates a
   * bind-time measurement timed and did not keep. Otherwise that memory waits for a garbage
   * collection, which Kindling's small Java heap rarely needs (docs/decisions/0069). The caller
   * guarantees that no call of this kernel runs meanwhile; a later call keeps its data anew.
   * Nothing by default.
   */
  default void release() {}
}
