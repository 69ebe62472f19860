package org.kindling.symbol.callback;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.tensor.NDArray;

/**
 * The epoch-end event: what MXNet's {@code epoch_end_callback(epoch, symbol, arg_params,
 * aux_params)} receives, plus the epoch's metrics (as Gluon's estimator handlers see them).
 *
 * <p>Metrics are also addressed by <em>column</em>: {@code train_NAME} for a training metric and
 * {@code val_NAME} for an evaluation metric, e.g. {@code val_accuracy} or {@code
 * train_cross-entropy}; {@link EarlyStopping} monitors a column and {@link TrainingHistory}
 * records them.
 *
 * @param epoch the epoch just finished, counted from 0 as MXNet's {@code fit} counts (its
 *     checkpoint is number {@code epoch + 1})
 * @param symbol the trained network
 * @param argParams the current arguments (weights), by name; owned by the loop, valid only during
 *     the call
 * @param auxParams the current auxiliary states, by name; as {@code argParams}
 * @param trainMetrics the epoch's training metric values
 * @param evalMetrics the evaluation metric values, empty without evaluation data
 * @param seconds the epoch's wall time (MXNet logs it as {@code Time cost})
 */
public record EpochEndParam(int epoch, Symbol symbol, Map<String, NDArray> argParams,
    Map<String, NDArray> auxParams, List<MetricValue> trainMetrics,
    List<MetricValue> evalMetrics, double seconds) {
  /** Column prefix of training metrics. */
  public static final String TRAIN_PREFIX = "train_";
  /** Column prefix of evaluation (validation) metrics. */
  public static final String EVAL_PREFIX = "val_";

  /** Copies the collections (keeping the maps' order) and checks the epoch. */
  public EpochEndParam {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch " + epoch + " is counted from 0");
    }
    Objects.requireNonNull(symbol, "symbol");
    argParams = Collections.unmodifiableMap(new LinkedHashMap<>(argParams));
    auxParams = Collections.unmodifiableMap(new LinkedHashMap<>(auxParams));
    trainMetrics = List.copyOf(trainMetrics);
    evalMetrics = List.copyOf(evalMetrics);
  }

  /** Every metric by column ({@code train_NAME}, then {@code val_NAME}), in metric order. */
  public Map<String, Double> columns() {
    Map<String, Double> out = new LinkedHashMap<>();
    trainMetrics.forEach(m -> out.put(TRAIN_PREFIX + m.name(), m.value()));
    evalMetrics.forEach(m -> out.put(EVAL_PREFIX + m.name(), m.value()));
    return out;
  }

  /** True for a metric's column ({@code train_NAME} or {@code val_NAME}). */
  static boolean isMetricColumn(String column) {
    return column.startsWith(TRAIN_PREFIX) || column.startsWith(EVAL_PREFIX);
  }

  /** The metric name of a column: {@code val_accuracy} -> {@code accuracy}. */
  static String metricName(String column) {
    if (column.startsWith(TRAIN_PREFIX)) {
      return column.substring(TRAIN_PREFIX.length());
    }
    if (column.startsWith(EVAL_PREFIX)) {
      return column.substring(EVAL_PREFIX.length());
    }
    return column;
  }
}
