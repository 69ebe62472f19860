package org.kindling.symbol.metric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.kindling.tensor.NDArray;

/**
 * MXNet's {@code CompositeEvalMetric} ({@code composite}): updates, resets and reports several
 * metrics together. Its values are its children's, read with {@link #getNameValue()} and
 * {@link #getGlobalNameValue()}; it has no single value, sum or count of its own, so {@link
 * #get()}, {@link #getGlobal()}, {@link #sumMetric()}, {@link #numInst()} and {@link #merge}
 * throw {@link UnsupportedOperationException} (MXNet returns lists from {@code get()}).
 */
public final class CompositeEvalMetric implements EvalMetric {
  private final List<EvalMetric> metrics = new ArrayList<>();

  /** An empty composite; add children with {@link #add}. */
  public CompositeEvalMetric() {}

  /** A composite of {@code metrics}, in order. */
  public CompositeEvalMetric(List<? extends EvalMetric> metrics) {
    metrics.forEach(this::add);
  }

  /** Adds a child metric. */
  public void add(EvalMetric metric) {
    metrics.add(Objects.requireNonNull(metric, "metric"));
  }

  /** The children, in order (read-only view). */
  public List<EvalMetric> metrics() {
    return Collections.unmodifiableList(metrics);
  }

  /**
   * Child {@code index} (MXNet's {@code get_metric}).
   *
   * @throws IndexOutOfBoundsException naming the range
   */
  public EvalMetric getMetric(int index) {
    if (index < 0 || index >= metrics.size()) {
      throw new IndexOutOfBoundsException("metric index " + index + " is out of range [0, "
          + metrics.size() + ")");
    }
    return metrics.get(index);
  }

  @Override
  public String name() {
    return "composite";
  }

  @Override
  public void update(List<NDArray> labels, List<NDArray> predictions, int pad) {
    for (EvalMetric m : metrics) {
      m.update(labels, predictions, pad);
    }
  }

  @Override
  public List<MetricValue> getNameValue() {
    List<MetricValue> out = new ArrayList<>();
    metrics.forEach(m -> out.addAll(m.getNameValue()));
    return out;
  }

  @Override
  public List<MetricValue> getGlobalNameValue() {
    List<MetricValue> out = new ArrayList<>();
    metrics.forEach(m -> out.addAll(m.getGlobalNameValue()));
    return out;
  }

  @Override
  public MetricValue get() {
    throw noSingleValue("get()");
  }

  @Override
  public MetricValue getGlobal() {
    throw noSingleValue("getGlobal()");
  }

  @Override
  public double sumMetric() {
    throw noSingleValue("sumMetric()");
  }

  @Override
  public long numInst() {
    throw noSingleValue("numInst()");
  }

  @Override
  public void merge(double sumMetric, long numInst) {
    throw noSingleValue("merge()");
  }

  private UnsupportedOperationException noSingleValue(String what) {
    return new UnsupportedOperationException("composite of " + metrics.size() + " metrics has no "
        + what + "; use getNameValue() or the children (metrics())");
  }

  @Override
  public void reset() {
    metrics.forEach(EvalMetric::reset);
  }

  @Override
  public void resetLocal() {
    metrics.forEach(EvalMetric::resetLocal);
  }

  @Override
  public String toString() {
    return getNameValue().toString();
  }
}
