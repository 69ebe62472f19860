package org.kindling.symbol.metric;

import java.util.List;

/**
 * MXNet's {@code Loss}, named {@code loss} (and its twins {@code torch}, {@code caffe}): the
 * mean of the outputs themselves, for networks whose output is a loss. Labels are ignored; every
 * element of every prediction is one instance.
 */
public final class Loss extends SumMetric {
  /** Named {@code loss}. */
  public Loss() {
    this("loss");
  }

  /** @param name the reported name */
  public Loss(String name) {
    super(name);
  }

  @Override
  void accept(List<Host> labels, List<Host> predictions) {
    for (Host pred : predictions) {
      double s = 0;
      for (double v : pred.data()) {
        s += v;
      }
      add(s, pred.size());
    }
  }
}
