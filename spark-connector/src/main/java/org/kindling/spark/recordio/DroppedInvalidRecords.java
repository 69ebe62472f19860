package org.kindling.spark.recordio;

import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The scan metric of {@code format("mxnet-image")} with {@code dropInvalid=true}: how many
 * records were left out because their header was bad or their image did not decode, summed over
 * the tasks. Spark shows it on the scan in the SQL tab of its UI (and in the plan's metrics,
 * {@value #NAME}); each record left out is also logged with its file and offset.
 *
 * <p>Public with a no-argument constructor because Spark instantiates it by class name when it
 * aggregates the tasks' values.
 */
public final class DroppedInvalidRecords extends CustomSumMetric {
  /** The metric's name in the plan's metrics. */
  public static final String NAME = "droppedInvalidRecords";

  /** Made by Spark, by reflection. */
  public DroppedInvalidRecords() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "records left out by dropInvalid";
  }

  /** One task's count. */
  static CustomTaskMetric of(long count) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return NAME;
      }

      @Override
      public long value() {
        return count;
      }
    };
  }
}
