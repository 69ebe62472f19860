package org.kindling.io.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.recordio.IndexedRecordIOReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

class IdxImagePackerTest {
  private static final Configuration CONF = new Configuration();
  private final Path dir = TestData.newTempDir("idxpack");

  @AfterEach
  void cleanUp() {
    TestData.deleteTree(dir);
  }

  static byte[] idxImages(int count, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
    b.putInt(0x00000803).putInt(count).putInt(rows).putInt(cols);
    for (int i = 0; i < count * rows * cols; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.array();
  }

  static byte[] idxLabels(int count) {
    ByteBuffer b = ByteBuffer.allocate(8 + count);
    b.putInt(0x00000801).putInt(count);
    for (int i = 0; i < count; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private Path file(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static org.apache.hadoop.fs.Path hp(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  private IdxImagePacker.Result pack(Path images, Path labels) throws IOException {
    return IdxImagePacker.pack(hp(images), hp(labels), hp(dir.resolve("out/train")), CONF);
  }

  private List<String> outputDirListing() throws IOException {
    Path out = dir.resolve("out");
    if (!Files.exists(out)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(out)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void packsEachImageWithItsLabelAndIndexAsItsKey() throws Exception {
    IdxImagePacker.Result result =
        pack(file("img", idxImages(5, 3, 2)), file("lab", idxLabels(5)));
    assertThat(result.records()).isEqualTo(5);
    assertThat(result.rows()).isEqualTo(3);
    assertThat(result.cols()).isEqualTo(2);
    assertThat(outputDirListing()).containsExactly("train.idx", "train.rec");

    byte[] pixels = Arrays.copyOfRange(idxImages(5, 3, 2), 16, 16 + 30);
    try (IndexedRecordIOReader reader = IndexedRecordIOReader.open(
        hp(dir.resolve("out/train.idx")), hp(dir.resolve("out/train.rec")), CONF)) {
      assertThat(reader.keys()).containsExactly("0", "1", "2", "3", "4");
      for (int i = 0; i < 5; i++) {
        ImageRecord r = ImageRecordHeader.unpack(reader.read(i));
        assertThat(r.header()).isEqualTo(ImageRecordHeader.of(i % 10, i, 0));
        assertThat(r.content()).isEqualTo(Arrays.copyOfRange(pixels, 6 * i, 6 * i + 6));
      }
    }
  }

  @Test
  void gzipInputsGiveTheSameOutputAsPlainOnes() throws Exception {
    pack(file("img", idxImages(7, 4, 4)), file("lab", idxLabels(7)));
    byte[] plain = Files.readAllBytes(dir.resolve("out/train.rec"));
    pack(file("img.gz", gzip(idxImages(7, 4, 4))), file("lab.gz", gzip(idxLabels(7))));
    assertThat(Files.readAllBytes(dir.resolve("out/train.rec"))).isEqualTo(plain);
    assertThat(outputDirListing()).containsExactly("train.idx", "train.rec");
  }

  @Test
  void thePackedFileFeedsTheRawImageIterator() throws Exception {
    pack(file("img", idxImages(3, 2, 2)), file("lab", idxLabels(3)));
    RecordIOSplit split = RecordIOSplit.open(dir.resolve("out/train.rec").toString(), CONF);
    try (RawImageRecordIter it = RawImageRecordIter.builder(split.openPart(0, 1),
        Shape.of(1, 2, 2), 3).scale(1f).build()) {
      DataBatch b = it.next();
      assertThat(b.label().get(0).toFloatArray()).containsExactly(0f, 1f, 2f);
      assertThat(b.data().get(0).toFloatArray()[5]).isEqualTo((5 * 7 + 3) & 0xFF);
    }
  }

  @Test
  void aWrongMagicIsAFormatErrorNamingTheFile() throws Exception {
    Path labels = file("lab", idxLabels(2));
    assertThatThrownBy(() -> pack(labels, labels))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("lab")
        .hasMessageContaining("IDX magic 0x00000801, expected 0x00000803");
    assertThat(outputDirListing()).isEmpty();
  }

  @Test
  void aHeaderThatDisagreesWithThePlainFileLengthIsAFormatError() throws Exception {
    byte[] images = idxImages(4, 3, 3);
    Path cut = file("img", Arrays.copyOf(images, images.length - 1));
    assertThatThrownBy(() -> pack(cut, file("lab", idxLabels(4))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("announces 4 items of 9 bytes")
        .hasMessageContaining("file has 51 bytes");
    Path tooShortHeader = file("short", new byte[] {0, 0, 8, 3, 0, 0});
    assertThatThrownBy(() -> pack(tooShortHeader, file("lab", idxLabels(4))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("truncated IDX header");
  }

  @Test
  void aZeroImageDimensionIsAFormatError() throws Exception {
    byte[] images = ByteBuffer.allocate(16).putInt(0x803).putInt(0).putInt(0).putInt(5).array();
    assertThatThrownBy(() -> pack(file("img", images), file("lab", idxLabels(0))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("dimension 1 is 0");
  }

  @Test
  void differentImageAndLabelCountsAreAFormatError() throws Exception {
    assertThatThrownBy(() -> pack(file("img", idxImages(3, 2, 2)), file("lab", idxLabels(4))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("holds 4 labels")
        .hasMessageContaining("holds 3 images");
    assertThat(outputDirListing()).isEmpty();
  }

  @Test
  void aTruncatedOrOverlongGzipStreamIsAFormatErrorAndWritesNothing() throws Exception {
    byte[] short1 = gzip(Arrays.copyOf(idxImages(6, 2, 2), 16 + 13));
    assertThatThrownBy(() -> pack(file("img.gz", short1), file("lab", idxLabels(6))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("item 3 of 6 is incomplete");
    byte[] cutGzip = gzip(idxImages(6, 2, 2));
    Path broken = file("broken.gz", Arrays.copyOf(cutGzip, cutGzip.length - 12));
    assertThatThrownBy(() -> pack(broken, file("lab", idxLabels(6))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("broken.gz");
    byte[] longer = gzip(TestData.concat(idxLabels(6), new byte[] {9}));
    assertThatThrownBy(() -> pack(file("img", idxImages(6, 2, 2)), file("lab.gz", longer)))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("unexpected bytes after the 6 items");
    assertThat(outputDirListing()).isEmpty();
  }

  @Test
  void aFailedPackLeavesThePreviousOutputInPlace() throws Exception {
    pack(file("img", idxImages(2, 2, 2)), file("lab", idxLabels(2)));
    byte[] before = Files.readAllBytes(dir.resolve("out/train.rec"));
    assertThatThrownBy(() -> pack(file("img2", idxImages(3, 2, 2)), file("lab2", idxLabels(2))))
        .isInstanceOf(FormatException.class);
    assertThat(Files.readAllBytes(dir.resolve("out/train.rec"))).isEqualTo(before);
    assertThat(outputDirListing()).containsExactly("train.idx", "train.rec");
    pack(file("img3", idxImages(4, 2, 2)), file("lab3", idxLabels(4)));
    assertThat(Files.readString(dir.resolve("out/train.idx"))).hasLineCount(4);
  }
}
