package org.kindling.symbol.optimizer;

import java.util.List;

/**
 * MXNet's {@code PolyScheduler}: after the warm-up, {@code final_lr + (base - final_lr)·(1 -
 * (n - warmup_steps) / (max_update - warmup_steps))^pwr} up to {@code n = max_update}, then the
 * rate reached there. {@code base} is the scheduler's own constructed {@code base_lr}
 * ({@link #constructedLr()}): MXNet's optimizer's {@code learning_rate} does not change this
 * decay.
 *
 * <p>MXNet's stateful scheduler returns, past {@code max_update}, the last rate it computed; in a
 * run whose updates are counted one by one that is the rate at {@code max_update}, which is what
 * Kindling returns (a run resumed beyond {@code max_update} is the one case where MXNet would
 * instead return its {@code base_lr}).
 */
public final class PolyScheduler extends AnnealingScheduler {
  private final double pwr;

  private PolyScheduler(Common common, int maxUpdate, double pwr, double finalLr) {
    super(common, maxUpdate, finalLr);
    this.pwr = pwr;
  }

  /** A builder with MXNet's defaults (pwr 2, final_lr 0, base_lr 0.01). */
  public static Builder builder(int maxUpdate) {
    return new Builder(maxUpdate);
  }

  /** {@code pwr}, the power of the decay. */
  public double pwr() {
    return pwr;
  }

  @Override
  double remaining(int done, double maxSteps) {
    return Math.pow(1 - (double) done / maxSteps, pwr);
  }

  @Override
  public PolyScheduler withBaseLr(double lr) {
    return new PolyScheduler(common().withBaseLr(lr), maxUpdate(), pwr, finalLr());
  }

  @Override
  String kind() {
    return "poly";
  }

  @Override
  void appendCurveSpec(SpecWriter w) {
    w.number("lr_scheduler.pwr", pwr);
  }

  static PolyScheduler fromSpec(SpecReader r) {
    int max = readMaxUpdate(r, "poly");
    return new PolyScheduler(readCommon(r), max, r.number("lr_scheduler.pwr", 2),
        r.number("lr_scheduler.final_lr", 0));
  }

  /** Its spec keys. */
  static final List<String> KEYS =
      List.of("lr_scheduler.max_update", "lr_scheduler.pwr", "lr_scheduler.final_lr");

  /** Builds a {@link PolyScheduler}. */
  public static final class Builder extends LRScheduler.Builder<Builder> {
    private final int maxUpdate;
    private double pwr = 2;
    private double finalLr;

    private Builder(int maxUpdate) {
      this.maxUpdate = maxUpdate;
    }

    /** {@code pwr} (default 2). */
    public Builder pwr(double v) {
      pwr = v;
      return this;
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
    public PolyScheduler build() {
      return new PolyScheduler(common(), maxUpdate, pwr, finalLr);
    }
  }
}
