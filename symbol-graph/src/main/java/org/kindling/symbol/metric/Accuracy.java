package org.kindling.symbol.metric;

import java.util.List;

/**
 * MXNet's {@code Accuracy} ({@code acc}): the fraction of predicted classes equal to the label.
 * A prediction shaped unlike its label is reduced by argmax over {@code axis} (default 1, the
 * classes of a {@code (batch, classes)} output; first maximum wins); one shaped like its label
 * holds class indices. Both are flattened and compared as int32 (labels of any type; floats
 * truncate), one instance per element.
 */
public final class Accuracy extends SumMetric {
  private final int axis;

  /** Classes along axis 1, named {@code accuracy}. */
  public Accuracy() {
    this(1);
  }

  /** @param axis the predictions' axis of classes (negative counts from the end) */
  public Accuracy(int axis) {
    super("accuracy");
    this.axis = axis;
  }

  @Override
  void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      int[] predicted;
      if (pred.shape().equals(label.shape())) {
        predicted = new int[pred.size()];
        for (int j = 0; j < predicted.length; j++) {
          predicted[j] = pred.intAt(j);
        }
      } else {
        predicted = argmax(pred, axis);
      }
      if (predicted.length != label.size()) {
        throw error("labels " + label.shape() + " hold " + label.size() + " values but "
            + "predictions " + pred.shape() + " give " + predicted.length + " classes");
      }
      long correct = 0;
      for (int j = 0; j < predicted.length; j++) {
        if (predicted[j] == label.intAt(j)) {
          correct++;
        }
      }
      add(correct, predicted.length);
    });
  }
}
