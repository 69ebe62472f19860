package org.kindling.symbol.callback;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.kindling.symbol.metric.MetricValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the training speed and metrics every {@code frequent} batches, as MXNet's {@code
 * mx.callback.Speedometer}, in tab-separated lines such as
 *
 * <pre>
 * Epoch[0] Batch [50-100]&#9;Speed: 2310.47 samples/sec&#9;accuracy=0.912500
 * </pre>
 *
 * <p>The first batch of an epoch ({@code nbatch} smaller than the previous call's) starts the
 * clock; at every {@code nbatch} that is a multiple of {@code frequent} the line reports {@code
 * frequent * batchSize} samples over the time since the last line (or the start). With {@code
 * autoReset} (the default) the line names the window {@code [nbatch - frequent, nbatch]} and the
 * metrics are reset after it ({@link BatchEndParam#resetLocalMetric()}), so each line's values
 * cover its window; without, the line reads {@code Batch [0-nbatch]} and the values cover the
 * epoch so far. Numbers are formatted as Python's {@code %.2f} and {@code %f}.
 *
 * <p>Where the batches per epoch are known ({@link Builder#batchesPerEpoch}), the line ends with
 * the epoch's remaining time at the window's speed: {@code \tETA: 1:05} ({@code m:ss}, or {@code
 * h:mm:ss} from an hour on). Not thread-safe.
 */
public final class Speedometer implements TrainingCallback {
  private static final Logger LOG = LoggerFactory.getLogger(Speedometer.class);

  private final int batchSize;
  private final int frequent;
  private final boolean autoReset;
  private final int batchesPerEpoch;
  private final Consumer<String> out;
  private final LongSupplier nanoClock;
  private boolean started;
  private long tic;
  private int lastCount;

  private Speedometer(Builder b) {
    this.batchSize = b.batchSize;
    this.frequent = b.frequent;
    this.autoReset = b.autoReset;
    this.batchesPerEpoch = b.batchesPerEpoch;
    this.out = b.out;
    this.nanoClock = b.nanoClock;
  }

  /**
   * Starts a builder.
   *
   * @param batchSize samples per batch (on this worker)
   */
  public static Builder builder(int batchSize) {
    return new Builder(batchSize);
  }

  @Override
  public void batchEnd(BatchEndParam param) {
    int count = param.nbatch();
    if (lastCount > count) {
      started = false;
    }
    lastCount = count;
    long now = nanoClock.getAsLong();
    if (!started) {
      started = true;
      tic = now;
      return;
    }
    if (count % frequent != 0) {
      return;
    }
    double seconds = (now - tic) / 1e9;
    double speed = seconds > 0 ? frequent * (double) batchSize / seconds : Double.POSITIVE_INFINITY;
    StringBuilder line = new StringBuilder();
    line.append("Epoch[").append(param.epoch()).append("] Batch [")
        .append(autoReset ? count - frequent : 0).append('-').append(count)
        .append("]\tSpeed: ").append(PyFormat.fixed(speed, 2)).append(" samples/sec");
    for (MetricValue m : param.evalMetric()) {
      line.append('\t').append(m.name()).append('=').append(PyFormat.fixed(m.value(), 6));
    }
    if (batchesPerEpoch > 0) {
      int remaining = Math.max(0, batchesPerEpoch - (count + 1));
      line.append("\tETA: ").append(clock(remaining * seconds / frequent));
    }
    out.accept(line.toString());
    if (autoReset) {
      param.resetLocalMetric().run();
    }
    tic = now;
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** Settings of a {@link Speedometer}; validated by {@link #build()}. */
  public static final class Builder {
    private final int batchSize;
    private int frequent = 50;
    private boolean autoReset = true;
    private int batchesPerEpoch;
    private Consumer<String> out = LOG::info;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(int batchSize) {
      this.batchSize = batchSize;
    }

    /** Batches between lines (default 50). */
    public Builder frequent(int frequent) {
      this.frequent = frequent;
      return this;
    }

    /** Whether each line's metrics cover only its window (default true, as MXNet). */
    public Builder autoReset(boolean autoReset) {
      this.autoReset = autoReset;
      return this;
    }

    /** Batches in one epoch, to add the epoch's ETA to each line (default unknown: no ETA). */
    public Builder batchesPerEpoch(int batchesPerEpoch) {
      this.batchesPerEpoch = batchesPerEpoch;
      return this;
    }

    /** Where lines go (default: this class's logger at INFO). */
    public Builder output(Consumer<String> out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /** The time source in nanoseconds (default {@link System#nanoTime()}). */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Builds the callback.
     *
     * @throws IllegalArgumentException if the batch size or {@code frequent} is below 1 or the
     *     batches per epoch are negative
     */
    public Speedometer build() {
      if (batchSize < 1) {
        throw new IllegalArgumentException("Speedometer: batchSize " + batchSize
            + " must be at least 1");
      }
      if (frequent < 1) {
        throw new IllegalArgumentException("Speedometer: frequent " + frequent
            + " must be at least 1 (batches between lines)");
      }
      if (batchesPerEpoch < 0) {
        throw new IllegalArgumentException("Speedometer: batchesPerEpoch " + batchesPerEpoch
            + " must not be negative (0 = unknown)");
      }
      return new Speedometer(this);
    }
  }
}
