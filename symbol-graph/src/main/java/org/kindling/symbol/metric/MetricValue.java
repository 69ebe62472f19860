package org.kindling.symbol.metric;

/**
 * A metric's name and value.
 *
 * @param name e.g. {@code accuracy}
 * @param value the value, NaN if no instance was seen
 */
public record MetricValue(String name, double value) {
  @Override
  public String toString() {
    return name + "=" + value;
  }
}
