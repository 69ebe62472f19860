package org.kindling.io.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.RecordView;
import org.kindling.io.TestData;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;
import org.kindling.tensor.data.DataIter;

class RawImageRecordIterTest {

  /** An in-memory source of image records with 2x2 pixels: record i has pixels i, i+1, ... */
  static final class ListSource implements RecordSource {
    final List<byte[]> records;
    int next;
    boolean closed;

    ListSource(List<byte[]> records) {
      this.records = records;
    }

    @Override
    public LocatedRecord next() {
      if (next >= records.size()) {
        return null;
      }
      int i = next++;
      return new LocatedRecord(records.get(i), "mem.rec", 100L * i, 100L * i);
    }

    @Override
    public void reset() {
      next = 0;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /**
   * Hands out each record as a view of one buffer that is filled with 0x5A and then with the
   * next record on every call, as a part reader's chunks are recycled: an iterator that used a
   * view after asking for the next record would read another record's bytes or the poison.
   */
  static final class RecyclingViewSource implements RecordSource {
    final ListSource records;
    final byte[] chunk = new byte[1024];
    int views;

    RecyclingViewSource(ListSource records) {
      this.records = records;
    }

    @Override
    public LocatedRecord next() {
      throw new AssertionError("the iterator copied a record it could have read as a view");
    }

    @Override
    public RecordView nextView() {
      LocatedRecord r = records.next();
      Arrays.fill(chunk, (byte) 0x5A);
      if (r == null) {
        return null;
      }
      views++;
      int at = 13; // not at the array's start, as a record inside a chunk
      System.arraycopy(r.payload(), 0, chunk, at, r.payload().length);
      return new RecordView(ByteBuffer.wrap(chunk, at, r.payload().length).slice(), r.file(),
          r.fileOffset(), r.globalOffset());
    }

    @Override
    public void reset() {
      records.reset();
    }

    @Override
    public void close() {
      records.close();
    }
  }

  private static byte[] image(int i) {
    byte[] px = {(byte) i, (byte) (i + 1), (byte) (i + 2), (byte) 255};
    return ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), px);
  }

