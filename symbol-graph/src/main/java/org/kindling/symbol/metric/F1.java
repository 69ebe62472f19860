package org.kindling.symbol.metric;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * MXNet's {@code F1}, named {@code f1}, for binary classification: a row is predicted positive
 * when the argmax of its {@code (batch, classes)} prediction is 1, and is positive when its
 * label (read as int32) is 1. A label array with more than two distinct values is an error.
 *
 * <p>{@link Average#MACRO} (MXNet's default) scores each {@code update} call on its own and
 * averages those scores, one instance per call; {@link Average#MICRO} scores the counts of all
 * rows since the last reset, with {@code sum = f1 · rows} and {@code count = rows} as MXNet
 * keeps them (so {@link #merge} is not supported for micro).
 */
public final class F1 extends AveragedMetric<BinaryCounts> {
  /** Macro-averaged. */
  public F1() {
    this(Average.MACRO);
  }

  /** @param average macro (per-batch scores averaged) or micro (one score over all rows) */
  public F1(Average average) {
    super("f1", average, BinaryCounts::new, "counts", "F1");
  }

  @Override
  void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      if (pred.shape().ndim() != 2) {
        throw error("predictions must be (batch, classes), got " + pred.shape());
      }
      int[] predicted = argmax(pred, 1);
      if (label.size() != predicted.length) {
        throw error("labels " + label.shape() + " hold " + label.size() + " values for "
            + predicted.length + " prediction rows");
      }
      Set<Integer> distinct = new HashSet<>();
      for (int r = 0; r < predicted.length; r++) {
        distinct.add(label.intAt(r));
      }
      if (distinct.size() > 2) {
        throw error("supports binary classification only; the labels hold "
            + distinct.size() + " distinct values " + distinct);
      }
      for (int r = 0; r < predicted.length; r++) {
        boolean p = predicted[r] == 1;
        boolean l = label.intAt(r) == 1;
        local.add(p, l);
        global.add(p, l);
      }
    });
    if (average == Average.MACRO) {
      add(local.score(), 1);
      local.clear();
      global.clear();
    } else {
      setMicro();
    }
  }
}
