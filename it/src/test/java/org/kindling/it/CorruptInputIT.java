package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.io.image.ImageAugParams;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageRecordIter;
import org.kindling.io.image.LastBatch;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.split.FramingSkips;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * Issue 9's corrupt-input rules on each of the four stores of {@link FourStores} (local file,
 * HDFS, {@code s3a://}, native {@code s3://}): a wrong magic, a record cut by the end of its file
 * and a length field past that end fail naming the file and the record's byte offset, in the io
 * module's part reader (what training reads through) and in {@code format("recordio")}; an image
 * record whose header is bad or whose image does not decode fails naming its file and offset in
 * {@code ImageRecordIter} and {@code format("mxnet-image")}, or with the skip options is skipped:
 * counted and reported by {@code ImageRecordIter}'s {@code skipCorrupt}, left out by {@code
 * dropInvalid}. The broken framing is skipped by a part reader opened with a {@code
 * FramingSkips} (skipCorrupt), to the next record head, and its count pass skips the same range.
 */
class CorruptInputIT {
  private static final int RECORDS = 12;
  /** The image record whose image does not decode. */
  private static final int NOT_AN_IMAGE = 3;
  /** The image record too short for its header. */
  private static final int BAD_HEADER = 6;

  private static FourStores stores;
  private static SparkSession spark;
  /** {@link #RECORDS} image records, 8x8 PNG, record i with id and label i. */
  private static byte[] good;
  /** The byte offset of each record of {@link #good}. */
  private static long[] offsets;

