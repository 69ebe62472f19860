package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.kindling.io.split.PartHosts;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.spark.HadoopConfHolder;

/**
 * A batch scan of RecordIO files: one input partition per part of the files' global byte space,
 * divided as dmlc's {@code InputSplit} (record-aligned ranges; {@code formats.md} §1.4). The
 * files are resolved once, on the driver, when the partitions are planned, with the hosts that
 * hold most of each part's bytes on stores with locality (HDFS) as its preferred locations.
 */
final class RecordIOScan implements Scan, Batch {
  private final RecordIOOptions options;
  private final StructType readSchema;
  private final Configuration conf;

  RecordIOScan(RecordIOOptions options, StructType readSchema) {
    this.options = options;
    this.readSchema = readSchema;
    this.conf = options.hadoopConf(
        SparkSession.active().sparkContext().hadoopConfiguration());
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public String description() {
    return "RecordIOScan[" + options.uri() + ", header=" + options.header()
        + (options.images() ? ", decoded images, dropInvalid=" + options.dropInvalid() : "") + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  /** Decoded images: the count of records {@code dropInvalid} left out. */
  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return options.images() ? new CustomMetric[] {new DroppedInvalidRecords()}
        : new CustomMetric[0];
  }

  /**
   * Resolves the files and makes one partition per part, which prefers the hosts holding most of
   * its bytes (one block-location request per file, at most {@link PartHosts#MAX_FILES} files).
   *
   * @throws UncheckedIOException if an input is missing or a file's size is not a multiple of 4
   */
  @Override
  public InputPartition[] planInputPartitions() {
    RecordIOSplit split;
    try {
      split = RecordIOSplit.open(options.uri(), conf, options.recursive());
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    if (split.totalBytes() == 0) {
      return new InputPartition[0];
    }
    int n = numParts(split.totalBytes());
    String joined = split.files().stream().map(f -> f.path().toString())
        .collect(Collectors.joining(";"));
    PartHosts hosts = PartHosts.of(split, conf);
    InputPartition[] parts = new InputPartition[n];
    for (int k = 0; k < n; k++) {
      parts[k] = new RecordIOInputPartition(joined, split.totalBytes(), k, n,
          hosts.hosts(split, k, n));
    }
    return parts;
  }

  /** The requested count, or enough parts of at most {@code maxPartitionBytes} each. */
  private int numParts(long totalBytes) {
    if (options.numPartitions() > 0) {
      return options.numPartitions();
    }
    long max = Math.max(4, SQLConf.get().filesMaxPartitionBytes());
    return (int) Math.min(Integer.MAX_VALUE, (totalBytes + max - 1) / max);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new RecordIOReaderFactory(new HadoopConfHolder(conf), options, readSchema);
  }
}
