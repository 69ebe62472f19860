package org.kindling.symbol.graph;

import java.util.List;
import org.kindling.tensor.op.GradReq;

/**
 * The backward computation of a graph, as computed by {@link GradientPass}: which entries carry
 * a gradient, which head gradients are seeded, and the backward steps in execution order with
 * the request for each input gradient.
 *
 * <p>Gradient accumulation is by request: the first contribution to an entry's gradient buffer
 * writes, later ones add (a variable with {@link GradReq#ADD} always adds). Steps must run in
 * list order; on the engine they do, because contributions to one buffer all write its
 * variable.
 */
public final class GradientPlan {
  /**
   * One node's backward kernel call.
   *
   * @param nodeId the node
   * @param inputReqs how to store each input's gradient (NULL: not wanted)
   */
  public record Step(int nodeId, List<GradReq> inputReqs) {
    /** Copies the list. */
    public Step {
      inputReqs = List.copyOf(inputReqs);
    }
  }

  private final boolean[] needsGrad;
  private final GradReq[] headSeed;
  private final List<Step> steps;
  private final List<Integer> zeroFill;

  GradientPlan(boolean[] needsGrad, GradReq[] headSeed, List<Step> steps,
      List<Integer> zeroFill) {
    this.needsGrad = needsGrad;
    this.headSeed = headSeed;
    this.steps = List.copyOf(steps);
    this.zeroFill = List.copyOf(zeroFill);
  }

  /**
   * Entries whose gradient no step writes but which must read as zero: variables with a WRITE
   * request that no step reaches (the gradient is stopped before them), and visible operator
   * outputs that nothing reads (an unused output of SliceChannel) when their producer's backward
   * reads output gradients.
   */
  public List<Integer> zeroFill() {
    return zeroFill;
  }

  /**
   * True if entry {@code entryId} carries a gradient: a variable with a request other than NULL,
   * or a visible output of an operator with an input that carries one (hidden outputs never do).
   */
  public boolean needsGrad(int entryId) {
    return needsGrad[entryId];
  }

  /**
   * How head {@code i}'s gradient is copied into its entry's buffer before the steps run, or
   * NULL if the head needs no seed (a loss head, or no gradient flows through it).
   */
  public GradReq headSeed(int i) {
    return headSeed[i];
  }

  /** The backward steps, in execution order (reverse topological). */
  public List<Step> steps() {
    return steps;
  }
}
