/**
 * {@code format("recordio")}: MXNet RecordIO files as a Spark data source. {@link
 * org.kindling.spark.recordio.RecordIODataSource} reads with a DataSource V2 scan whose
 * partitions are dmlc's record-aligned parts and writes {@code part-NNNNN-<job id>.rec} + {@code
 * .idx} per partition through a staged commit ({@link org.kindling.spark.recordio.PartName});
 * columns in {@link org.kindling.spark.recordio.RecordIOColumns}, options in {@link
 * org.kindling.spark.recordio.RecordIOOptions} (decision 0024).
 */
package org.kindling.spark.recordio;
