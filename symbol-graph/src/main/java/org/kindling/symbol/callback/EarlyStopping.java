package org.kindling.symbol.callback;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when a monitored metric has stopped improving, as Gluon's {@code
 * EarlyStoppingHandler} and Keras' {@code EarlyStopping}.
 *
 * <p>The monitor is a metric column of {@link EpochEndParam#columns()}, e.g. {@code val_accuracy}
 * or {@code train_cross-entropy}. An epoch improves on the best value so far when its value
 * exceeds it by more than {@code minDelta} (mode {@code MAX}) or falls below it by more than
 * {@code minDelta} (mode {@code MIN}); the best starts at the {@code baseline} if one is given,
 * else at minus/plus infinity. Each epoch without improvement adds one to a wait count, an
 * improvement resets it, and training stops at the epoch where the wait count reaches {@code
 * patience} (so {@code patience = 0} stops at the first epoch without improvement). An epoch whose
 * value is NaN is skipped with a warning, as Gluon skips it. Not thread-safe; {@link #reset()}
 * before reusing it for another training run.
 */
public final class EarlyStopping implements TrainingCallback {
  private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

  /** Which direction is better. */
  public enum Mode {
    /** Lower is better (losses). */
    MIN,
    /** Higher is better (accuracies). */
    MAX,
    /**
     * {@code MAX} for accuracy-like metrics (names containing {@code acc}, {@code f1}, {@code
     * auc}, or {@code mcc}, {@code pearsonr}, {@code pcc}), {@code MIN} otherwise: what Gluon's
     * {@code auto} intends (its check always picks {@code MAX}, a known slip).
     */
    AUTO
  }

  private final String monitor;
  private final double minDelta;
  private final int patience;
  private final boolean maximize;
  private final Double baseline;
  private double best;
  private int bestEpoch;
  private int wait;
  private int stoppedEpoch;

  private EarlyStopping(Builder b) {
    this.monitor = b.monitor;
    this.minDelta = b.minDelta;
    this.patience = b.patience;
    this.maximize = switch (b.mode) {
      case MAX -> true;
      case MIN -> false;
      case AUTO -> MetricDirection.higherIsBetter(EpochEndParam.metricName(b.monitor));
    };
    this.baseline = b.baseline;
    reset();
  }

  /**
   * Starts a builder.
   *
   * @param monitor the metric column to watch, e.g. {@code val_accuracy}
   */
  public static Builder builder(String monitor) {
    return new Builder(monitor);
  }

  /**
   * Records the epoch's monitored value.
   *
   * @return {@link Action#STOP} once {@code patience} epochs in a row did not improve
   * @throws IllegalStateException if the epoch has no metric column named as the monitor
   */
  @Override
  public Action epochEnd(EpochEndParam p) {
    Map<String, Double> columns = p.columns();
    Double value = columns.get(monitor);
    if (value == null) {
      throw new IllegalStateException("EarlyStopping monitors '" + monitor + "', but epoch "
          + p.epoch() + " reported only " + columns.keySet()
          + "; monitor one of those (train_NAME or val_NAME)");
    }
    if (value.isNaN()) {
      LOG.warn("EarlyStopping: {} is NaN at epoch {}; the epoch is not counted", monitor,
          p.epoch());
      return Action.CONTINUE;
    }
    if (maximize ? value - minDelta > best : value + minDelta < best) {
      best = value;
      bestEpoch = p.epoch();
      wait = 0;
      return Action.CONTINUE;
    }
    wait++;
    if (wait < patience) {
      return Action.CONTINUE;
    }
    stoppedEpoch = p.epoch();
    LOG.info("[Epoch {}] EarlyStopping: stopping, {} has not improved on {} (epoch {}) for {} "
        + "epoch(s)", p.epoch(), monitor, best, bestEpoch, wait);
    return Action.STOP;
  }

  /** Forgets the run: the best value returns to the baseline (or infinity), the wait to 0. */
  public void reset() {
    best = baseline != null ? baseline
        : maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    bestEpoch = -1;
    wait = 0;
    stoppedEpoch = -1;
  }

  /** True if higher values of the monitor count as better. */
  public boolean maximizes() {
    return maximize;
  }

  /** The best value so far (the baseline or an infinity before any improvement). */
  public double best() {
    return best;
  }

  /** Epochs since the last improvement. */
  public int waited() {
    return wait;
  }

  /** The epoch (from 0) at which this callback asked to stop, if it did. */
  public OptionalInt stoppedEpoch() {
    return stoppedEpoch < 0 ? OptionalInt.empty() : OptionalInt.of(stoppedEpoch);
  }

  /** Settings of an {@link EarlyStopping}; validated by {@link #build()}. */
  public static final class Builder {
    private final String monitor;
    private double minDelta;
    private int patience;
    private Mode mode = Mode.AUTO;
    private Double baseline;

    private Builder(String monitor) {
      this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    /** The smallest change that counts as an improvement (default 0). */
    public Builder minDelta(double minDelta) {
      this.minDelta = minDelta;
      return this;
    }

    /** Epochs without improvement before stopping (default 0). */
    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    /** Whether lower or higher is better (default {@link Mode#AUTO}). */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** A value the monitor must beat to count as an improvement at all. */
    public Builder baseline(double baseline) {
      this.baseline = baseline;
      return this;
    }

    /**
     * Builds the callback.
     *
     * @throws IllegalArgumentException if {@code minDelta} is negative or not finite, {@code
     *     patience} is negative or the baseline is NaN
     */
    public EarlyStopping build() {
      if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
        throw new IllegalArgumentException("EarlyStopping: minDelta " + minDelta
            + " must be a finite value >= 0");
      }
      if (patience < 0) {
        throw new IllegalArgumentException("EarlyStopping: patience " + patience
            + " must be >= 0 (epochs without improvement before stopping)");
      }
      if (baseline != null && baseline.isNaN()) {
        throw new IllegalArgumentException("EarlyStopping: the baseline must not be NaN");
      }
      return new EarlyStopping(this);
    }
  }
}
