package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.spark.HadoopConfHolder;
import org.kindling.tensor.FormatException;

/** Opens, on an executor, the part reader of one {@link RecordIOInputPartition}. */
final class RecordIOReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final HadoopConfHolder conf;
  private final RecordIOOptions options;
  private final StructType schema;

  RecordIOReaderFactory(HadoopConfHolder conf, RecordIOOptions options, StructType schema) {
    this.conf = conf;
    this.options = options;
    this.schema = schema;
  }

  /**
   * @throws UncheckedIOException if the files cannot be opened or changed size since planning
   */
  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    RecordIOInputPartition p = (RecordIOInputPartition) partition;
    try {
      RecordIOSplit split = RecordIOSplit.open(p.files(), conf.get());
      if (split.totalBytes() != p.totalBytes()) {
        throw new FormatException(p.files(), -1, "the files changed while being read: "
            + p.totalBytes() + " bytes in total when the scan was planned, "
            + split.totalBytes() + " now; re-run the query on files that are not being written");
      }
      return new Reader(split.openPart(p.part(), p.numParts()), new RecordRows(options, schema));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** The rows of one part, in file order (less the records {@code dropInvalid} leaves out). */
  private static final class Reader implements PartitionReader<InternalRow> {
    private final RecordIOPartReader part;
    private final RecordRows rows;
    private InternalRow current;

    Reader(RecordIOPartReader part, RecordRows rows) {
      this.part = part;
      this.rows = rows;
    }

    @Override
    public boolean next() throws IOException {
      while (true) {
        var r = part.nextView();
        if (r == null) {
          current = null;
          return false;
        }
        // the row copies what it keeps (data, decoded pixels): Spark holds it past the view
        current = rows.toRow(r); // null: a record dropInvalid leaves out
        if (current != null) {
          return true;
        }
      }
    }

    @Override
    public InternalRow get() {
      return current;
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
      return new CustomTaskMetric[] {DroppedInvalidRecords.of(rows.dropped())};
    }

    @Override
    public void close() throws IOException {
      part.close();
    }
  }
}
