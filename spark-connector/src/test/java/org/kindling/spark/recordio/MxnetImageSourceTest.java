package org.kindling.spark.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;

/** {@code format("mxnet-image")}: image records decoded into Spark's image schema. */
class MxnetImageSourceTest {
  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = RecordIOFiles.spark("MxnetImageSourceTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static byte[] pixels(int h, int w, int c, long seed) {
    byte[] px = new byte[h * w * c];
    new Random(seed).nextBytes(px);
    return px;
  }

  private static byte[] record(float label, long id, byte[] content) {
    return ImageRecordHeader.pack(ImageRecordHeader.of(label, id, 0), content);
  }

  @Test
  void pngRecordsDecodeToSparksImageSchemaWithTheirExactPixelsAndLabels() throws IOException {
    byte[] bgr = pixels(5, 7, 3, 1);
    byte[] grey = pixels(4, 3, 1, 2);
    byte[] bgra = pixels(2, 6, 4, 3);
    Path file = RecordIOFiles.write(dir.resolve("png.rec"), List.of(
        record(1f, 10, ImageCodec.encode(bgr, 5, 7, 3, ".png", 3)),
        record(2f, 11, ImageCodec.encode(grey, 4, 3, 1, ".png", 3)),
        ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[] {4f, 5f}, 12, 0),
            ImageCodec.encode(bgra, 2, 6, 4, ".png", 3))));

    Dataset<Row> df = spark.read().format("mxnet-image").load(file.toString());

    assertThat(df.schema().apply("image").dataType()).isEqualTo(ImageSchema.columnSchema());
    assertThat(df.columns()).containsExactly("image", "id", "label", "labels");
    List<Row> rows = df.collectAsList();
    assertThat(rows).hasSize(3);
    int[][] dims = {{5, 7, 3, 16}, {4, 3, 1, 0}, {2, 6, 4, 24}};
    byte[][] data = {bgr, grey, bgra};
    for (int i = 0; i < 3; i++) {
      Row image = rows.get(i).getStruct(0);
      assertThat(ImageSchema.getHeight(image)).isEqualTo(dims[i][0]);
      assertThat(ImageSchema.getWidth(image)).isEqualTo(dims[i][1]);
      assertThat(ImageSchema.getNChannels(image)).isEqualTo(dims[i][2]);
      assertThat(ImageSchema.getMode(image)).isEqualTo(dims[i][3]);
      assertThat(ImageSchema.getData(image)).as("PNG is lossless").isEqualTo(data[i]);
      assertThat(ImageSchema.getOrigin(image)).startsWith("file:").contains("png.rec@");
      assertThat(rows.get(i).<Long>getAs("id")).isEqualTo(10L + i);
    }
    assertThat(ImageSchema.getOrigin(rows.get(0).getStruct(0))).endsWith("png.rec@0");
    assertThat(rows.get(1).<Float>getAs("label")).isEqualTo(2f);
    assertThat(rows.get(2).<Float>getList(3)).containsExactly(4f, 5f);
    // Spark's mode numbers are OpenCV's
    assertThat(ImageSchema.ocvTypes().apply("CV_8UC3")).isEqualTo(16);
    assertThat(ImageSchema.ocvTypes().apply("CV_8UC4")).isEqualTo(24);
  }

  @Test
  void aRecordThatDoesNotDecodeFailsWithItsFileAndOffsetOrIsDroppedWithDropInvalid()
      throws IOException {
    byte[] good = record(0f, 1, ImageCodec.encode(pixels(8, 8, 3, 4), 8, 8, 3, ".jpg", 90));
    byte[] bad = record(1f, 2, "not an image".getBytes(StandardCharsets.US_ASCII));
    Path file = RecordIOFiles.write(dir.resolve("bad.rec"), List.of(good, bad, good));
    long badOffset = 8L + good.length + (4 - good.length % 4) % 4;

    assertThatThrownBy(() -> spark.read().format("mxnet-image").load(file.toString())
        .collectAsList()).hasStackTraceContaining("bad.rec")
        .hasStackTraceContaining("at byte offset " + badOffset)
        .hasStackTraceContaining("image record id 2")
        .hasStackTraceContaining("set option dropInvalid=true");

    Dataset<Row> dropping = spark.read().format("mxnet-image").option("dropInvalid", "true")
        .load(file.toString());
    List<Row> kept = dropping.collectAsList();
    assertThat(kept).extracting(r -> r.<Long>getAs("id")).containsExactly(1L, 1L);
    assertThat(scanMetric(dropping, DroppedInvalidRecords.NAME)).as("records left out")
        .isEqualTo(1);
    assertThat(kept).extracting(r -> ImageSchema.getHeight(r.getStruct(0))).containsOnly(8);

    // without the image column nothing is decoded, so nothing fails
    assertThat(spark.read().format("mxnet-image").load(file.toString()).select("label")
        .count()).isEqualTo(3);
  }

  /** The value of the metric {@code name} of the scan of {@code frame}'s last execution. */
  private static long scanMetric(Dataset<Row> frame, String name) {
    scala.collection.Iterator<SparkPlan> leaves =
        frame.queryExecution().executedPlan().collectLeaves().iterator();
    while (leaves.hasNext()) {
      scala.Option<SQLMetric> metric = leaves.next().metrics().get(name);
      if (metric.isDefined()) {
        return metric.get().value();
      }
    }
    throw new AssertionError("no scan with the metric " + name + " in "
        + frame.queryExecution().executedPlan());
  }

  @Test
  void optionsOfTheOtherFormatAreRefusedByName() throws IOException {
    Path file = RecordIOFiles.write(dir.resolve("one.rec"), List.of(record(0f, 1, new byte[4])));
    assertThatThrownBy(() -> spark.read().format("mxnet-image").option("header", "false")
        .load(file.toString())).hasMessageContaining("header=false");
    assertThatThrownBy(() -> spark.read().format("recordio").option("dropInvalid", "true")
        .load(file.toString())).hasMessageContaining("dropInvalid belongs to");
  }
}
