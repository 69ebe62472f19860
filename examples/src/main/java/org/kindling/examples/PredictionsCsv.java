package org.kindling.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.kindling.io.source.AtomicOutput;
import org.kindling.io.source.ByteStores;
import org.kindling.tensor.io.CFormat;

/**
 * The CSV {@code kindling score --out} writes: a header {@code id,label,prediction} (then {@code
 * output_0,output_1,...} with the network's output row), one line per scored row, in the order
 * given.
 *
 * <p>The file is streamed through its store's one atomic commit ({@link ByteStores#create}: a
 * hidden temporary file renamed into place on local files and HDFS, an object written directly
 * and published by the completing PUT or multipart upload on s3a and native {@code s3://}), as
 * checkpoints are. It appears under its name only once every row is written; if the rows or the
 * store fail on the way (a Spark task of a later partition failing while the first rows are
 * already written, say), nothing is published and what was written is discarded (the temporary
 * file deleted, the upload aborted), so a file already under that name stays as it was. A
 * successful write replaces it (on S3 in one step; on local files and HDFS the old file is
 * deleted just before the rename, so for that instant there is none).
 */
public final class PredictionsCsv {
  private PredictionsCsv() {}

  /**
   * Writes {@code rows} to {@code target} and publishes the file if all went well.
   *
   * @param rows rows of {@code id} (long), {@code label} (double), {@code prediction} (double)
   *     and, with {@code withOutput}, the output row (a Spark ML {@link Vector}; the first row's
   *     size names the header's output columns, each value written with 9 significant digits,
   *     which give the float back exactly)
   * @param target the file: a path or URI on any store {@link ByteStores#forPath} reaches
   * @param conf the Hadoop configuration that reaches the store
   * @return the number of rows written
   * @throws IOException naming the target if the store fails; nothing is then published
   */
  public static long write(Iterator<Row> rows, boolean withOutput, Path target,
      Configuration conf) throws IOException {
    long count = 0;
    try (AtomicOutput out = ByteStores.create(target, conf)) {
      // closing the writer ends the stream only: the commit below publishes
      try (Writer w = new BufferedWriter(new OutputStreamWriter(out.stream(),
          StandardCharsets.UTF_8), 1 << 16)) {
        Row row = rows.hasNext() ? rows.next() : null;
        StringBuilder header = new StringBuilder("id,label,prediction");
        int width = withOutput && row != null ? ((Vector) row.get(3)).size() : 0;
        for (int k = 0; k < width; k++) {
          header.append(",output_").append(k);
        }
        w.write(header.append('\n').toString());
        for (; row != null; row = rows.hasNext() ? rows.next() : null) {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d,%s,%d",
              row.getLong(0), trim(row.getDouble(1)), (long) row.getDouble(2)));
          if (withOutput) {
            for (double v : ((Vector) row.get(3)).toArray()) {
              line.append(',').append(CFormat.g(v, 9)); // float32 values: 9 digits are exact
            }
          }
          w.write(line.append('\n').toString());
          count++;
        }
      }
      out.commit();
    }
    return count;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
