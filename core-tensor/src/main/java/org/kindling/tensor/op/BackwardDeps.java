package org.kindling.tensor.op;

import java.util.Set;

/**
 * What an operator's backward pass reads, as the inputs MXNet's {@code FGradient} wires into the
 * backward node: whether it reads the output gradients, and which forward inputs and outputs.
 * The executor keeps exactly these alive for the backward pass; the memory planner may reuse the
 * rest.
 *
 * @param outputGrads true if the backward kernel reads the output gradients (false for loss
 *     heads such as SoftmaxOutput, which ignore them)
 * @param inputs indices of the forward inputs it reads
 * @param outputs indices of the forward outputs it reads (hidden outputs included)
 */
public record BackwardDeps(boolean outputGrads, Set<Integer> inputs, Set<Integer> outputs) {
  /** Copies the sets. */
  public BackwardDeps {
    inputs = Set.copyOf(inputs);
    outputs = Set.copyOf(outputs);
  }

  /** Reads the output gradients and the given inputs, no outputs. */
  public static BackwardDeps inputs(Integer... inputs) {
    return new BackwardDeps(true, Set.of(inputs), Set.of());
  }

  /** Reads the output gradients and the given outputs, no inputs. */
  public static BackwardDeps outputs(Integer... outputs) {
    return new BackwardDeps(true, Set.of(), Set.of(outputs));
  }

  /**
   * Reads nothing: a zero or absent gradient, or a loss head whose gradient is a constant
   * ({@code make_loss}).
   */
  public static BackwardDeps none() {
    return new BackwardDeps(false, Set.of(), Set.of());
  }

  /** Reads only the output gradients (element-wise sums, copies, reshapes). */
  public static BackwardDeps gradientsOnly() {
    return new BackwardDeps(true, Set.of(), Set.of());
  }
}
