package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.spark.recordio.RecordIOFiles;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;

/** {@link ImageRecordFrames}: raw-pixel records and encoded images, as scoring reads them. */
class ImageRecordFramesTest {
  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = RecordIOFiles.spark("ImageRecordFramesTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path write(String name, List<byte[]> records) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file); RecordIOWriter w = new RecordIOWriter(out)) {
      for (byte[] r : records) {
        w.write(r);
      }
    }
    return file;
  }

  /** {@code n} 12x10 BGR images of random pixels, as PNG (lossless) in image records. */
  private static List<byte[]> pngRecords(int n) {
    Random rnd = new Random(17);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] px = new byte[12 * 10 * 3];
      rnd.nextBytes(px);
      out.add(ImageRecordHeader.pack(ImageRecordHeader.of(i % 3, 100 + i, 0),
          ImageCodec.encode(px, 12, 10, 3, ".png", 3)));
    }
    return out;
  }

  /**
   * Decoded frames hold, record for record, the values of the training job's validation batches
   * for the same settings (resize, centre crop, mean/std, scale), with the header's id and label.
   */
  @Test
  void encodedImagesGiveTheValuesOfTheValidationBatches() throws IOException {
    int n = 9;
    Path file = write("png.rec", pngRecords(n));
    ImageInput input = ImageInput.builder().dataShape(3, 8, 8).resize(9)
        .meanRgb(120f, 110f, 100f).stdRgb(60f, 50f, 40f).build();

    List<Row> rows = ImageRecordFrames.read(spark, file.toString(), input, 3 * 8 * 8, 1f, 2)
        .collectAsList();

    List<float[]> expected = new ArrayList<>();
    float[] labels;
    try (DataIter it = input.evalIter(
        RecordIOSplit.open(file.toString(), new Configuration()).openPart(0, 1),
        new int[] {3, 8, 8}, 1f, n, false)) {
      try (DataBatch b = it.next()) {
        float[] data = b.data().get(0).toFloatArray();
        labels = b.label().get(0).toFloatArray();
        for (int i = 0; i < n; i++) {
          expected.add(java.util.Arrays.copyOfRange(data, i * 192, (i + 1) * 192));
        }
      }
    }
    assertThat(rows).hasSize(n);
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      assertThat(r.getLong(0)).isEqualTo(100L + i);
      assertThat(r.getDouble(1)).isEqualTo(labels[i]);
      double[] features = ((Vector) r.get(2)).toArray();
      assertThat(features).hasSize(192);
      for (int k = 0; k < 192; k++) {
        assertThat(features[k]).as("record %d value %d", i, k).isEqualTo(expected.get(i)[k]);
      }
    }
  }

  @Test
  void rawPixelsAreScaledAndWrongSizesAndBadImagesAreNamed() throws IOException {
    Path raw = write("raw.rec", List.of(
        ImageRecordHeader.pack(ImageRecordHeader.of(2f, 7, 0), new byte[] {0, 51, (byte) 255})));
    List<Row> rows = ImageRecordFrames.read(spark, raw.toString(), 3, 1f / 255f, 1)
        .collectAsList();
    float s = 1f / 255f;
    assertThat(((Vector) rows.get(0).get(2)).toArray())
        .containsExactly(0.0, (double) (51 * s), (double) (255 * s));
    assertThat(rows.get(0).getDouble(1)).isEqualTo(2.0);

    Path png = write("png-as-raw.rec", pngRecords(1));
    assertThatThrownBy(() -> ImageRecordFrames.read(spark, png.toString(), 3, 1f, 1)
        .collectAsList()).hasStackTraceContaining("png-as-raw.rec at byte offset 0")
        .hasStackTraceContaining("need the data shape");

    ImageInput decode = ImageInput.builder().dataShape(3, 8, 8).build();
    assertThatThrownBy(() -> ImageRecordFrames.read(spark, raw.toString(), decode, 192, 1f, 1)
        .collectAsList()).hasStackTraceContaining("raw.rec at byte offset 0")
        .hasStackTraceContaining("image record id 7");
    assertThatThrownBy(() -> ImageRecordFrames.read(spark, raw.toString(), decode, 784, 1f, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("784 values per example")
        .hasMessageContaining("[3, 8, 8] give 192");
  }
}
