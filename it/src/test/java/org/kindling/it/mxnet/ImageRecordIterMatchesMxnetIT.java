package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kindling.io.RecordSource;
import org.kindling.io.image.ImageAugParams;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageRecordIter;
import org.kindling.io.image.IndexedPartSource;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * Kindling's {@link ImageRecordIter} against MXNet's {@code ImageRecordIter} (through {@code
 * MXDataIterCreateIter}) on the same {@code .rec}, packed by Kindling with PNG or JPEG images of
 * several sizes: with resize, centre crop, mean/std/scale, multi-label records and {@code
 * num_parts}/{@code part_index} (byte-range parts, or parts of the {@code .idx} with {@code
 * path_imgidx} against {@link IndexedPartSource}), every batch has the same labels and pad count, and the same
 * pixels, exactly, for PNG and for JPEG (docs/decisions/0022).
 */
class ImageRecordIterMatchesMxnetIT {
  private static final int IMAGES = 23;
  private static final int BATCH = 5;

  @TempDir Path dir;

  @BeforeAll
  static void oracle() {
    OracleExecution.require();
  }

  /** Random but smooth pixels (BGR), so that JPEG keeps them close. */
  private static byte[] pixels(int h, int w, Random r) {
    byte[] px = new byte[h * w * 3];
    int[] base = {r.nextInt(150), r.nextInt(150), r.nextInt(150)};
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        for (int c = 0; c < 3; c++) {
          px[(i * w + j) * 3 + c] =
              (byte) (base[c] + (i * (c + 2) + j * (4 - c)) % 60 + r.nextInt(40));
        }
      }
    }
    return px;
  }

  private Path pack(String format, boolean multiLabel) throws IOException {
    Random r = new Random(format.hashCode());
    Path rec = dir.resolve("images" + format.replace('.', '-') + ".rec");
    Path idx = dir.resolve("images" + format.replace('.', '-') + ".idx");
    try (OutputStream out = Files.newOutputStream(rec);
        OutputStream idxOut = Files.newOutputStream(idx);
        IndexedRecordIOWriter w = new IndexedRecordIOWriter(out, idxOut)) {
      for (int i = 0; i < IMAGES; i++) {
        int h = 30 + r.nextInt(30);
        int wd = 30 + r.nextInt(30);
        byte[] img = ImageCodec.encode(pixels(h, wd, r), h, wd, 3, format, 90);
        ImageRecordHeader header = multiLabel
            ? ImageRecordHeader.ofLabels(new float[] {i, 100 + i}, i, 0)
            : ImageRecordHeader.of(i % 7, i, 0);
        w.write(i, ImageRecordHeader.pack(header, img));
      }
    }
    return rec;
  }

  @ParameterizedTest(name = "{0} part {1}/{2} label_width {3} through .idx {4}")
  @CsvSource({".png,0,1,1,false", ".png,0,2,2,false", ".png,1,2,1,false", ".jpg,0,1,1,false",
      ".jpg,1,3,1,false", ".png,2,3,1,true", ".jpg,0,4,2,true"})
  void sameBatchesAsMxnet(String format, int part, int parts, int labelWidth, boolean indexed)
      throws IOException {
    Path rec = pack(format, labelWidth == 2);
    Path idx = rec.resolveSibling(rec.getFileName().toString().replace(".rec", ".idx"));
    Map<String, String> kw = new LinkedHashMap<>();
    kw.put("path_imgrec", rec.toString());
    if (indexed) {
      kw.put("path_imgidx", idx.toString());
    }
    kw.put("data_shape", "(3,28,28)");
    kw.put("batch_size", Integer.toString(BATCH));
    kw.put("resize", "32");
    kw.put("mean_r", "123.68");
    kw.put("mean_g", "116.28");
    kw.put("mean_b", "103.53");
    kw.put("std_r", "58.395");
    kw.put("std_g", "57.12");
    kw.put("std_b", "57.375");
    kw.put("scale", "0.5");
    kw.put("label_width", Integer.toString(labelWidth));
    kw.put("num_parts", Integer.toString(parts));
    kw.put("part_index", Integer.toString(part));
    kw.put("preprocess_threads", "1");
    List<MxDataIter.Batch> want = MxDataIter.epoch("ImageRecordIter", kw);

    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 28, 28)).resize(32)
        .mean(123.68f, 116.28f, 103.53f).std(58.395f, 57.12f, 57.375f).scale(0.5f).build();
    List<DataBatch> got = new ArrayList<>();
    Configuration conf = new Configuration();
    RecordSource source = indexed
        ? IndexedPartSource.open(new org.apache.hadoop.fs.Path(rec.toUri()),
            new org.apache.hadoop.fs.Path(idx.toUri()), conf, part, parts, false, 0)
        : RecordIOSplit.open(rec.toUri().toString(), conf).openPart(part, parts);
    try (ImageRecordIter it = ImageRecordIter.builder(source, aug, BATCH)
        .labelWidth(labelWidth).preprocessThreads(2).build()) {
      for (DataBatch b = it.next(); b != null; b = it.next()) {
        got.add(b);
      }
    }

    assertThat(got).as("batches").hasSize(want.size()).isNotEmpty();
    double maxDiff = 0;
    long differing = 0;
    long values = 0;
    for (int i = 0; i < want.size(); i++) {
      MxDataIter.Batch w = want.get(i);
      DataBatch g = got.get(i);
      assertThat(g.pad()).as("pad of batch %d", i).isEqualTo(w.pad());
      assertThat(g.label().get(0).toFloatArray()).as("labels of batch %d", i)
          .containsExactly(w.label());
      float[] gd = g.data().get(0).toFloatArray();
      assertThat(gd).hasSameSizeAs(w.data());
      for (int k = 0; k < gd.length; k++) {
        // in pixel units: undo (v - mean) * scale / std, with std about 57.5
        double d = Math.abs(gd[k] - w.data()[k]) * 57.5 / 0.5;
        maxDiff = Math.max(maxDiff, d);
        differing += gd[k] != w.data()[k] ? 1 : 0;
        values++;
      }
    }
    System.out.printf("ImageRecordIter %s part %d/%d: %d batches, %d of %d values differ, max"
        + " %.3f pixel levels%n", format, part, parts, want.size(), differing, values, maxDiff);
    // PNG is lossless; for JPEG both sides use libjpeg's integer (ISLOW) IDCT and fancy
    // upsampling, which libjpeg-turbo and IJG libjpeg compute identically, then the same
    // cv::resize, so the values agree exactly as well (measured: decision 0022)
    assertThat(differing).as(format + " values that differ from MXNet's").isZero();
  }
}
