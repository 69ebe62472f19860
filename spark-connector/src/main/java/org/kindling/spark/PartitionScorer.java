package org.kindling.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;

/**
 * Scores one partition for {@link KindlingModel#transform}: binds one inference network per
 * partition from the broadcast model, then streams the rows through it in batches of
 * {@code batchSize} (the last batch padded with zero rows, whose outputs are dropped), appending
 * the argmax and, optionally, the output row as a vector. Only one batch of rows is held at a
 * time.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<ModelData> model;
  private final int featuresIndex;
  private final int[] inputShape;
  private final int batchSize;
  private final boolean withProbability;

  PartitionScorer(Broadcast<ModelData> model, int featuresIndex, int[] inputShape,
      int batchSize, boolean withProbability) {
    this.model = model;
    this.featuresIndex = featuresIndex;
    this.inputShape = inputShape.clone();
    this.batchSize = batchSize;
    this.withProbability = withProbability;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskSetup.begin();
    return new Iterator<>() {
      private NetworkRunner runner;
      private final List<Row> pendingIn = new ArrayList<>();
      private final List<Row> pendingOut = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        if (next < pendingOut.size()) {
          return true;
        }
        pendingOut.clear();
        next = 0;
        pendingIn.clear();
        while (pendingIn.size() < batchSize && rows.hasNext()) {
          pendingIn.add(rows.next());
        }
        if (pendingIn.isEmpty()) {
          if (runner != null) {
            runner.close(); // the partition is done: its memory goes back to the pool
            runner = null;
          }
          return false;
        }
        score();
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pendingOut.get(next++);
      }

      private void score() {
        float[][] features = new float[pendingIn.size()][];
        for (int i = 0; i < features.length; i++) {
          features[i] = features(pendingIn.get(i));
        }
        if (runner == null) {
          runner = bind(features[0].length);
        }
        int n = runner.exampleSize();
        float[] batch = new float[batchSize * n];
        for (int i = 0; i < features.length; i++) {
          if (features[i].length != n) {
            throw new IllegalArgumentException("a row has " + features[i].length
                + " features but the model's input shape needs " + n);
          }
          System.arraycopy(features[i], 0, batch, i * n, n);
        }
        float[] out = runner.forward(batch);
        int width = out.length / batchSize;
        for (int i = 0; i < features.length; i++) {
          pendingOut.add(append(pendingIn.get(i), out, i * width, width));
        }
      }
    };
  }

  private NetworkRunner bind(int featureCount) {
    Shape example = inputShape.length == 0 ? Shape.of(featureCount) : Shape.of(inputShape);
    try {
      return NetworkRunner.bind(model.value(), example, batchSize);
    } catch (FormatException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private float[] features(Row row) {
    if (row.isNullAt(featuresIndex)) {
      throw new IllegalArgumentException("a row has null features; drop or fill them first");
    }
    Object v = row.get(featuresIndex);
    if (v instanceof Vector vec) {
      double[] d = vec.toArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    List<Object> list = row.getList(featuresIndex);
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      Object x = list.get(i);
      if (x == null) {
        throw new IllegalArgumentException("a features array holds a null at index " + i);
      }
      f[i] = ((Number) x).floatValue();
    }
    return f;
  }

  private Row append(Row row, float[] out, int offset, int width) {
    int n = row.length();
    Object[] values = new Object[n + (withProbability ? 2 : 1)];
    for (int i = 0; i < n; i++) {
      values[i] = row.get(i);
    }
    int best = 0;
    for (int k = 1; k < width; k++) {
      if (out[offset + k] > out[offset + best]) {
        best = k;
      }
    }
    values[n] = (double) best;
    if (withProbability) {
      double[] p = new double[width];
      for (int k = 0; k < width; k++) {
        p[k] = out[offset + k];
      }
      values[n + 1] = new DenseVector(p);
    }
    return RowFactory.create(values);
  }
}
