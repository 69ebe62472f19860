package org.kindling.symbol.optimizer;

import java.util.List;

/**
 * MXNet's {@code CosineScheduler}: after the warm-up, {@code final_lr + (base - final_lr)·(1 +
 * cos(π·(n - warmup_steps) / (max_update - warmup_steps))) / 2} up to {@code n = max_update},
 * then the rate reached there ({@code final_lr}). As for {@link PolyScheduler}, {@code base} is
 * the scheduler's own constructed {@code base_lr}.
 */
public final class CosineScheduler extends LRScheduler {
  private final int maxUpdate;
  private final double finalLr;

  private CosineScheduler(Common common, int maxUpdate, double finalLr) {
    super(common);
    PolyScheduler.checkMaxUpdate("cosine", maxUpdate, common.warmupSteps());
    this.maxUpdate = maxUpdate;
    this.finalLr = finalLr;
  }

  /** A builder with MXNet's defaults (final_lr 0, base_lr 0.01). */
  public static Builder builder(int maxUpdate) {
    return new Builder(maxUpdate);
  }

  /** {@code max_update}. */
  public int maxUpdate() {
    return maxUpdate;
  }

  /** {@code final_lr}. */
  public double finalLr() {
    return finalLr;
  }

  @Override
  double decayed(int numUpdate) {
    int n = Math.min(numUpdate, maxUpdate);
    double maxSteps = maxUpdate - warmupSteps();
    return finalLr + (constructedLr() - finalLr)
        * (1 + Math.cos(Math.PI * (n - warmupSteps()) / maxSteps)) / 2;
  }

  @Override
  public CosineScheduler withBaseLr(double lr) {
    Common c = common();
    return new CosineScheduler(new Common(lr, c.constructedLr(), c.warmupSteps(),
        c.warmupBeginLr(), c.warmupMode()), maxUpdate, finalLr);
  }

  @Override
  String kind() {
    return "cosine";
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.integer("lr_scheduler.max_update", maxUpdate);
    w.number("lr_scheduler.final_lr", finalLr);
  }

  static CosineScheduler fromSpec(SpecReader r) {
    Integer max = r.integer("lr_scheduler.max_update", null);
    if (max == null) {
      throw r.error("lr_scheduler.max_update", "the cosine scheduler needs max_update");
    }
    return new CosineScheduler(readCommon(r), max, r.number("lr_scheduler.final_lr", 0));
  }

  /** Its spec keys. */
  static final List<String> KEYS = List.of("lr_scheduler.max_update", "lr_scheduler.final_lr");

  /** Builds a {@link CosineScheduler}. */
  public static final class Builder extends LRScheduler.Builder<Builder> {
    private final int maxUpdate;
    private double finalLr;

    private Builder(int maxUpdate) {
      this.maxUpdate = maxUpdate;
    }

    /** {@code final_lr} (default 0). */
    public Builder finalLr(double v) {
      finalLr = v;
      return this;
    }

    /**
     * The scheduler.
     *
     * @throws IllegalArgumentException naming the argument out of range
     */
    public CosineScheduler build() {
      return new CosineScheduler(common(), maxUpdate, finalLr);
    }
  }
}
