package org.kindling.symbol.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.kindling.tensor.NDArray;

/** The name, reading of the batch (skipping padded rows) and argument checks of the metrics. */
abstract class AbstractMetric implements EvalMetric {
  private final String name;

  AbstractMetric(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void update(List<NDArray> labels, List<NDArray> predictions, int pad) {
    accept(read(labels, pad, "labels"), read(predictions, pad, "predictions"));
  }

  private List<Host> read(List<NDArray> arrays, int pad, String what) {
    List<Host> out = new ArrayList<>(arrays.size());
    for (NDArray a : arrays) {
      int rows = a.shape().ndim() == 0 ? 1 : a.shape().get(0);
      if (pad < 0 || (pad > 0 && (a.shape().ndim() == 0 || pad >= rows))) {
        throw error("pad " + pad + " out of range for " + what + " " + a.shape()
            + " (it must be in [0, rows))");
      }
      out.add(Host.read(a, rows - pad));
    }
    return out;
  }

  /** Adds a batch, padding removed. */
  abstract void accept(List<Host> labels, List<Host> predictions);

  /**
   * Checks there are as many label arrays as prediction arrays (MXNet's {@code
   * check_label_shapes}), then passes each (label, prediction) pair in turn to {@code pair}.
   */
  final void forEachPair(List<Host> labels, List<Host> predictions,
      BiConsumer<Host, Host> pair) {
    if (labels.size() != predictions.size()) {
      throw error(labels.size() + " label arrays but " + predictions.size()
          + " prediction arrays");
    }
    for (int i = 0; i < labels.size(); i++) {
      pair.accept(labels.get(i), predictions.get(i));
    }
  }

  /** An error naming this metric. */
  final IllegalArgumentException error(String message) {
    return new IllegalArgumentException(name + ": " + message);
  }

  /** {@code axis} of predictions {@code h} as a non-negative axis, or an error. */
  final int axis(Host h, int axis) {
    try {
      return h.shape().normalizeAxis(axis);
    } catch (IllegalArgumentException e) {
      throw error("predictions " + h.shape() + ": " + e.getMessage());
    }
  }

  /** The predicted classes: argmax of predictions {@code h} over {@code axis}, flattened. */
  final int[] argmax(Host h, int axis) {
    int a = axis(h, axis);
    if (h.shape().get(a) == 0) {
      throw error("predictions " + h.shape() + " have no classes along axis " + a);
    }
    return h.argmax(a);
  }

  @Override
  public String toString() {
    return get().toString();
  }
}
