package org.kindling.spark.recordio;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The RecordIO files named by a {@code format("recordio")} load, as a readable table. Writing
 * goes through {@link RecordIODataSource#createRelation} instead (see decision 0024), so this
 * table does not implement {@code SupportsWrite}.
 */
final class RecordIOTable implements SupportsRead {
  private final RecordIOOptions options;

  RecordIOTable(RecordIOOptions options) {
    this.options = options;
  }

  @Override
  public String name() {
    return (options.images() ? "mxnet-image[" : "recordio[") + options.uri() + "]";
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return RecordIOColumns.schema(options);
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    return new RecordIOScanBuilder(options);
  }
}
