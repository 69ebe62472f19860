package org.kindling.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.kindling.io.RecordView;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.image.ImageRecordDecoder;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;

/**
 * Image records ({@code .rec} written by im2rec or Kindling's packers) as a DataFrame that {@link
 * KindlingModel} can score: columns {@code id} (long, the record header's id), {@code label}
 * (double, the header's label or its first float label) and {@code features} (an {@code
 * ml.linalg} dense vector). Records of raw uint8 pixels give {@code pixel * scale}; records of
 * encoded images (JPEG, PNG), read with an {@link ImageInput} that decodes, give the values of the
 * training job's validation batches for the same settings (resize, centre crop, mean/std, scale;
 * {@link ImageRecordDecoder}). Each Spark partition reads one byte-range part of the files on the
 * executors, so nothing passes through the driver.
 */
public final class ImageRecordFrames {

  /** The schema of the frames this class makes. */
  public static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("label", DataTypes.DoubleType, false)
      .add("features", SQLDataTypes.VectorType(), false);

  private ImageRecordFrames() {}

  /**
   * Reads {@code uri} (one or more {@code .rec} files, {@code ;}-separated, any Hadoop file
   * system) into {@code partitions} partitions.
   *
   * @param exampleSize pixels each record must hold (e.g. 784)
   * @param scale factor from a pixel byte to a feature (1/255 as in training)
   * @throws UncheckedIOException if the files cannot be found (on the driver, before any task)
   */
  public static Dataset<Row> read(SparkSession spark, String uri, int exampleSize, float scale,
      int partitions) {
    return read(spark, uri, ImageInput.RAW, exampleSize, scale, partitions);
  }

  /**
   * Reads {@code uri} as {@link #read(SparkSession, String, int, float, int)} does, decoding the
   * records if {@code input} {@linkplain ImageInput#decodes() decodes}.
   *
   * @param input raw pixels, or the decoding settings (its random augmentations are not used:
   *     every record is centre-cropped, not mirrored)
   * @param exampleSize values per record: raw pixels, or {@code C*H*W} of {@code input}'s data
   *     shape
   * @throws IllegalArgumentException if {@code exampleSize} is not the decoded size
   */
  public static Dataset<Row> read(SparkSession spark, String uri, ImageInput input,
      int exampleSize, float scale, int partitions) {
    if (partitions < 1 || exampleSize < 1) {
      throw new IllegalArgumentException("partitions and exampleSize must be >= 1, got "
          + partitions + " and " + exampleSize);
    }
    if (input.decodes()) {
      int decoded = Arrays.stream(input.dataShape()).reduce(1, (a, b) -> a * b);
      if (decoded != exampleSize) {
        throw new IllegalArgumentException("the model takes " + exampleSize + " values per"
            + " example, but images decoded to " + Arrays.toString(input.dataShape()) + " give "
            + decoded);
      }
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      RecordIOSplit.open(uri, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    HadoopConfHolder shipped = new HadoopConfHolder(conf);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> parts = IntStream.range(0, partitions).boxed().collect(Collectors.toList());
    JavaRDD<Row> rows = jsc.parallelize(parts, partitions)
        .flatMap(new PartReader(uri, shipped, input, partitions, exampleSize, scale));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Reads part {@code k} of {@code n} into rows (one part in memory, as one partition). */
  private static final class PartReader implements FlatMapFunction<Integer, Row> {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final HadoopConfHolder conf;
    private final ImageInput input;
    private final int parts;
    private final int exampleSize;
    private final float scale;

    PartReader(String uri, HadoopConfHolder conf, ImageInput input, int parts, int exampleSize,
        float scale) {
      this.uri = uri;
      this.conf = conf;
      this.input = input;
      this.parts = parts;
      this.exampleSize = exampleSize;
      this.scale = scale;
    }

    @Override
    public java.util.Iterator<Row> call(Integer part) throws IOException {
      List<Row> out = new ArrayList<>();
      ImageRecordDecoder decoder =
          input.decodes() ? new ImageRecordDecoder(input.aug(scale, false)) : null;
      RecordIOSplit split = RecordIOSplit.open(uri, conf.get());
      try (RecordIOPartReader reader = split.openPart(part, parts)) {
        RecordView r;
        while ((r = reader.nextView()) != null) {
          out.add(toRow(r, exampleSize, scale, decoder));
        }
      }
      return out.iterator();
    }
  }

  /**
   * One record as a row: its content decoded by {@code decoder}, or raw pixels if null.
   *
   * @throws org.kindling.tensor.FormatException naming the file and offset if the record is not
   *     an image record of {@code exampleSize} raw pixels, or its image does not decode
   */
  static Row toRow(RecordView r, int exampleSize, float scale, ImageRecordDecoder decoder)
      throws org.kindling.tensor.FormatException {
    ImageRecord rec = ImageRecordHeader.unpack(r.payload(), r.file(), r.fileOffset());
    float[] f;
    if (decoder != null) {
      f = decoder.values(rec, r.file(), r.fileOffset());
    } else {
      if (rec.contentLength() != exampleSize) {
        throw new org.kindling.tensor.FormatException(r.file(), r.fileOffset(), "image record"
            + " has " + rec.contentLength() + " content bytes, but the model needs "
            + exampleSize + " raw pixels (records of encoded images need the data shape to"
            + " decode them to)");
      }
      f = new float[exampleSize];
      rec.contentToFloats(scale, f, 0);
    }
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    ImageRecordHeader h = rec.header();
    float[] labels = h.labels();
    double label = labels != null && labels.length > 0 ? labels[0] : h.label();
    return RowFactory.create(h.id(), label, Vectors.dense(d));
  }
}
