package org.kindling.symbol.optimizer;

import java.util.List;

/**
 * MXNet's {@code CosineScheduler}: after the warm-up, {@code final_lr + (base - final_lr)·(1 +
 * cos(π·(n - warmup_steps) / (max_update - warmup_steps))) / 2} up to {@code n = max_update},
 * then the rate reached there ({@code final_lr}). As for {@link PolyScheduler}, {@code base} is
 * the scheduler's own constructed {@code base_lr}.
 */
public final class CosineScheduler extends AnnealingScheduler {
  private CosineScheduler(Common common, int maxUpdate, double finalLr) {
    super(common, maxUpdate, finalLr);
  }

  /** A builder with MXNet's defaults (final_lr 0, base_lr 0.01). */
  public static Builder builder(int maxUpdate) {
    return new Builder(maxUpdate);
  }

  @Override
  double remaining(int done, double maxSteps) {
    return (1 + Math.cos(Math.PI * done / maxSteps)) / 2;
  }

  @Override
  public CosineScheduler withBaseLr(double lr) {
    return new CosineScheduler(common().withBaseLr(lr), maxUpdate(), finalLr());
  }

  @Override
  String kind() {
    return "cosine";
  }

  @Override
  void appendCurveSpec(SpecWriter w) {}

  static CosineScheduler fromSpec(SpecReader r) {
    int max = readMaxUpdate(r, "cosine");
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
