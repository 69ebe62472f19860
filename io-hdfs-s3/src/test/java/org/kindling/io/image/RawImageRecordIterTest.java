package org.kindling.io.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
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
}
