package org.kindling.spark.recordio;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code format("mxnet-image")}: image records (JPEG, PNG, as {@code im2rec} packs them) decoded
 * with OpenCV into Spark's image schema, as {@code format("image")} gives image files: an {@code
 * image} struct ({@code origin} = {@code <file>@<offset>}, {@code height}, {@code width}, {@code
 * nChannels}, {@code mode}, {@code data} as BGR(A) bytes) plus the records' {@code id}, {@code
 * label} and {@code labels} ({@link RecordIOColumns#DECODED_IMAGES}). The scan is {@code
 * format("recordio")}'s (the same record-aligned partitions, options and column pruning; an
 * image is decoded only when the {@code image} column is read). A record that does not decode
 * fails the query with its file and offset, or with option {@code dropInvalid=true} is left out,
 * logged with its file and offset, and counted in the scan's metric {@link
 * DroppedInvalidRecords} (the SQL tab of Spark's UI). Read only.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("mxnet-image").option("dropInvalid", true)
 *     .load("hdfs:///data/train.rec");
 * }</pre>
 */
public final class MxnetImageDataSource implements TableProvider, DataSourceRegister {

  /** The short name registered through {@code META-INF/services}. */
  public static final String SHORT_NAME = "mxnet-image";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return RecordIOColumns.schema(RecordIOOptions.parse(options, true));
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning,
      Map<String, String> properties) {
    return new RecordIOTable(RecordIOOptions.parse(properties, true));
  }
}
