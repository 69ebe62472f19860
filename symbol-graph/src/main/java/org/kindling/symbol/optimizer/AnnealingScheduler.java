package org.kindling.symbol.optimizer;

/**
 * What MXNet's {@code PolyScheduler} and {@code CosineScheduler} share: after the warm-up the
 * rate falls from the scheduler's own constructed {@code base_lr} ({@link #constructedLr()}) to
 * {@code final_lr} at {@code n = max_update}, along a curve of the progress {@code (n -
 * warmup_steps) / (max_update - warmup_steps)}, and stays at {@code final_lr} after it.
 */
public abstract sealed class AnnealingScheduler extends LRScheduler
    permits PolyScheduler, CosineScheduler {
  private final int maxUpdate;
  private final double finalLr;

  AnnealingScheduler(Common common, int maxUpdate, double finalLr) {
    super(common);
    // MXNet's check, and the one it lacks: the decay needs at least one update
    if (maxUpdate < 1) {
      throw new IllegalArgumentException(kind() + " scheduler: max_update=" + maxUpdate
          + " must be >= 1");
    }
    if (maxUpdate <= common.warmupSteps()) {
      throw new IllegalArgumentException(kind() + " scheduler: max_update=" + maxUpdate
          + " must exceed warmup_steps=" + common.warmupSteps()
          + " (MXNet divides by their difference)");
    }
    this.maxUpdate = maxUpdate;
    this.finalLr = finalLr;
  }

  /** {@code max_update}. */
  public final int maxUpdate() {
    return maxUpdate;
  }

  /** {@code final_lr}. */
  public final double finalLr() {
    return finalLr;
  }

  @Override
  final double decayed(int numUpdate) {
    int n = Math.min(numUpdate, maxUpdate);
    double maxSteps = maxUpdate - warmupSteps();
    return finalLr + (constructedLr() - finalLr) * remaining(n - warmupSteps(), maxSteps);
  }

  /**
   * The share of the decay still ahead after {@code done} of {@code maxSteps} decay updates: 1
   * at the start, 0 at the end.
   */
  abstract double remaining(int done, double maxSteps);

  @Override
  final void appendOwnSpec(SpecWriter w) {
    w.integer("lr_scheduler.max_update", maxUpdate);
    appendCurveSpec(w);
    w.number("lr_scheduler.final_lr", finalLr);
  }

  /** Writes the curve's own {@code lr_scheduler.<key>=<value>} pairs, if any. */
  abstract void appendCurveSpec(SpecWriter w);

  /** Reads the required {@code lr_scheduler.max_update} of a spec. */
  static int readMaxUpdate(SpecReader r, String kind) {
    Integer max = r.integer("lr_scheduler.max_update", null);
    if (max == null) {
      throw r.error("lr_scheduler.max_update", "the " + kind + " scheduler needs max_update");
    }
    return max;
  }
}
