package org.kindling.symbol.module;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kindling.symbol.callback.BatchEndParam;
import org.kindling.symbol.callback.EpochEndParam;
import org.kindling.symbol.callback.EpochRecord;
import org.kindling.symbol.callback.TrainingCallback;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;

/** The loops of {@link Module#fit}, {@link Module#score} and {@link Module#predict}. */
final class TrainingLoop {
  private TrainingLoop() {}

  static List<EpochRecord> fit(Module m, DataIter train, DataIter eval, FitOptions o)
      throws IOException {
    prepare(m, train, o);
    EvalMetric metric = o.evalMetric();
    TrainingCallback callbacks = TrainingCallback.all(o.callbacks());
    List<EpochRecord> records = new ArrayList<>();
    for (int epoch = o.beginEpoch(); epoch < o.numEpoch(); epoch++) {
      long tic = System.nanoTime();
      metric.reset();
      int nbatch = 0;
      DataBatch next = train.next();
      if (next == null) {
        throw new IllegalArgumentException("fit: the training data has no batch in epoch "
            + epoch + " (an empty iterator, or one that was not reset)");
      }
      try {
        while (next != null) {
          try (DataBatch batch = next) {
            next = null;
            m.forwardBackward(batch);
            m.update();
            m.updateMetric(metric, batch);
          }
          next = train.next(); // fetched before the callbacks, as MXNet's fit prefetches
          callbacks.batchEnd(new BatchEndParam(epoch, nbatch, metric.getNameValue(),
              metric::resetLocal, Map.of()));
          nbatch++;
        }
      } finally {
        if (next != null) {
          next.close();
        }
      }
      List<MetricValue> trainValues = metric.getGlobalNameValue();
      double seconds = (System.nanoTime() - tic) / 1e9;
      for (MetricValue v : trainValues) {
        o.log().accept(String.format(Locale.ROOT, "Epoch[%d] Train-%s=%f", epoch, v.name(),
            v.value()));
      }
      o.log().accept(String.format(Locale.ROOT, "Epoch[%d] Time cost=%.3f", epoch, seconds));
      List<MetricValue> evalValues = List.of();
      if (eval != null) {
        evalValues = score(m, eval, o.validationMetric());
        for (MetricValue v : evalValues) {
          o.log().accept(String.format(Locale.ROOT, "Epoch[%d] Validation-%s=%f", epoch,
              v.name(), v.value()));
        }
      }
      EpochEndParam end = new EpochEndParam(epoch, m.symbol(), m.paramArrays(), m.auxArrays(),
          trainValues, evalValues, seconds);
      TrainingCallback.Action action = callbacks.epochEnd(end);
      records.add(new EpochRecord(epoch + 1, end.columns(), seconds));
      train.reset();
      if (action == TrainingCallback.Action.STOP) {
        break;
      }
    }
    return records;
  }

  /** Binds, initializes and sets up the optimizer where the module has not done so yet. */
  private static void prepare(Module m, DataIter train, FitOptions o) {
    if (!m.forTraining() || !boundFor(m, train)) {
      m.bind(train.provideData(), train.provideLabel(), true);
    }
    if (!m.paramsInitialized()) {
      m.initParams(o.initializer());
    }
    if (!m.optimizerInitialized()) {
      if (o.optimizer() != null) {
        m.initOptimizer(o.kvStore(), o.optimizer());
      } else {
        m.initOptimizer(o.kvStore(), o.optimizerSpec());
      }
    }
  }

  private static boolean boundFor(Module m, DataIter it) {
    Map<String, NDArray> args = m.executor().argDict();
    return it.provideData().stream()
        .allMatch(d -> args.containsKey(d.name()) && args.get(d.name()).shape().equals(d.shape()));
  }

  static List<MetricValue> score(Module m, DataIter data, EvalMetric metric) throws IOException {
    requireReady(m, "score");
    data.reset();
    metric.reset();
    for (DataBatch b = data.next(); b != null; b = data.next()) {
      try (DataBatch batch = b) {
        m.forward(batch, false);
        m.updateMetric(metric, batch);
      }
    }
    return metric.getGlobalNameValue();
  }

  static List<NDArray> predict(Module m, DataIter data) throws IOException {
    requireReady(m, "predict");
    data.reset();
    List<List<float[]>> rows = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    long samples = 0;
    for (DataBatch b = data.next(); b != null; b = data.next()) {
      try (DataBatch batch = b) {
        m.forward(batch, false);
        int real = batch.batchSize() - batch.pad();
        List<NDArray> outs = m.outputs();
        for (int i = 0; i < outs.size(); i++) {
          if (rows.size() <= i) {
            rows.add(new ArrayList<>());
            shapes.add(outs.get(i).shape());
          }
          float[] all = outs.get(i).toFloatArray();
          int rowSize = all.length / outs.get(i).shape().get(0);
          float[] kept = new float[real * rowSize];
          System.arraycopy(all, 0, kept, 0, kept.length);
          rows.get(i).add(kept);
        }
        samples += real;
      }
    }
    List<NDArray> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      int[] dims = shapes.get(i).dims();
      dims[0] = Math.toIntExact(samples);
      Shape shape = Shape.of(dims);
      float[] joined = new float[shape.intSize()];
      int pos = 0;
      for (float[] part : rows.get(i)) {
        System.arraycopy(part, 0, joined, pos, part.length);
        pos += part.length;
      }
      out.add(NDArray.of(joined, shape));
    }
    return out;
  }

  private static void requireReady(Module m, String what) {
    m.requireBound();
    if (!m.paramsInitialized()) {
      throw new IllegalStateException(what + ": call initParams first");
    }
  }
}
