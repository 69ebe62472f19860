package org.kindling.spark.recordio;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code format("recordio")}: MXNet RecordIO files as a DataFrame ({@link RecordIOColumns}),
 * options in {@link RecordIOOptions}. Reading is a DataSource V2 scan whose partitions are the
 * record-aligned parts of dmlc's {@code InputSplit}, with column pruning. Writing is a
 * {@link CreatableRelationProvider} ({@link RecordIOWriteJob}): Spark sends only {@code append}
 * and {@code overwrite} to a V2 {@code SupportsWrite} table found through a {@code TableProvider}
 * and refuses the default {@code errorifexists} and {@code ignore}, while the V1 interface gets
 * every save mode (decision 0024).
 *
 * <pre>{@code
 * Dataset<Row> df = spark.read().format("recordio").option("numPartitions", 8)
 *     .load("hdfs:///data/train.rec");
 * df.write().format("recordio").mode("overwrite").save("hdfs:///data/copy");
 * }</pre>
 */
public final class RecordIODataSource
    implements TableProvider, DataSourceRegister, CreatableRelationProvider {

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

  /** Writes {@code data} to the {@code path} option's directory in save mode {@code mode}. */
  @Override
  public BaseRelation createRelation(SQLContext sqlContext, SaveMode mode,
      scala.collection.immutable.Map<String, String> parameters, Dataset<Row> data) {
    RecordIOOptions options = RecordIOOptions.parse(CollectionConverters.asJava(parameters));
    new RecordIOWriteJob(options, sqlContext.sparkContext().hadoopConfiguration())
        .run(data, mode);
    return new Written(sqlContext, options.header());
  }

  /** What {@link #createRelation} returns; Spark only reads its schema. */
  private static final class Written extends BaseRelation {
    private final SQLContext sqlContext;
    private final boolean header;

    Written(SQLContext sqlContext, boolean header) {
      this.sqlContext = sqlContext;
      this.header = header;
    }

    @Override
    public SQLContext sqlContext() {
      return sqlContext;
    }

    @Override
    public StructType schema() {
      return RecordIOColumns.schema(header);
    }
  }
}