  @BeforeAll
  static void start() throws IOException {
    stores = FourStores.start(TestDirs.fresh(Path.of("target", "corrupt-input-it")));
    spark = stores.spark("CorruptInputIT");
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      records.add(imageRecord(i, png(i)));
    }
    good = recordFile(records);
    offsets = offsets(records);
  }

  @AfterAll
  static void stop() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (stores != null) {
        stores.close();
      }
    }
  }

  @Test
  void aWrongMagicIsReportedWithFileAndOffsetOnEveryStore() throws IOException {
    byte[] bytes = good.clone();
    bytes[(int) offsets[5]] ^= 0x55;
    expectFormatError("corrupt/magic.rec", bytes, offsets[5], "bad magic", RECORDS - 1,
        offsets[6]);
  }

  @Test
  void aRecordCutByTheEndOfItsFileIsReportedWithFileAndOffsetOnEveryStore() throws IOException {
    int cut = (int) offsets[7] + 16;
    expectFormatError("corrupt/cut.rec", Arrays.copyOf(good, cut), offsets[7],
        "runs past the end of the file (size " + cut + ")", 7, cut);
  }

  @Test
  void aLengthPastTheEndOfTheFileIsReportedWithFileAndOffsetOnEveryStore() throws IOException {
    byte[] bytes = good.clone();
    // record 7's lrec word: cflag 0, a length as long as the whole file
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) offsets[7] + 4, bytes.length);
    expectFormatError("corrupt/length.rec", bytes, offsets[7], "part length " + bytes.length
        + " (padded " + bytes.length + ") runs past the end of the file (size " + bytes.length
        + ")", RECORDS - 1, offsets[8]);
  }

  /**
   * Puts {@code bytes} on every store and reads each copy through the part reader and through
   * {@code format("recordio")}: both fail at {@code offset} with {@code problem}. With
   * skipCorrupt the part reader and its count pass skip {@code [offset, resumed)} alike and
   * return the {@code intact} other records (decision 0060).
   */
  private static void expectFormatError(String key, byte[] bytes, long offset, String problem,
      int intact, long resumed) throws IOException {
    for (String uri : stores.put(key, bytes)) {
      RecordIOSplit split = RecordIOSplit.open(uri, stores.conf());
      FramingSkips read = new FramingSkips();
      int n = 0;
      try (RecordIOPartReader reader = split.openPart(0, 1, read)) {
        while (reader.nextView() != null) {
          n++;
        }
      }
      FramingSkips counted = new FramingSkips();
      assertThat(split.countRecords(0, 1, counted).records()).as(uri).isEqualTo(intact);
      assertThat(n).as(uri).isEqualTo(intact);
      assertThat(read.ranges()).as(uri).isEqualTo(counted.ranges()).singleElement()
          .satisfies(r -> {
            assertThat(r.file()).endsWith(key);
            assertThat(r.offset()).isEqualTo(offset);
            assertThat(r.end()).isEqualTo(resumed);
            assertThat(r.problem()).contains(problem);
          });
      assertThatThrownBy(() -> readAll(uri)).as(uri)
          .isInstanceOfSatisfying(FormatException.class, e -> {
            assertThat(e.file()).as(uri).startsWith(uri.substring(0, uri.indexOf(':') + 1))
                .endsWith(key);
            assertThat(e.offset()).as(uri).isEqualTo(offset);
            assertThat(e).as(uri).hasMessageContaining(problem);
          });
      assertThatThrownBy(() -> spark.read().format("recordio").load(uri).collectAsList())
          .as(uri).hasStackTraceContaining(key + " at byte offset " + offset + ": ")
          .hasStackTraceContaining(problem);
    }
  }

  @Test
  void corruptImageRecordsFailWithFileAndOffsetOrAreSkippedAndCountedOnEveryStore()
      throws IOException {
    String key = "corrupt/images.rec";
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      records.add(i == BAD_HEADER ? new byte[] {1, 2, 3}
          : imageRecord(i, i == NOT_AN_IMAGE ? "not an image".getBytes(StandardCharsets.US_ASCII)
              : png(i)));
    }
    byte[] bytes = recordFile(records);
    long notAnImage = offsets(records)[NOT_AN_IMAGE];
    long badHeader = offsets(records)[BAD_HEADER];
    for (String uri : stores.put(key, bytes)) {
      try (ImageRecordIter it = imageIter(uri, false)) {
        assertThat(it.next()).as(uri).isNotNull(); // records 0 and 1
        assertThatThrownBy(it::next).as(uri).isInstanceOfSatisfying(FormatException.class, e -> {
          assertThat(e.file()).as(uri).endsWith(key);
          assertThat(e.offset()).as(uri).isEqualTo(notAnImage);
        });
      }
      try (ImageRecordIter it = imageIter(uri, true)) {
        int read = 0;
        for (DataBatch b = it.next(); b != null; b = it.next()) {
          read += b.batchSize() - b.pad();
          b.close();
        }
        assertThat(read).as(uri).isEqualTo(RECORDS - 2);
        assertThat(it.corruptCount()).as(uri).isEqualTo(2);
        assertThat(it.corruptRecords()).as(uri).hasSize(2);
        assertThat(it.corruptRecords().get(0)).as(uri).contains(key + "@" + notAnImage + ": ");
        assertThat(it.corruptRecords().get(1)).as(uri).contains(key + "@" + badHeader + ": ")
            .contains("shorter than the 24-byte header");
      }

      assertThatThrownBy(() -> spark.read().format("mxnet-image").load(uri).collectAsList())
          .as(uri).hasStackTraceContaining(key + " at byte offset " + notAnImage + ": ")
          .hasStackTraceContaining("image record id " + NOT_AN_IMAGE);
      // (a count alone decodes nothing, so it leaves nothing out)
      assertThat(spark.read().format("mxnet-image").option("dropInvalid", true).load(uri)
          .select("image.height", "id").collectAsList()).as(uri)
          .extracting(r -> r.getLong(1)).hasSize(RECORDS - 2)
          .doesNotContain((long) NOT_AN_IMAGE, (long) BAD_HEADER);
      assertThatThrownBy(() -> spark.read().format("recordio").load(uri).select("label")
          .collectAsList()).as(uri)
          .hasStackTraceContaining(key + " at byte offset " + badHeader + ": ")
          .hasStackTraceContaining("shorter than the 24-byte header");
    }
  }

  /** An iterator of 3x8x8 batches of 2 over the whole file, skipping corrupt records or not. */
  private static ImageRecordIter imageIter(String uri, boolean skipCorrupt) throws IOException {
    RecordIOPartReader part = RecordIOSplit.open(uri, stores.conf()).openPart(0, 1);
    return ImageRecordIter.builder(part, ImageAugParams.builder(Shape.of(3, 8, 8)).build(), 2)
        .skipCorrupt(skipCorrupt).lastBatch(LastBatch.DISCARD).build();
  }

  /** The byte offset of each record when {@code records} are written as one file. */
  private static long[] offsets(List<byte[]> records) {
    long[] at = new long[records.size()];
    for (int i = 1; i < at.length; i++) {
      int length = records.get(i - 1).length;
      at[i] = at[i - 1] + 8 + length + (4 - length % 4) % 4;
    }
    return at;
  }

  private static void readAll(String uri) throws IOException {
    try (RecordIOPartReader reader = RecordIOSplit.open(uri, stores.conf()).openPart(0, 1)) {
      while (reader.nextView() != null) {
        // read to the end: the error is the result
      }
    }
  }

  private static byte[] imageRecord(int i, byte[] content) {
    return ImageRecordHeader.pack(ImageRecordHeader.of(i, i, 0), content);
  }

  /** An 8x8 BGR image as PNG, its pixels a function of {@code seed}. */
  private static byte[] png(int seed) {
    byte[] pixels = new byte[8 * 8 * 3];
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (byte) (seed * 31 + p * 7);
    }
    return ImageCodec.encode(pixels, 8, 8, 3, ".png", 95);
  }

  private static byte[] recordFile(List<byte[]> records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (RecordIOWriter w = new RecordIOWriter(bytes)) {
      for (byte[] r : records) {
        w.write(r);
      }
    }
    return bytes.toByteArray();
  }
}
