package org.kindling.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * MXNet checkpoint file names and their atomic writes on any Hadoop file system:
 * {@code PREFIX-symbol.json}, {@code PREFIX-%04d.params} (the file of epoch {@code e}, 1-based,
 * holds the weights after {@code e} epochs, as {@code mx.model.save_checkpoint} numbers them)
 * and Kindling's training curve {@code PREFIX-metrics.csv}.
 */
public final class Checkpoints {

  /** Header line of the metrics file. */
  public static final String METRICS_HEADER =
      "epoch,train_accuracy,val_accuracy,samples_per_second,seconds";

  private Checkpoints() {}

  /** {@code PREFIX-symbol.json}. */
  public static String symbolFile(String prefix) {
    return prefix + "-symbol.json";
  }

  /** {@code PREFIX-%04d.params}. */
  public static String paramsFile(String prefix, int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    return String.format(Locale.ROOT, "%s-%04d.params", prefix, epoch);
  }

  /** {@code PREFIX-metrics.csv}. */
  public static String metricsFile(String prefix) {
    return prefix + "-metrics.csv";
  }

  /** Writes the symbol JSON atomically. */
  public static void writeSymbol(String prefix, String json, Configuration conf)
      throws IOException {
    HadoopFiles.writeAtomically(new Path(symbolFile(prefix)),
        json.getBytes(StandardCharsets.UTF_8), conf);
  }

  /** Writes an epoch's {@code .params} image atomically. */
  public static void writeParams(String prefix, int epoch, byte[] params, Configuration conf)
      throws IOException {
    HadoopFiles.writeAtomically(new Path(paramsFile(prefix, epoch)), params, conf);
  }

  /** Rewrites the whole metrics CSV atomically with one row per epoch so far. */
  public static void writeMetrics(String prefix, List<EpochMetrics> rows, Configuration conf)
      throws IOException {
    HadoopFiles.writeAtomically(new Path(metricsFile(prefix)),
        metricsCsv(rows).getBytes(StandardCharsets.UTF_8), conf);
  }

  /** The CSV text: a header line, then {@code epoch,train,val,samples/s,seconds} rows. */
  public static String metricsCsv(List<EpochMetrics> rows) {
    StringBuilder s = new StringBuilder(METRICS_HEADER).append('\n');
    for (EpochMetrics m : rows) {
      s.append(String.format(Locale.ROOT, "%d,%.6f,%s,%.1f,%.3f\n", m.epoch(), m.trainAccuracy(),
          m.hasValAccuracy() ? String.format(Locale.ROOT, "%.6f", m.valAccuracy()) : "",
          m.samplesPerSecond(), m.seconds()));
    }
    return s.toString();
  }
}