  private static ListSource images(int n) {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(image(i));
    }
    return new ListSource(records);
  }

  private static List<DataBatch> epoch(RawImageRecordIter it) throws IOException {
    List<DataBatch> out = new ArrayList<>();
    DataBatch b;
    while ((b = it.next()) != null) {
      out.add(b);
    }
    return out;
  }

  private static float[] labels(DataBatch b) {
    return b.label().get(0).toFloatArray();
  }

  @Test
  void batchesScalePixelsAndCarryScalarLabels() throws Exception {
    try (RawImageRecordIter it =
        RawImageRecordIter.builder(images(4), Shape.of(1, 2, 2), 2).build()) {
      DataBatch first = it.next();
      assertThat(first.data().get(0).shape()).isEqualTo(Shape.of(2, 1, 2, 2));
      assertThat(first.label().get(0).shape()).isEqualTo(Shape.of(2));
      assertThat(first.pad()).isZero();
      // MXNet multiplies each pixel by `scale` (it does not divide by 255)
      float s = 1f / 255f;
      assertThat(first.data().get(0).toFloatArray())
          .containsExactly(0f, 1 * s, 2 * s, 255 * s, 1 * s, 2 * s, 3 * s, 255 * s);
      assertThat(labels(first)).containsExactly(0f, 1f);
      assertThat(labels(it.next())).containsExactly(2f, 3f);
      assertThat(it.next()).isNull();
      assertThat(it.next()).isNull();
    }
  }

  @Test
  void descriptorsNameAndShapeEveryBatchAsMxnetDataIterDoes() throws Exception {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[] {i, -i}, i, 0),
          new byte[] {1, 2, 3, 4}));
    }
    try (DataIter scalar = RawImageRecordIter.builder(images(3), Shape.of(1, 2, 2), 2).build();
        DataIter wide = RawImageRecordIter.builder(new ListSource(records), Shape.of(4), 2)
            .labelWidth(2).build()) {
      assertThat(scalar.provideData()).containsExactly(
          new DataDesc("data", Shape.of(2, 1, 2, 2), DType.FLOAT32));
      assertThat(scalar.provideLabel()).containsExactly(
          new DataDesc("softmax_label", Shape.of(2), DType.FLOAT32));
      assertThat(wide.provideLabel()).containsExactly(
          new DataDesc("softmax_label", Shape.of(2, 2), DType.FLOAT32));
      for (DataIter it : List.of(scalar, wide)) {
        for (DataBatch b = it.next(); b != null; b = it.next()) {
          try (DataBatch batch = b) {
            assertThat(batch.data().get(0).shape()).isEqualTo(it.provideData().get(0).shape());
            assertThat(batch.label().get(0).shape())
                .isEqualTo(it.provideLabel().get(0).shape());
          }
        }
      }
    }
  }

  @Test
  void theLastBatchWrapsAroundToTheStartAndCountsTheFillerAsPad() throws Exception {
    try (RawImageRecordIter it =
        RawImageRecordIter.builder(images(5), Shape.of(4), 4).scale(1f).build()) {
      List<DataBatch> batches = epoch(it);
      assertThat(batches).hasSize(2);
      DataBatch last = batches.get(1);
      assertThat(last.pad()).isEqualTo(3);
      assertThat(labels(last)).containsExactly(4f, 0f, 1f, 2f);
      assertThat(last.data().get(0).toFloatArray()).startsWith(4f, 5f, 6f, 255f, 0f, 1f);
    }
  }

  @Test
  void aSourceSmallerThanTheBatchWrapsAsOftenAsNeeded() throws Exception {
    try (RawImageRecordIter it =
        RawImageRecordIter.builder(images(2), Shape.of(4), 5).build()) {
      DataBatch only = it.next();
      assertThat(only.pad()).isEqualTo(3);
      assertThat(labels(only)).containsExactly(0f, 1f, 0f, 1f, 0f);
      assertThat(it.next()).isNull();
    }
  }

  @Test
  void withoutRoundBatchTheFillerRowsAreZero() throws Exception {
    try (RawImageRecordIter it = RawImageRecordIter.builder(images(5), Shape.of(2, 2), 4)
        .roundBatch(false).build()) {
      DataBatch last = epoch(it).get(1);
      assertThat(last.pad()).isEqualTo(3);
      float[] data = last.data().get(0).toFloatArray();
      assertThat(data).hasSize(16);
      for (int i = 4; i < 16; i++) {
        assertThat(data[i]).isZero();
      }
    }
  }

  @Test
  void resetStartsEveryEpochAtTheFirstRecord() throws Exception {
    try (RawImageRecordIter it =
        RawImageRecordIter.builder(images(5), Shape.of(4), 2).build()) {
      List<DataBatch> one = epoch(it);
      it.reset();
      List<DataBatch> two = epoch(it);
      assertThat(two).hasSameSizeAs(one).hasSize(3);
      for (int i = 0; i < one.size(); i++) {
        assertThat(labels(two.get(i))).containsExactly(labels(one.get(i)));
        assertThat(two.get(i).pad()).isEqualTo(one.get(i).pad());
      }
    }
  }

  /** MXNet's round_batch across epochs: borrow from the next pass, go on after it. */
  @Test
  void roundBatchBorrowsFromTheNextPassAndTheNextEpochGoesOn() throws Exception {
    try (RawImageRecordIter it = RawImageRecordIter.builder(images(10), Shape.of(4), 4)
        .lastBatch(LastBatch.ROUND_BATCH).build()) {
      float[][][] want = {
          {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}},
          {{2, 3, 4, 5}, {6, 7, 8, 9}},
          {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}}};
      for (int e = 0; e < want.length; e++) {
        List<DataBatch> bs = epoch(it);
        assertThat(bs).as("epoch %d", e).hasSize(want[e].length);
        for (int b = 0; b < bs.size(); b++) {
          assertThat(labels(bs.get(b))).as("epoch %d batch %d", e, b)
              .containsExactly(want[e][b]);
          assertThat(bs.get(b).pad()).isEqualTo(b == 2 ? 2 : 0);
        }
        it.reset();
      }
    }
  }

  /**
   * With ROUND_BATCH the raw iterator gives, epoch for epoch, the batches of {@link
   * ImageRecordIter} (raw pixels, its default ROUND_BATCH) over a source whose order changes
   * every pass, for many part and batch sizes.
   */
  @Test
  void roundBatchEpochsEqualImageRecordItersForManySizes() throws Exception {
    for (int n = 1; n <= 11; n++) {
      for (int batch = 1; batch <= Math.min(n + 1, 6); batch++) {
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          recs.add(image(i));
        }
        try (RawImageRecordIter raw = RawImageRecordIter.builder(
            new ImageRecordIterTest.RotatingSource(recs), Shape.of(1, 2, 2), batch).scale(1f)
            .lastBatch(LastBatch.ROUND_BATCH).build();
            ImageRecordIter decoded = ImageRecordIter.builder(
                new ImageRecordIterTest.RotatingSource(recs),
                ImageAugParams.builder(Shape.of(1, 2, 2)).scale(1f).build(), batch)
                .rawPixels(true).build()) {
          for (int e = 0; e < 6; e++) {
            List<DataBatch> want = new ArrayList<>();
            for (DataBatch b = decoded.next(); b != null; b = decoded.next()) {
              want.add(b);
            }
            List<DataBatch> got = epoch(raw);
            assertThat(got).as("n %d batch %d epoch %d", n, batch, e).hasSameSizeAs(want);
            for (int b = 0; b < got.size(); b++) {
              assertThat(got.get(b).data().get(0).toFloatArray())
                  .as("n %d batch %d epoch %d batch %d", n, batch, e, b)
                  .containsExactly(want.get(b).data().get(0).toFloatArray());
              assertThat(got.get(b).pad()).isEqualTo(want.get(b).pad());
            }
            raw.reset();
            decoded.reset();
          }
        }
      }
    }
  }

  @Test
  void roundBatchOnlyWithRoundBatchAndOtherLastBatchModesAreRefused() {
    assertThatThrownBy(() -> RawImageRecordIter.builder(images(3), Shape.of(4), 2)
        .lastBatch(LastBatch.DISCARD).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lastBatch DISCARD");
    assertThatThrownBy(() -> RawImageRecordIter.builder(images(3), Shape.of(4), 2)
        .roundBatch(false).lastBatch(LastBatch.ROUND_BATCH).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roundBatch(true)");
  }

  @Test
  void aRecordWithTheWrongNumberOfPixelsIsAFormatErrorNamingIt() {
    List<byte[]> records = new ArrayList<>(List.of(image(0), image(1)));
    records.add(ImageRecordHeader.pack(ImageRecordHeader.of(1f, 42, 0), new byte[5]));
    RawImageRecordIter it =
        RawImageRecordIter.builder(new ListSource(records), Shape.of(4), 8).build();
    assertThatThrownBy(it::next)
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("mem.rec at byte offset 200")
        .hasMessageContaining("id 42")
        .hasMessageContaining("5 content bytes");
  }

  /**
   * With {@code skipCorrupt} a record whose header is cut short and one of the wrong size are
   * left out, counted and described with their file and offset; the batches hold the good
   * records in order, also in the wrap-around that completes the last batch, and every pass
   * counts its skips again.
   */
  @Test
  void skipCorruptLeavesBadRecordsOutCountsAndNamesThem() throws Exception {
    List<byte[]> records = new ArrayList<>(List.of(image(0), image(1)));
    records.add(new byte[10]); // shorter than the 24-byte header
    records.add(image(3));
    records.add(ImageRecordHeader.pack(ImageRecordHeader.of(1f, 42, 0), new byte[5]));
    records.add(image(5));
    records.add(image(6));
    try (RawImageRecordIter it = RawImageRecordIter.builder(new ListSource(records),
        Shape.of(1, 2, 2), 2).skipCorrupt(true).build()) {
      List<DataBatch> batches = epoch(it);
      assertThat(batches).hasSize(3);
      assertThat(labels(batches.get(0))).containsExactly(0f, 1f);
      assertThat(labels(batches.get(1))).containsExactly(3f, 5f);
      // 5 good records: the last batch is completed with record 0 from the start
      assertThat(labels(batches.get(2))).containsExactly(6f, 0f);
      assertThat(batches.get(2).pad()).isEqualTo(1);
      assertThat(it.corruptCount()).isEqualTo(2);
      assertThat(it.corruptRecords()).hasSize(2);
      assertThat(it.corruptRecords().get(0)).startsWith("mem.rec@200: ");
      assertThat(it.corruptRecords().get(1)).startsWith("mem.rec@400: ")
          .contains("id 42").contains("5 content bytes");
      it.reset();
      assertThat(epoch(it)).hasSize(3);
      assertThat(it.corruptCount()).isEqualTo(4);
    }
    // without roundBatch the filler rows stay zero, also where a skipped record had begun
    // (its pixels are converted before its three labels are found wrong for labelWidth 2)
    List<byte[]> lastBad = List.of(
        ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[] {7f, 8f}, 7, 0),
            new byte[] {7, 8, 9, (byte) 255}),
        ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[] {1f, 2f, 3f}, 9, 0),
            new byte[] {50, 50, 50, 50}));
    try (RawImageRecordIter it = RawImageRecordIter.builder(new ListSource(lastBad),
        Shape.of(4), 2).labelWidth(2).roundBatch(false).skipCorrupt(true).build()) {
      DataBatch b = it.next();
      assertThat(b.pad()).isEqualTo(1);
      float s = 1f / 255f;
      assertThat(b.data().get(0).toFloatArray())
          .containsExactly(7 * s, 8 * s, 9 * s, 255 * s, 0f, 0f, 0f, 0f);
      assertThat(labels(b)).containsExactly(7f, 8f, 0f, 0f);
      assertThat(it.corruptRecords()).singleElement().asString()
          .startsWith("mem.rec@100: ").contains("labelWidth is 2");
    }
    // the padding wraps over a bad first record without counting it again
    List<byte[]> firstBad = List.of(new byte[3], image(0), image(1), image(2));
    try (RawImageRecordIter it = RawImageRecordIter.builder(new ListSource(firstBad),
        Shape.of(1, 2, 2), 2).skipCorrupt(true).build()) {
      List<DataBatch> batches = epoch(it);
      assertThat(batches).hasSize(2);
      assertThat(labels(batches.get(1))).containsExactly(2f, 0f);
      assertThat(it.corruptCount()).isEqualTo(1);
      assertThat(it.corruptRecords()).hasSize(1);
    }
    RawImageRecordIter strict = RawImageRecordIter.builder(new ListSource(records),
        Shape.of(1, 2, 2), 2).build();
    strict.next();
    assertThatThrownBy(strict::next).isInstanceOf(FormatException.class)
        .hasMessageContaining("mem.rec at byte offset 200");
    assertThat(strict.corruptCount()).isZero();
  }

  @Test
  void multipleLabelsNeedAMatchingLabelWidth() throws Exception {
    byte[] rec = ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[] {7f, 8f}, 0, 0),
        new byte[4]);
    try (RawImageRecordIter it = RawImageRecordIter.builder(new ListSource(List.of(rec)),
        Shape.of(4), 1).labelWidth(2).build()) {
      DataBatch b = it.next();
      assertThat(b.label().get(0).shape()).isEqualTo(Shape.of(1, 2));
      assertThat(labels(b)).containsExactly(7f, 8f);
    }
    RawImageRecordIter wrong = RawImageRecordIter.builder(new ListSource(List.of(image(0))),
        Shape.of(4), 1).labelWidth(3).build();
    assertThatThrownBy(wrong::next).isInstanceOf(FormatException.class)
        .hasMessageContaining("labelWidth is 3");
  }

  @Test
  void anEmptySourceHasNoBatchesAndCloseClosesTheSource() throws Exception {
    ListSource empty = new ListSource(List.of());
    RawImageRecordIter it = RawImageRecordIter.builder(empty, Shape.of(4), 3).build();
    assertThat(it.next()).isNull();
    it.close();
    assertThat(empty.closed).isTrue();
  }

  @Test
  void invalidSettingsAreRejectedByBuild() {
    ListSource s = images(1);
    assertThatThrownBy(() -> RawImageRecordIter.builder(s, Shape.of(4), 0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> RawImageRecordIter.builder(s, Shape.of(0), 2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataShape");
    assertThatThrownBy(() -> RawImageRecordIter.builder(s, Shape.of(4), 2).labelWidth(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelWidth");
  }
  @Test
  void recordsAreReadAsViewsAndConvertedBeforeTheNextIsRead() throws Exception {
    RecyclingViewSource views = new RecyclingViewSource(images(7));
    try (RawImageRecordIter fromViews =
            RawImageRecordIter.builder(views, Shape.of(1, 2, 2), 3).build();
        RawImageRecordIter fromCopies =
            RawImageRecordIter.builder(images(7), Shape.of(1, 2, 2), 3).build()) {
      // two epochs, the last batch of each wrapping around through reset()
      for (int epoch = 0; epoch < 2; epoch++) {
        List<DataBatch> got = epoch(fromViews);
        List<DataBatch> want = epoch(fromCopies);
        assertThat(got).hasSameSizeAs(want).hasSize(3);
        for (int b = 0; b < got.size(); b++) {
          assertThat(got.get(b).data().get(0).toFloatArray())
              .containsExactly(want.get(b).data().get(0).toFloatArray());
          assertThat(labels(got.get(b))).containsExactly(labels(want.get(b)));
          assertThat(got.get(b).pad()).isEqualTo(want.get(b).pad());
        }
        fromViews.reset();
        fromCopies.reset();
      }
    }
    assertThat(views.views).isEqualTo(2 * (7 + 2));
  }

  /**
   * A split's part reader with 4 KiB chunks and a one-chunk queue: records of 8x8 pixels (96
   * bytes on disk) lie in or across chunks that the stream recycles hundreds of times, and every
   * pixel of every batch is still the record's own.
   */
  @Test
  void batchesReadFromRecycledChunksHoldEveryRecordsOwnPixels(@TempDir Path dir)
      throws Exception {
    int n = 500;
    int pixels = 64;
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] px = new byte[pixels];
      for (int j = 0; j < pixels; j++) {
        px[j] = (byte) (i * 7 + j);
      }
      records.add(ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), px));
    }
    Path file = Files.write(dir.resolve("recycled.rec"), TestData.write(records).bytes());
    Configuration conf = new Configuration();
    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, 4096);
    conf.setInt(ReadOptions.QUEUE_CHUNKS_KEY, 1);
    RecordIOPartReader part = RecordIOSplit.open(file.toUri().toString(), conf).openPart(0, 1);
    try (RawImageRecordIter it = RawImageRecordIter.builder(part, Shape.of(1, 8, 8), 32)
        .scale(1f).roundBatch(false).build()) {
      int row = 0;
      for (DataBatch b = it.next(); b != null; b = it.next()) {
        try (DataBatch batch = b) {
          float[] data = batch.data().get(0).toFloatArray();
          float[] label = labels(batch);
          for (int r = 0; r < 32 - batch.pad(); r++, row++) {
            assertThat(label[r]).isEqualTo(row % 10);
            for (int j = 0; j < pixels; j++) {
              assertThat(data[r * pixels + j]).as("record %d pixel %d", row, j)
                  .isEqualTo((row * 7 + j) & 0xFF);
            }
          }
        }
      }
      assertThat(row).isEqualTo(n);
    }
  }
}
