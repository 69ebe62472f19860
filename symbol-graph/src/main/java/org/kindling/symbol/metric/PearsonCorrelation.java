package org.kindling.symbol.metric;

import java.util.List;

/**
 * MXNet's {@code PearsonCorrelation} ({@code pearsonr}), named {@code pearsonr}: the
 * correlation of predictions with labels of the same shape, all elements flattened, in
 * float64.
 *
 * <p>{@link Average#MACRO} (MXNet's default) averages the correlation of each (label,
 * prediction) pair ({@code numpy.corrcoef}, clipped to [-1, 1]; NaN for a constant array).
 * {@link Average#MICRO} is the correlation over all pairs' elements since the last reset, kept
 * as {@code sum = r · n}, {@code count = n} over the n elements (MXNet 1.9.1's micro mode counts
 * pairs, does not separate local from global statistics and reports 0 from {@code
 * get_global()}; here local and global are kept apart like every other metric).
 */
public final class PearsonCorrelation extends AveragedMetric<Comoments> {
  /** Macro-averaged. */
  public PearsonCorrelation() {
    this(Average.MACRO);
  }

  /** @param average macro (per-pair correlations averaged) or micro (one over all elements) */
  public PearsonCorrelation(Average average) {
    super("pearsonr", average, Comoments::new, "co-moments", "correlations");
  }

  @Override
  void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      if (!label.shape().equals(pred.shape())) {
        throw error("labels " + label.shape() + " and predictions " + pred.shape()
            + " must have the same shape");
      }
      if (average == Average.MACRO) {
        Comoments one = new Comoments();
        one.add(pred.data(), label.data());
        add(Math.max(-1, Math.min(1, one.score())), 1);
      } else {
        local.add(pred.data(), label.data());
        global.add(pred.data(), label.data());
      }
    });
    if (average == Average.MICRO) {
      setMicro();
    }
  }
}
