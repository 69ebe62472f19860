package org.kindling.spark.recordio;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code format("recordio")}: MXNet RecordIO files as a DataFrame ({@link RecordIOColumns}),
 * options in {@link RecordIOOptions}. Reading is a DataSource V2 scan whose partitions are the
 * record-aligned parts of dmlc's {@code InputSplit}, with column pruning.
 *
 * <pre>{@code
 * Dataset<Row> df = spark.read().format("recordio").option("numPartitions", 8)
 *     .load("hdfs:///data/train.rec");
 * }</pre>
 */
public final class RecordIODataSource implements TableProvider, DataSourceRegister {

  /** The short name registered through {@code META-INF/services}. */
  public static final String SHORT_NAME = "recordio";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return RecordIOColumns.schema(RecordIOOptions.parse(options).header());
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning,
      Map<String, String> properties) {
    return new RecordIOTable(RecordIOOptions.parse(properties));
  }
}
