package org.kindling.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.kindling.spark.EpochMetrics;
import org.kindling.spark.ImageRecordFrames;
import org.kindling.spark.KindlingModel;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;

/**
 * The end-to-end demo: Fashion-MNIST IDX files -> RecordIO -> distributed training on an
 * embedded Spark (two barrier tasks summing in one JVM, the parameter server on the driver,
 * dist_device_sync) -> MXNet checkpoints -> a DataFrame of the 10,000 test images scored by
 * {@link KindlingModel}.
 */
public final class FashionMnistDemo {
  private static final int PIXELS = 28 * 28;

  /**
   * What to run.
   *
   * @param epochs training epochs
   * @param workDir where the packed data and the checkpoints go
   * @param master the embedded Spark master, e.g. {@code local[2]}
   * @param workers barrier tasks (workers)
   * @param batchSize batch per worker
   * @param learningRate SGD learning rate
   * @param momentum SGD momentum
   * @param weightDecay SGD weight decay
   * @param kindlingConf Kindling's Spark conf entries, e.g. the array memory cap ({@code
   *     spark.kindling.memory.limit}) or the accelerated kernels' ({@code
   *     spark.kindling.cpu.accel}); empty for the defaults
   */
  public record Settings(int epochs, Path workDir, String master, int workers, int batchSize,
      double learningRate, double momentum, double weightDecay,
      Map<String, String> kindlingConf) {}

  /**
   * What the demo achieved.
   *
   * @param training the training job's result (per-epoch metrics, checkpoint prefix)
   * @param testAccuracy accuracy of the scored test DataFrame
   * @param scoredRows rows scored
   * @param scoringSeconds seconds the scoring took
   */
  public record Outcome(TrainResult training, double testAccuracy, long scoredRows,
      double scoringSeconds) {}

  private FashionMnistDemo() {}

  /**
   * Runs the demo, printing progress to {@code log}.
   *
   * @throws org.kindling.examples.CommandFailedException if the data set is missing
   */
  public static Outcome run(Settings s, PrintWriter log) throws IOException {
    FashionMnist data = FashionMnist.locateOrInstall(log);
    Path dataDir = s.workDir().resolve("data");
    Path train = Packing.packIfStale(data.trainImages(), data.trainLabels(),
        dataDir.resolve("fashion-train"), "train", log);
    Path test = Packing.packIfStale(data.testImages(), data.testLabels(),
        dataDir.resolve("fashion-test"), "test", log);
    String prefix = s.workDir().resolve("model").resolve("fashion-mlp").toAbsolutePath()
        .toString();

    log.printf(Locale.ROOT, "starting Spark (%s)%n", s.master());
    SparkSession spark = EmbeddedSpark.start(s.master(), "kindling-demo", s.kindlingConf());
    try {
      TrainConfig config = TrainConfig.builder()
          .data(train.toAbsolutePath().toString())
          .valData(test.toAbsolutePath().toString())
          .numWorkers(s.workers())
          .batchSize(s.batchSize())
          .epochs(s.epochs())
          .learningRate(s.learningRate())
          .momentum(s.momentum())
          .weightDecay(s.weightDecay())
          .hidden(256, 128)
          .numClasses(10)
          .inputShape(PIXELS)
          .modelPrefix(prefix)
          .overwrite(true) // the demo's own work directory: a rerun replaces its model
          .kvstore("dist_device_sync")
          .dispBatches(50)
          .build();
      TrainResult result = TrainJob.run(spark, config, log::println);
      EpochMetrics last = result.last();
      log.printf(Locale.ROOT, "training done: %d epochs, %.0f samples/s, %.1f s per epoch;"
          + " checkpoint %s%n", result.metrics().size(), last.samplesPerSecond(),
          meanSeconds(result), result.lastParamsFile());

      Dataset<Row> frame = ImageRecordFrames.read(spark, test.toAbsolutePath().toString(),
          PIXELS, 1f / 255f, s.workers()).cache();
      long rows = frame.count();
      log.printf(Locale.ROOT, "scoring the %,d test images with KindlingModel.transform ...%n",
          rows);
      KindlingModel model = KindlingModel.fromCheckpoint(prefix, result.lastEpoch());
      long start = System.nanoTime();
      Row counts = model.transform(frame)
          .agg(functions.count(functions.lit(1)),
              functions.sum(functions.when(functions.col("prediction")
                  .equalTo(functions.col("label")), 1).otherwise(0)))
          .first();
      double seconds = (System.nanoTime() - start) / 1e9;
      frame.unpersist();
      long scored = counts.getLong(0);
      long correct = counts.getLong(1);
      log.printf(Locale.ROOT, "scored %d rows in %.2f s (%.0f rows/s)%n", scored, seconds,
          scored / seconds);
      if (scored != rows) {
        throw new IllegalStateException("scored " + scored + " rows of " + rows);
      }
      return new Outcome(result, (double) correct / scored, scored, seconds);
    } finally {
      spark.stop();
    }
  }

  private static double meanSeconds(TrainResult r) {
    return r.metrics().stream().mapToDouble(EpochMetrics::seconds).average().orElse(0);
  }
}
