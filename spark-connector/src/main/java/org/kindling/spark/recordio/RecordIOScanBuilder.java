package org.kindling.spark.recordio;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Builds a {@link RecordIOScan} over the columns a query needs. */
final class RecordIOScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final RecordIOOptions options;
  private StructType required;

  RecordIOScanBuilder(RecordIOOptions options) {
    this.options = options;
    this.required = RecordIOColumns.schema(options);
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    // Keep the source's column order and types; Spark asks only for columns it has.
    StructType full = RecordIOColumns.schema(options);
    StructType pruned = new StructType();
    for (StructField f : full.fields()) {
      if (requiredSchema.getFieldIndex(f.name()).isDefined()) {
        pruned = pruned.add(f);
      }
    }
    required = pruned;
  }

  @Override
  public Scan build() {
    return new RecordIOScan(options, required);
  }
}
