package org.kindling.io.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.io.image.RawImageRecordIterTest.ListSource;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

class ImageRecordIterTest {

  /** Random pixels, {@code h * w * 3} bytes in OpenCV's BGR order, smooth enough for JPEG. */
  static byte[] bgr(int h, int w, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[h * w * 3];
    int[] base = {r.nextInt(200), r.nextInt(200), r.nextInt(200)};
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        for (int c = 0; c < 3; c++) {
          px[(i * w + j) * 3 + c] = (byte) (base[c] + (i * (c + 1) + j * (3 - c)) % 40
              + r.nextInt(16));
        }
      }
    }
    return px;
  }

  static byte[] record(int id, float label, byte[] content) {
    return ImageRecordHeader.pack(ImageRecordHeader.of(label, id, 0), content);
  }

  /** {@code n} records of {@code h x w} images in {@code format}; record i has label i. */
  static List<byte[]> images(int n, int h, int w, String format) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(record(i, i, ImageCodec.encode(bgr(h, w, i), h, w, 3, format, 95)));
    }
    return out;
  }

  private static List<DataBatch> epoch(ImageRecordIter it) throws IOException {
    List<DataBatch> out = new ArrayList<>();
    for (DataBatch b = it.next(); b != null; b = it.next()) {
      out.add(b);
    }
    return out;
  }

  private static float[] data(DataBatch b) {
    return b.data().get(0).toFloatArray();
  }

  private static float[] label(DataBatch b) {
    return b.label().get(0).toFloatArray();
  }

  @Test
  void pngIsDecodedExactlyCentreCroppedSwappedToRgbAndNormalized() throws IOException {
    int h = 9;
    int w = 12;
    byte[] px = bgr(h, w, 7);
    byte[] png = ImageCodec.encode(px, h, w, 3, ".png", 3);
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 5, 6))
        .mean(10f, 20f, 30f).std(2f, 4f, 8f).scale(0.5f).build();
    try (ImageRecordIter it = ImageRecordIter.builder(
        new ListSource(List.of(record(3, 1.5f, png))), aug, 1).build()) {
      DataBatch b = it.next();
      float[] got = data(b);
      int y0 = (h - 5) / 2;
      int x0 = (w - 6) / 2;
      float[] mean = {10f, 20f, 30f};
      float[] std = {2f, 4f, 8f};
      for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 5; i++) {
          for (int j = 0; j < 6; j++) {
            int v = px[((y0 + i) * w + x0 + j) * 3 + (2 - k)] & 0xFF;
            float want = (v - mean[k]) * (0.5f / std[k]);
            assertThat(got[k * 30 + i * 6 + j]).as("c%d y%d x%d", k, i, j).isEqualTo(want);
          }
        }
      }
      assertThat(label(b)).containsExactly(1.5f);
      assertThat(b.pad()).isZero();
      assertThat(it.next()).isNull();
    }
  }

  @Test
  void mirrorFlipsEachRowAndGreyDecodesOneChannel() throws IOException {
    byte[] px = bgr(4, 5, 3);
    byte[] png = ImageCodec.encode(px, 4, 5, 3, ".png", 1);
    ListSource src = new ListSource(List.of(record(0, 0, png)));
    float[] plain;
    try (ImageRecordIter it = ImageRecordIter.builder(src,
        ImageAugParams.builder(Shape.of(3, 4, 5)).build(), 1).build()) {
      plain = data(it.next());
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(List.of(record(0, 0, png))),
        ImageAugParams.builder(Shape.of(3, 4, 5)).mirror(true).build(), 1).build()) {
      float[] flipped = data(it.next());
      for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 5; j++) {
            assertThat(flipped[k * 20 + i * 5 + j]).isEqualTo(plain[k * 20 + i * 5 + 4 - j]);
          }
        }
      }
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(List.of(record(0, 0, png))),
        ImageAugParams.builder(Shape.of(1, 4, 5)).build(), 1).build()) {
      assertThat(it.provideData().get(0).shape()).isEqualTo(Shape.of(1, 1, 4, 5));
      float[] grey = data(it.next());
      // OpenCV's grey is 0.299 R + 0.587 G + 0.114 B, rounded: within 1 of that mix
      for (int i = 0; i < 20; i++) {
        double y = 0.114 * (px[i * 3] & 0xFF) + 0.587 * (px[i * 3 + 1] & 0xFF)
            + 0.299 * (px[i * 3 + 2] & 0xFF);
        assertThat((double) grey[i]).isCloseTo(y, org.assertj.core.data.Offset.offset(1.0));
      }
    }
  }

  @Test
  void resizeMakesTheShorterSideResizeAndKeepsTheAspectByIntegerDivision() throws IOException {
    byte[] png = ImageCodec.encode(bgr(30, 40, 1), 30, 40, 3, ".png", 1);
    // 30x40 (rows x cols) with resize 20 becomes 20 x (20 * 40 / 30 = 26)
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(List.of(record(0, 0, png))),
        ImageAugParams.builder(Shape.of(3, 20, 26)).resize(20).build(), 1).build()) {
      assertThat(it.next().pad()).isZero();
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(List.of(record(0, 0, png))),
        ImageAugParams.builder(Shape.of(3, 20, 27)).resize(20).build(), 1).build()) {
      assertThatThrownBy(it::next).isInstanceOf(FormatException.class)
          .hasMessageContaining("mem.rec").hasMessageContaining("26x20")
          .hasMessageContaining("smaller than data_shape");
    }
  }

  @Test
  void randomAugmentationIsTheSameForAnyThreadCountAndChangesEachEpoch() throws IOException {
    List<byte[]> recs = images(11, 24, 32, ".jpg");
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 16, 16)).resize(20)
        .randCrop(true).randMirror(true).mean(120f, 110f, 100f).build();
    List<float[]> one = new ArrayList<>();
    List<float[]> many = new ArrayList<>();
    for (int threads : new int[] {1, 3}) {
      try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 4)
          .lastBatch(LastBatch.PAD).preprocessThreads(threads).prefetchBatches(2).seed(42)
          .build()) {
        List<float[]> out = threads == 1 ? one : many;
        for (int e = 0; e < 2; e++) {
          for (DataBatch b : epoch(it)) {
            out.add(data(b));
            out.add(label(b));
          }
          it.reset();
        }
      }
    }
    assertThat(many).hasSize(one.size()).hasSize(12);
    for (int i = 0; i < one.size(); i++) {
      assertThat(many.get(i)).as("array %d", i).containsExactly(one.get(i));
    }
    // epoch 2 (arrays 6..11) crops and flips differently from epoch 1, on the same records
    assertThat(one.get(7)).containsExactly(one.get(1));
    assertThat(Arrays.equals(one.get(6), one.get(0))).isFalse();
  }

  @Test
  void firstEpochStartsWhereThatManyResetsWould() throws IOException {
    List<byte[]> recs = images(6, 24, 32, ".jpg");
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 16, 16)).resize(20)
        .randCrop(true).randMirror(true).build();
    List<float[]> afterTwoResets = new ArrayList<>();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 3).seed(7)
        .build()) {
      it.reset();
      it.reset();
      epoch(it).forEach(b -> afterTwoResets.add(data(b)));
    }
    List<float[]> started = new ArrayList<>();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 3).seed(7)
        .firstEpoch(2).build()) {
      epoch(it).forEach(b -> started.add(data(b)));
    }
    List<float[]> fresh = new ArrayList<>();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 3).seed(7)
        .build()) {
      epoch(it).forEach(b -> fresh.add(data(b)));
    }
    assertThat(started).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(started.get(i)).containsExactly(afterTwoResets.get(i));
    }
    assertThat(Arrays.equals(started.get(0), fresh.get(0))).isFalse();
  }

  @Test
  void readsAheadAtMostPrefetchBatchesOfRecords() throws IOException {
    byte[] px = new byte[4];
    List<byte[]> recs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      recs.add(record(i, i, px));
    }
    ListSource src = new ListSource(recs);
    ImageAugParams aug = ImageAugParams.builder(Shape.of(1, 2, 2)).build();
    try (ImageRecordIter it = ImageRecordIter.builder(src, aug, 4).rawPixels(true)
        .preprocessThreads(2).prefetchBatches(2).build()) {
      for (int b = 1; b <= 10; b++) {
        assertThat(label(it.next())[3]).isEqualTo(4 * b - 1);
        // 4b records handed out, at most 2 batches (8 records) in flight, plus the rest of the
        // group (2 records with 2 threads) the last one came in
        assertThat(src.next).as("records read after batch %d", b).isBetween(4 * b, 4 * b + 10);
      }
    }
  }

  @Test
  void lastBatchPadsDiscardsOrRollsOver() throws IOException {
    List<byte[]> recs = images(10, 8, 8, ".png");
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 8, 8)).build();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 4)
        .lastBatch(LastBatch.PAD).build()) {
      for (int e = 0; e < 2; e++) {
        List<DataBatch> bs = epoch(it);
        assertThat(bs).as("epoch %d", e).hasSize(3);
        assertThat(label(bs.get(0))).as("epoch %d", e).containsExactly(0f, 1f, 2f, 3f);
        assertThat(bs.get(2).pad()).isEqualTo(2);
        assertThat(label(bs.get(2))).containsExactly(8f, 9f, 0f, 1f);
        // the filler rows are the part's first records, decoded the same way
        assertThat(Arrays.copyOfRange(data(bs.get(2)), 2 * 192, 4 * 192))
            .containsExactly(Arrays.copyOfRange(data(bs.get(0)), 0, 2 * 192));
        it.reset();
      }
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 4)
        .lastBatch(LastBatch.DISCARD).build()) {
      List<DataBatch> bs = epoch(it);
      assertThat(bs).hasSize(2);
      assertThat(label(bs.get(1))).containsExactly(4f, 5f, 6f, 7f);
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 4)
        .lastBatch(LastBatch.ROLL_OVER).build()) {
      assertThat(epoch(it)).hasSize(2);
      it.reset();
      List<DataBatch> second = epoch(it);
      assertThat(second).hasSize(3);
      assertThat(label(second.get(0))).containsExactly(8f, 9f, 0f, 1f);
      assertThat(second.get(0).pad()).isZero();
      assertThat(label(second.get(2))).containsExactly(6f, 7f, 8f, 9f);
    }
  }

  /**
   * A source whose pass {@code p} hands out records {@code 0..n-1} rotated left by {@code 3p}
   * (a stand-in for a shuffling source: each reset draws a new order).
   */
  static final class RotatingSource implements org.kindling.io.RecordSource {
    final List<byte[]> records;
    int pass;
    int next;

    RotatingSource(List<byte[]> records) {
      this.records = records;
    }

    @Override
    public org.kindling.io.LocatedRecord next() {
      if (next >= records.size()) {
        return null;
      }
      int i = (next++ + 3 * pass) % records.size();
      return new org.kindling.io.LocatedRecord(records.get(i), "mem.rec", 100L * i, 100L * i);
    }

    @Override
    public void reset() {
      pass++;
      next = 0;
    }

    @Override
    public void close() {}
  }

  /** {@code n} raw 1x1x1 records, record {@code i} with label {@code i}. */
  private static List<byte[]> tiny(int n) {
    List<byte[]> recs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      recs.add(record(i, i, new byte[] {(byte) i}));
    }
    return recs;
  }

  private static ImageRecordIter tinyIter(org.kindling.io.RecordSource src, int batch) {
    return ImageRecordIter.builder(src, ImageAugParams.builder(Shape.of(1, 1, 1)).build(), batch)
        .rawPixels(true).preprocessThreads(2).prefetchBatches(1).build();
  }

  /**
   * MXNet's round_batch (the default): the short last batch borrows the next pass's first
   * records, and the next epoch goes on after them, so epoch lengths alternate.
   */
  @Test
  void roundBatchBorrowsFromTheNextPassAndTheNextEpochGoesOnFromThere() throws IOException {
    try (ImageRecordIter it = tinyIter(new ListSource(tiny(10)), 4)) {
      float[][][] want = {
          {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}},
          {{2, 3, 4, 5}, {6, 7, 8, 9}},
          {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}},
          {{2, 3, 4, 5}, {6, 7, 8, 9}}};
      int[][] pads = {{0, 0, 2}, {0, 0}, {0, 0, 2}, {0, 0}};
      for (int e = 0; e < want.length; e++) {
        List<DataBatch> bs = epoch(it);
        assertThat(bs).as("epoch %d", e).hasSize(want[e].length);
        for (int b = 0; b < bs.size(); b++) {
          assertThat(label(bs.get(b))).as("epoch %d batch %d", e, b).containsExactly(want[e][b]);
          assertThat(bs.get(b).pad()).as("pad, epoch %d batch %d", e, b).isEqualTo(pads[e][b]);
        }
        assertThat(it.next()).as("after the end of epoch %d", e).isNull();
        it.reset();
      }
    }
  }

  /**
   * The borrowed records come in the next pass's order (a shuffling source's next epoch), and
   * the epoch after them goes on in that order without another reset of the source.
   */
  @Test
  void roundBatchBorrowsInTheNextPassesOrder() throws IOException {
    RotatingSource src = new RotatingSource(tiny(7));
    try (ImageRecordIter it = tinyIter(src, 3)) {
      List<DataBatch> e0 = epoch(it);
      assertThat(e0).hasSize(3);
      assertThat(label(e0.get(2))).containsExactly(6f, 3f, 4f); // pass 1 starts at record 3
      assertThat(e0.get(2).pad()).isEqualTo(2);
      assertThat(src.pass).isEqualTo(1);
      it.reset();
      assertThat(src.pass).as("the reset after the overflow does not rewind").isEqualTo(1);
      List<DataBatch> e1 = epoch(it);
      assertThat(e1).hasSize(2);
      assertThat(label(e1.get(0))).containsExactly(5f, 6f, 0f);
      assertThat(label(e1.get(1))).containsExactly(1f, 2f, 6f); // pass 2 starts at record 6
      assertThat(e1.get(1).pad()).isEqualTo(1);
      assertThat(src.pass).isEqualTo(2);
    }
  }

  /**
   * Against a model of MXNet's {@code ParseNext}/{@code BeforeFirst} for many part and batch
   * sizes: every epoch's labels and pads over 6 epochs, including an empty epoch when the
   * borrowed records used up the whole next pass.
   */
  @Test
  void roundBatchFollowsMxnetsEpochsForManySizes() throws IOException {
    for (int n = 1; n <= 11; n++) {
      for (int batch = 1; batch <= Math.min(n + 1, 7); batch++) {
        List<List<float[]>> want = mxnetRoundBatchModel(n, batch, 6);
        try (ImageRecordIter it = tinyIter(new RotatingSource(tiny(n)), batch)) {
          for (int e = 0; e < want.size(); e++) {
            List<DataBatch> bs = epoch(it);
            assertThat(bs).as("n %d batch %d epoch %d", n, batch, e).hasSize(want.get(e).size());
            for (int b = 0; b < bs.size(); b++) {
              float[] w = want.get(e).get(b);
              assertThat(label(bs.get(b))).as("n %d batch %d epoch %d batch %d", n, batch, e, b)
                  .containsExactly(Arrays.copyOf(w, batch));
              assertThat(bs.get(b).pad()).as("pad, n %d batch %d epoch %d", n, batch, e)
                  .isEqualTo((int) w[batch]);
            }
            it.reset();
          }
        }
      }
    }
  }

  /**
   * MXNet's round_batch written as a plain loop over a {@link RotatingSource}'s passes: each
   * batch as its labels followed by its pad count.
   */
  private static List<List<float[]>> mxnetRoundBatchModel(int n, int batch, int epochs) {
    List<List<float[]>> out = new ArrayList<>();
    int pass = 0;
    int pos = 0; // records of the current pass read
    boolean overflow = false;
    for (int e = 0; e < epochs; e++) {
      if (overflow) {
        overflow = false;
      } else if (e > 0) {
        pass++;
        pos = 0;
      }
      List<float[]> epoch = new ArrayList<>();
      while (!overflow) {
        float[] b = new float[batch + 1];
        int top = 0;
        while (top < batch && pos < n) {
          b[top++] = (pos++ + 3 * pass) % n;
        }
        if (top == 0) {
          break;
        }
        if (top < batch) {
          b[batch] = batch - top;
          pass++;
          pos = 0;
          overflow = true;
          while (top < batch) {
            b[top++] = (pos++ + 3 * pass) % n;
          }
        }
        epoch.add(b);
      }
      out.add(epoch);
    }
    return out;
  }

  /** A reset before the epoch's end rewinds, as MXNet's BeforeFirst without an overflow. */
  @Test
  void roundBatchResetInTheMiddleOfAnEpochRewinds() throws IOException {
    RotatingSource src = new RotatingSource(tiny(7));
    try (ImageRecordIter it = tinyIter(src, 3)) {
      assertThat(label(it.next())).containsExactly(0f, 1f, 2f);
      it.reset();
      assertThat(src.pass).isEqualTo(1);
      assertThat(label(it.next())).containsExactly(3f, 4f, 5f);
      // epoch 0 ends by borrowing; a reset right after it goes on, the next one rewinds
      List<DataBatch> rest = epoch(it);
      assertThat(rest).hasSize(2);
      assertThat(label(rest.get(1))).containsExactly(2f, 6f, 0f); // pass 2 starts at record 6
      it.reset();
      assertThat(label(it.next())).containsExactly(1f, 2f, 3f);
      it.reset();
      assertThat(src.pass).isEqualTo(3);
      assertThat(label(it.next())).containsExactly(2f, 3f, 4f); // pass 3 starts at record 2
    }
  }

  /** A pass too short to round the last batch fails clearly, as MXNet's check does. */
  @Test
  void roundBatchNeedsAPassOfAtLeastTheBorrowedRecords() throws IOException {
    try (ImageRecordIter it = tinyIter(new ListSource(tiny(1)), 3)) {
      assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("round_batch").hasMessageContaining("batch_size 3")
          .hasMessageContaining("needs 2 more").hasMessageContaining("held only 1");
    }
  }

  /** With round_batch the borrowed records are the next pass's: a skipped one counts there. */
  @Test
  void roundBatchCountsASkippedRecordOncePerPass() throws IOException {
    List<byte[]> recs = new ArrayList<>(tiny(5));
    recs.set(0, record(99, 0, new byte[] {1, 2}));
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs),
        ImageAugParams.builder(Shape.of(1, 1, 1)).build(), 3).rawPixels(true).skipCorrupt(true)
        .build()) {
      List<DataBatch> e0 = epoch(it);
      assertThat(e0).hasSize(2);
      assertThat(label(e0.get(1))).containsExactly(4f, 1f, 2f);
      assertThat(it.corruptCount()).isEqualTo(2); // pass 0 and the borrowing pass 1
      it.reset();
      List<DataBatch> e1 = epoch(it);
      assertThat(e1).hasSize(1);
      assertThat(label(e1.get(0))).containsExactly(3f, 4f, 1f);
      assertThat(e1.get(0).pad()).isEqualTo(1);
      assertThat(it.corruptCount()).isEqualTo(3);
    }
  }

  @Test
  void multiLabelRecordsFillLabelWidthColumns() throws IOException {
    byte[] png = ImageCodec.encode(bgr(4, 4, 0), 4, 4, 3, ".png", 1);
    byte[] rec = ImageRecordHeader.pack(
        ImageRecordHeader.ofLabels(new float[] {2f, 7f}, 5, 0), png);
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 4, 4)).build();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(List.of(rec, rec)), aug, 2)
        .labelWidth(2).build()) {
      assertThat(it.provideLabel().get(0).shape()).isEqualTo(Shape.of(2, 2));
      assertThat(label(it.next())).containsExactly(2f, 7f, 2f, 7f);
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(List.of(rec)), aug, 1)
        .build()) {
      assertThatThrownBy(it::next).isInstanceOf(FormatException.class)
          .hasMessageContaining("mem.rec").hasMessageContaining("label_width is 1");
    }
  }

  @Test
  void corruptRecordsFailNamingFileAndOffsetOrAreSkippedAndCounted() throws IOException {
    List<byte[]> recs = new ArrayList<>(images(5, 6, 6, ".jpg"));
    byte[] garbage = record(99, 0, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, 5});
    recs.set(2, garbage);
    recs.add(new byte[] {1, 2, 3}); // shorter than the header
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 6, 6)).build();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 2).build()) {
      assertThat(it.next()).isNotNull();
      assertThatThrownBy(it::next).isInstanceOf(FormatException.class)
          .hasMessageContaining("mem.rec").hasMessageContaining("200")
          .hasMessageContaining("id 99").hasMessageContaining("not an image");
    }
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 2)
        .skipCorrupt(true).lastBatch(LastBatch.DISCARD).build()) {
      List<DataBatch> bs = epoch(it);
      assertThat(bs).hasSize(2);
      assertThat(label(bs.get(0))).containsExactly(0f, 1f);
      assertThat(label(bs.get(1))).containsExactly(3f, 4f);
      assertThat(it.corruptCount()).isEqualTo(2);
      assertThat(it.corruptRecords()).hasSize(2);
      assertThat(it.corruptRecords().get(0)).startsWith("mem.rec@200: ");
      assertThat(it.corruptRecords().get(1)).startsWith("mem.rec@500: ")
          .contains("shorter than the 24-byte header");
    }
  }

  /** The padding's wrap-around re-reads a skipped record without counting it again. */
  @Test
  void thePaddingDoesNotCountASkippedRecordAgain() throws IOException {
    List<byte[]> recs = new ArrayList<>(images(4, 6, 6, ".png"));
    recs.set(0, record(99, 0, new byte[] {1, 2, 3, 4}));
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 6, 6)).build();
    try (ImageRecordIter it = ImageRecordIter.builder(new ListSource(recs), aug, 2)
        .lastBatch(LastBatch.PAD).skipCorrupt(true).build()) {
      List<DataBatch> bs = epoch(it);
      assertThat(bs).hasSize(2);
      assertThat(label(bs.get(1))).containsExactly(3f, 1f);
      assertThat(bs.get(1).pad()).isEqualTo(1);
      assertThat(it.corruptCount()).isEqualTo(1);
      it.reset();
      assertThat(epoch(it)).hasSize(2);
      assertThat(it.corruptCount()).isEqualTo(2);
    }
  }

  @Test
  void rawPixelsAreNormalizedWithoutDecoding() throws IOException {
    byte[] px = new byte[2 * 2 * 2];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 30);
    }
    ImageAugParams aug = ImageAugParams.builder(Shape.of(1, 2, 4)).scale(1f / 255).build();
    try (ImageRecordIter it = ImageRecordIter.builder(
        new ListSource(List.of(record(0, 4f, px))), aug, 1).rawPixels(true).build()) {
      float[] got = data(it.next());
      for (int i = 0; i < px.length; i++) {
        assertThat(got[i]).isEqualTo(i * 30 * (1f / 255));
      }
    }
    try (ImageRecordIter it = ImageRecordIter.builder(
        new ListSource(List.of(record(0, 4f, px))), ImageAugParams.builder(Shape.of(1, 3, 3))
            .build(), 1).rawPixels(true).build()) {
      assertThatThrownBy(it::next).isInstanceOf(FormatException.class)
          .hasMessageContaining("8 content bytes").hasMessageContaining("needs 9");
    }
  }

  @Test
  void badSettingsNameTheParameter() {
    assertThatThrownBy(() -> ImageAugParams.builder(Shape.of(2, 4, 4)).build())
        .hasMessageContaining("data_shape");
    assertThatThrownBy(() -> ImageAugParams.builder(Shape.of(3, 4, 4)).interMethod(7).build())
        .hasMessageContaining("inter_method");
    assertThatThrownBy(() -> ImageAugParams.builder(Shape.of(3, 4, 4)).std(1, 0, 1).build())
        .hasMessageContaining("std");
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, 4, 4)).build();
    assertThatThrownBy(() -> ImageRecordIter.builder(new ListSource(List.of()), aug, 2)
        .preprocessThreads(0).build()).hasMessageContaining("preprocess_threads");
  }
}
