package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kindling.examples.EmbeddedSpark;
import org.kindling.examples.PredictionsCsv;
import org.kindling.spark.ImageInput;
import org.kindling.spark.ImageRecordFrames;
import org.kindling.spark.KindlingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindling score}: scores the image records of a {@code .rec} file with a checkpoint
 * through {@link KindlingModel} on an embedded Spark.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores the image records of a .rec file with an MXNet/Kindling checkpoint"
          + " (PREFIX-symbol.json + PREFIX-%%04d.params) through KindlingModel.transform on an"
          + " embedded Spark.",
      "Prints 'accuracy: 0.XXXX (N records)' on stdout (labels come from the record headers);"
          + " --out writes id,label,prediction per record as CSV, in record order, and with"
          + " --with-output the network's output row as columns output_0,output_1,... (%%.9g,"
          + " which gives back the float exactly)."
    })
final class ScoreCommand implements Callable<Integer> {
  /** The scored frame's column of output rows, with --with-output. */
  private static final String OUTPUT_COL = "output";

  @Spec CommandSpec spec;

  @Option(names = "--model-prefix", required = true, paramLabel = "PREFIX",
      description = "checkpoint prefix (any Hadoop file system)")
  String prefix;

  @Option(names = "--epoch", required = true, paramLabel = "N",
      description = "checkpoint epoch: reads PREFIX-%%04d.params")
  int epoch;

  @Option(names = "--data", required = true, paramLabel = "URI",
      description = ".rec file(s) of image records (raw pixels, or encoded images with"
          + " --data-shape); several separated by ';'")
  String data;

  @Option(names = "--data-shape", paramLabel = "C,H,W", split = ",", hideParamSyntax = true,
      description = "records hold encoded images (JPEG, PNG) decoded with OpenCV and"
          + " centre-cropped to this shape, as the training job's validation batches; the"
          + " default --input-shape")
  int[] dataShape;

  @Option(names = "--resize", paramLabel = "N",
      description = "with --data-shape: resize the shorter side to N before cropping")
  Integer resize;

  @Option(names = "--mean-rgb", paramLabel = "R,G,B", split = ",", hideParamSyntax = true,
      description = "with --data-shape: subtracted per channel (default 0,0,0)")
  float[] meanRgb;

  @Option(names = "--std-rgb", paramLabel = "R,G,B", split = ",", hideParamSyntax = true,
      description = "with --data-shape: divides per channel (default 1,1,1)")
  float[] stdRgb;

  @Option(names = "--inter-method", paramLabel = "N",
      description = "with --data-shape: the resize's interpolation as in training (default 1)")
  Integer interMethod;

  @Option(names = "--out", paramLabel = "FILE",
      description = "write predictions as CSV here: a path or URI on any store (file://, hdfs://,"
          + " s3a://, s3://); the file appears only once complete, and a failed run leaves a"
          + " file already there as it was")
  String out;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "a Hadoop/Kindling setting for the checkpoint, the data and --out (in the"
          + " Spark session as spark.hadoop.KEY), repeatable, e.g. --conf"
          + " kindling.s3.endpoint=http://127.0.0.1:9000 --conf kindling.s3.path.style=true")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--with-output",
      description = "with --out: also write the network's output row (e.g. class scores)")
  boolean withOutput;

  @Option(names = "--input-shape", paramLabel = "D,D,..", split = ",", hideParamSyntax = true,
      description = "shape of one example (default 784, or --data-shape's)")
  int[] inputShape;

  @Option(names = "--batch-size", paramLabel = "N", description = "rows per forward pass (default 256)")
  int batchSize = 256;

  @Option(names = "--scale", paramLabel = "X",
      description = "factor from a pixel byte to a feature (default 1/255, as in training)")
  float scale = 1f / 255f;

  @Option(names = "--partitions", paramLabel = "N", description = "Spark partitions (default 2)")
  int partitions = 2;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[2])")
  String master = "local[2]";

  @Mixin MemoryLimitOption memoryLimit;

  @Mixin CpuAccelOption accel;

  @Override
  public Integer call() throws Exception {
    ImageInput input = imageInput();
    if (inputShape == null) {
      inputShape = dataShape != null ? dataShape.clone() : new int[] {784};
    }
    int size = 1;
    for (int d : inputShape) {
      if (d < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--input-shape dimensions must be >= 1");
      }
      size *= d;
    }
    if (withOutput && out == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--with-output needs --out FILE");
    }
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> conf = new LinkedHashMap<>(memoryLimit.sparkConf());
    conf.putAll(accel.sparkConf());
    settings.forEach((k, v) -> conf.put("spark.hadoop." + k, v));
    // a broken checkpoint fails here, before Spark starts
    KindlingModel model = (settings.isEmpty() ? KindlingModel.fromCheckpoint(prefix, epoch)
        : KindlingModel.fromCheckpoint(prefix, epoch, hadoopConf()))
        .setInputShape(inputShape).setBatchSize(batchSize)
        .setProbabilityCol(withOutput ? OUTPUT_COL : "");
    SparkSession spark = EmbeddedSpark.start(master, "kindling-score", conf);
    try {
      Dataset<Row> frame = ImageRecordFrames.read(spark, data, input, size, scale, partitions);
      long start = System.nanoTime();
      Dataset<Row> transformed = model.transform(frame);
      Dataset<Row> scored = (withOutput
          ? transformed.select("id", "label", "prediction", OUTPUT_COL)
          : transformed.select("id", "label", "prediction")).cache();
      long rows = scored.count();
      long correct = scored.filter("prediction = label").count();
      double seconds = (System.nanoTime() - start) / 1e9;
      err.printf(Locale.ROOT, "scored %d records in %.2f s (%.0f records/s)%n", rows, seconds,
          rows / Math.max(seconds, 1e-9));
      if (out != null) {
        // one pass over the cached rows, streamed through the store's atomic commit
        PredictionsCsv.write(scored.toLocalIterator(), withOutput, new Path(out),
            spark.sparkContext().hadoopConfiguration());
        err.println("predictions written to " + out);
      }
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.printf(Locale.ROOT, "accuracy: %.4f (%d records)%n",
          rows == 0 ? 0.0 : (double) correct / rows, rows);
      stdout.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** A Hadoop configuration with the --conf settings, for the checkpoint read before Spark. */
  private Configuration hadoopConf() {
    Configuration c = new Configuration();
    settings.forEach(c::set);
    return c;
  }

  /** Raw pixels, or the decoding of --data-shape (the builder refuses the options without it). */
  private ImageInput imageInput() {
    ImageInput.Builder b = ImageInput.builder();
    if (dataShape != null) {
      b.dataShape(dataShape);
    }
    if (resize != null) {
      b.resize(resize);
    }
    if (meanRgb != null) {
      b.meanRgb(meanRgb);
    }
    if (stdRgb != null) {
      b.stdRgb(stdRgb);
    }
    if (interMethod != null) {
      b.interMethod(interMethod);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
