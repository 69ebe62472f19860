package org.kindling.symbol.metric;

import java.util.function.Supplier;

/**
 * A metric that MXNet averages two ways ({@link Average}): macro averages per-call (or per-pair)
 * scores through the sums, micro scores statistics gathered since the last reset, kept apart for
 * the local and global values and reported as {@code sum = score · n}, {@code count = n}. Micro
 * values come from the statistics, not from sums, so they cannot be merged.
 *
 * @param <S> the statistics
 */
abstract class AveragedMetric<S extends AveragedMetric.Stats> extends SumMetric {
  /** Statistics a micro score is computed from. */
  interface Stats {
    /** How many instances were added. */
    long count();

    /** The score of everything added. */
    double score();

    /** Forgets everything added. */
    void clear();
  }

  final Average average;
  final S local;
  final S global;
  private final String statsName;
  private final String macroName;

  /**
   * @param statsName what micro values come from, for the merge error ({@code "counts"})
   * @param macroName what to merge instead, for the merge error ({@code "F1"})
   */
  AveragedMetric(String name, Average average, Supplier<S> stats, String statsName,
      String macroName) {
    super(name);
    this.average = average;
    this.local = stats.get();
    this.global = stats.get();
    this.statsName = statsName;
    this.macroName = macroName;
  }

  /** Reports the micro scores of {@link #local} and {@link #global}. */
  final void setMicro() {
    set(local.score() * local.count(), local.count(), global.score() * global.count(),
        global.count());
  }

  @Override
  public final void merge(double sumMetric, long numInst) {
    if (average == Average.MICRO) {
      throw new UnsupportedOperationException(name() + " (micro): the value comes from "
          + statsName + ", not from sums; merge macro " + macroName + " instead");
    }
    super.merge(sumMetric, numInst);
  }

  @Override
  public final void reset() {
    super.reset();
    local.clear();
    global.clear();
  }

  @Override
  public final void resetLocal() {
    super.resetLocal();
    local.clear();
  }
}
