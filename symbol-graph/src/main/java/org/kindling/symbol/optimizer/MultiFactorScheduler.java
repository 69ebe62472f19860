package org.kindling.symbol.optimizer;

import java.util.Arrays;
import java.util.List;

/**
 * MXNet's {@code MultiFactorScheduler}: after the warm-up the rate is {@code base_lr·factor^k}
 * where {@code k} is the number of listed steps {@code s} with {@code num_update > s}.
 */
public final class MultiFactorScheduler extends LRScheduler {
  private final int[] steps;
  private final double factor;

  private MultiFactorScheduler(Common common, int[] steps, double factor) {
    super(common);
    if (steps.length == 0) {
      throw new IllegalArgumentException("multifactor scheduler: step must list at least one "
          + "update count");
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] < 1) {
        throw new IllegalArgumentException("multifactor scheduler: step " + steps[i]
            + " must be >= 1");
      }
      if (i > 0 && steps[i] <= steps[i - 1]) {
        throw new IllegalArgumentException("multifactor scheduler: steps "
            + Arrays.toString(steps) + " must increase");
      }
    }
    checkFactor(factor);
    this.steps = steps.clone();
    this.factor = factor;
  }

  /** A builder with MXNet's defaults (factor 1, base_lr 0.01). */
  public static Builder builder(int... steps) {
    return new Builder(steps);
  }

  /** {@code step}: the increasing update counts after which the rate decays. */
  public int[] steps() {
    return steps.clone();
  }

  /** {@code factor}. */
  public double factor() {
    return factor;
  }

  @Override
  double decayed(int numUpdate) {
    double lr = baseLr();
    for (int s : steps) {
      if (numUpdate <= s) {
        break;
      }
      lr *= factor;
    }
    return lr;
  }

  @Override
  public MultiFactorScheduler withBaseLr(double lr) {
    return new MultiFactorScheduler(common().withBaseLr(lr), steps, factor);
  }

  @Override
  String kind() {
    return "multifactor";
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.integers("lr_scheduler.step", steps);
    w.number("lr_scheduler.factor", factor);
  }

  static MultiFactorScheduler fromSpec(SpecReader r) {
    int[] steps = r.integers("lr_scheduler.step");
    if (steps == null) {
      throw r.error("lr_scheduler.step", "the multifactor scheduler needs steps, e.g. 100,200");
    }
    return new MultiFactorScheduler(readCommon(r), steps, r.number("lr_scheduler.factor", 1));
  }

  /** Its spec keys. */
  static final List<String> KEYS = List.of("lr_scheduler.step", "lr_scheduler.factor");

  /** Builds a {@link MultiFactorScheduler}. */
  public static final class Builder extends LRScheduler.Builder<Builder> {
    private final int[] steps;
    private double factor = 1;

    private Builder(int[] steps) {
      this.steps = steps.clone();
    }

    /** {@code factor} (at most 1). */
    public Builder factor(double v) {
      factor = v;
      return this;
    }

    /**
     * The scheduler.
     *
     * @throws IllegalArgumentException naming the argument out of range
     */
    public MultiFactorScheduler build() {
      return new MultiFactorScheduler(common(), steps, factor);
    }
  }
}
