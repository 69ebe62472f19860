package org.kindling.symbol.metric;

/**
 * MXNet's {@code Accuracy}: the fraction of rows whose predicted class equals the label. A
 * prediction of shape {@code (N, C)} is reduced by argmax over axis 1 (first maximum wins); a
 * prediction shaped like the label is taken as class indices. Labels and predicted indices are
 * compared as integers.
 */
public final class Accuracy extends AbstractMetric {
  /** An accuracy metric named {@code accuracy}. */
  public Accuracy() {
    super("accuracy");
  }

  @Override
  void updateOne(float[] label, float[] pred, boolean sameShape, int rows, int valid) {
    int classes = sameShape ? 1 : rows == 0 ? 0 : pred.length / rows;
    long correct = 0;
    for (int r = 0; r < valid; r++) {
      int predicted;
      if (sameShape) {
        predicted = (int) pred[r];
      } else {
        predicted = 0;
        float best = pred[r * classes];
        for (int c = 1; c < classes; c++) {
          if (pred[r * classes + c] > best) {
            best = pred[r * classes + c];
            predicted = c;
          }
        }
      }
      if (predicted == (int) label[r]) {
        correct++;
      }
    }
    add(correct, valid);
  }
}
