package org.kindling.symbol.optimizer;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MXNet's {@code FactorScheduler}: the rate is multiplied by {@code factor} once every
 * {@code step} updates after the warm-up ({@code base_lr·factor^k} after {@code k·step + 1}
 * updates) and never falls below {@code stop_factor_lr}. The products are formed one step at a
 * time as MXNet forms them, so the rates are MXNet's to the last bit.
 */
public final class FactorScheduler extends LRScheduler {
  private final int step;
  private final double factor;
  private final double stopFactorLr;
  /** The last rate computed and its number of decays: later rates continue from it. */
  private final AtomicReference<Decays> last;

  private record Decays(long count, double lr) {}

  private FactorScheduler(Common common, int step, double factor, double stopFactorLr) {
    super(common);
    if (step < 1) {
      throw new IllegalArgumentException("factor scheduler: step=" + step + " must be >= 1");
    }
    checkFactor(factor);
    this.step = step;
    this.factor = factor;
    this.stopFactorLr = stopFactorLr;
    this.last = new AtomicReference<>(new Decays(0, common.baseLr()));
  }

  /** A builder with MXNet's defaults (factor 1, stop_factor_lr 1e-8, base_lr 0.01). */
  public static Builder builder(int step) {
    return new Builder(step);
  }

  /** {@code step}: updates between decays. */
  public int step() {
    return step;
  }

  /** {@code factor}. */
  public double factor() {
    return factor;
  }

  /** {@code stop_factor_lr}, the floor. */
  public double stopFactorLr() {
    return stopFactorLr;
  }

  @Override
  double decayed(int numUpdate) {
    // MXNet's loop decays while num_update > count + step, i.e. once per j >= 1 with
    // num_update > j·step
    long decays = numUpdate > step ? (numUpdate - 1L) / step : 0;
    Decays from = last.get();
    if (from.count() > decays) {
      from = new Decays(0, baseLr());
    }
    double lr = from.lr();
    for (long k = from.count(); k < decays; k++) {
      double next = Math.max(lr * factor, stopFactorLr);
      if (next == lr) {
        break; // a fixed point: the floor, or a factor of 1
      }
      lr = next;
    }
    last.set(new Decays(decays, lr));
    return lr;
  }

  @Override
  public FactorScheduler withBaseLr(double lr) {
    return new FactorScheduler(common().withBaseLr(lr), step, factor, stopFactorLr);
  }

  @Override
  String kind() {
    return "factor";
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.integer("lr_scheduler.step", step);
    w.number("lr_scheduler.factor", factor);
    w.number("lr_scheduler.stop_factor_lr", stopFactorLr);
  }

  static FactorScheduler fromSpec(SpecReader r) {
    Integer step = r.integer("lr_scheduler.step", null);
    if (step == null) {
      throw r.error("lr_scheduler.step", "the factor scheduler needs a step");
    }
    return new FactorScheduler(readCommon(r), step, r.number("lr_scheduler.factor", 1),
        r.number("lr_scheduler.stop_factor_lr", 1e-8));
  }

  /** Its spec keys. */
  static final List<String> KEYS = List.of("lr_scheduler.step", "lr_scheduler.factor",
      "lr_scheduler.stop_factor_lr");

  /** Builds a {@link FactorScheduler}; setters take MXNet's arguments of the same names. */
  public static final class Builder extends LRScheduler.Builder<Builder> {
    private final int step;
    private double factor = 1;
    private double stopFactorLr = 1e-8;

    private Builder(int step) {
      this.step = step;
    }

    /** {@code factor} (at most 1). */
    public Builder factor(double v) {
      factor = v;
      return this;
    }

    /** {@code stop_factor_lr}. */
    public Builder stopFactorLr(double v) {
      stopFactorLr = v;
      return this;
    }

    /**
     * The scheduler.
     *
     * @throws IllegalArgumentException naming the argument out of range
     */
    public FactorScheduler build() {
      return new FactorScheduler(common(), step, factor, stopFactorLr);
    }
  }
}
