package org.kindling.io.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageTranscoder;
import org.kindling.io.recordio.IndexedRecordIOReader;
import org.kindling.tensor.FormatException;

class Im2RecPackerTest {
  private static final Configuration CONF = new Configuration();
  private final Path dir = TestData.newTempDir("im2rec");
  private final byte[] apple = TestData.concat(TestData.ascii("\u0089PNG-ish"), TestData.MAGIC);
  private final byte[] pear = TestData.ascii("pear bytes, kept as they are");

  @BeforeEach
  void images() throws Exception {
    Files.createDirectories(dir.resolve("root/sub"));
    Files.write(dir.resolve("root/apple.png"), apple);
    Files.write(dir.resolve("root/sub/pear.jpg"), pear);
  }

  @AfterEach
  void cleanUp() {
    TestData.deleteTree(dir);
  }

  private static org.apache.hadoop.fs.Path hp(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  private Im2RecPacker.Result pack(String lst, boolean packLabel) throws Exception {
    Files.writeString(dir.resolve("list.lst"), lst);
    return Im2RecPacker.pack(hp(dir.resolve("list.lst")), hp(dir.resolve("root")),
        hp(dir.resolve("out/data")), packLabel, CONF);
  }

  private IndexedRecordIOReader open() throws Exception {
    return IndexedRecordIOReader.open(hp(dir.resolve("out/data.idx")),
        hp(dir.resolve("out/data.rec")), CONF);
  }

  @Test
  void packsFilesAsIsUnderTheirListIndices() throws Exception {
    Im2RecPacker.Result r = pack(
        "7\t1.000000\tapple.png\nskipped line\n3\t2.000000\t5.000000\tsub/pear.jpg\n", false);
    assertThat(r.records()).isEqualTo(2);
    try (IndexedRecordIOReader reader = open()) {
      assertThat(reader.keys()).containsExactly("7", "3");
      ImageRecord a = ImageRecordHeader.unpack(reader.read(7));
      assertThat(a.header()).isEqualTo(ImageRecordHeader.of(1f, 7, 0));
      assertThat(a.content()).isEqualTo(apple);
      ImageRecord p = ImageRecordHeader.unpack(reader.read(3));
      // without packLabel only the first label is kept, as im2rec does
      assertThat(p.header()).isEqualTo(ImageRecordHeader.of(2f, 3, 0));
      assertThat(p.content()).isEqualTo(pear);
    }
  }

  @Test
  void packLabelStoresAllLabelsOfAMultiLabelLine() throws Exception {
    pack("3\t2.0\t5.5\tsub/pear.jpg\n4\t9\tapple.png\n", true);
    try (IndexedRecordIOReader reader = open()) {
      ImageRecord p = ImageRecordHeader.unpack(reader.read(3));
      assertThat(p.header().flag()).isEqualTo(2);
      assertThat(p.header().labels()).containsExactly(2f, 5.5f);
      assertThat(p.content()).isEqualTo(pear);
      assertThat(ImageRecordHeader.unpack(reader.read(4)).header().flag()).isZero();
    }
  }

  @Test
  void aMalformedLineIsAFormatErrorNamingTheLine() {
    assertThatThrownBy(() -> pack("0\t1\tapple.png\nx1\t1\tapple.png\n", false))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("'x1'");
    assertThatThrownBy(() -> pack("0\tone\tapple.png\n", false))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("label 1 'one'");
    assertThat(dir.resolve("out/data.rec")).doesNotExist();
  }

  @Test
  void aMissingImageFailsWithoutWritingOutput() {
    assertThatThrownBy(() -> pack("0\t1\tapple.png\n1\t1\tmissing.png\n", false))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("missing.png");
    assertThat(dir.resolve("out/data.rec")).doesNotExist();
    assertThat(dir.resolve("out/data.idx")).doesNotExist();
  }

  @Test
  void reencodesWithResizeAndQualityInListOrderOnSeveralThreads() throws Exception {
    StringBuilder lst = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      int h = 16 + i;
      int w = 30;
      byte[] px = new byte[h * w * 3];
      for (int k = 0; k < px.length; k++) {
        px[k] = (byte) (k * 7 + i);
      }
      Files.write(dir.resolve("root/img" + i + ".png"), ImageCodec.encode(px, h, w, 3, ".png", 1));
      lst.append(20 - i).append("\t").append(i).append("\timg").append(i).append(".png\n");
    }
    Files.writeString(dir.resolve("list.lst"), lst);
    Im2RecPacker.Result r = Im2RecPacker.pack(hp(dir.resolve("list.lst")),
        hp(dir.resolve("root")), hp(dir.resolve("out/data")), false,
        new ImageTranscoder(1, true, 8, ".jpg", 90), 3, CONF);
    assertThat(r.records()).isEqualTo(9);
    try (IndexedRecordIOReader reader = open()) {
      // the .lst order, whatever thread finished first
      assertThat(reader.keys()).containsExactly("20", "19", "18", "17", "16", "15", "14", "13",
          "12");
      for (int i = 0; i < 9; i++) {
        ImageRecord rec = ImageRecordHeader.unpack(reader.read(20 - i));
        assertThat(rec.header()).isEqualTo(ImageRecordHeader.of(i, 20 - i, 0));
        byte[] c = rec.content();
        // a JPEG (FF D8), centre-cropped to a square and resized to 8x8
        assertThat(c[0] & 0xFF).isEqualTo(0xFF);
        assertThat(c[1] & 0xFF).isEqualTo(0xD8);
        assertThat(jpegSize(c)).containsExactly(8, 8);
      }
    }
  }

  /** Height and width from a baseline JPEG's SOF0 segment. */
  private static int[] jpegSize(byte[] j) {
    int i = 2;
    while (i + 9 < j.length) {
      int marker = j[i + 1] & 0xFF;
      int len = ((j[i + 2] & 0xFF) << 8) | (j[i + 3] & 0xFF);
      if (marker == 0xC0) {
        return new int[] {((j[i + 5] & 0xFF) << 8) | (j[i + 6] & 0xFF),
            ((j[i + 7] & 0xFF) << 8) | (j[i + 8] & 0xFF)};
      }
      i += 2 + len;
    }
    throw new AssertionError("no SOF0 segment");
  }

  @Test
  void anImageThatDoesNotDecodeIsAnErrorNamingTheFile() throws Exception {
    Files.writeString(dir.resolve("list.lst"), "0\t1\tsub/pear.jpg\n");
    assertThatThrownBy(() -> Im2RecPacker.pack(hp(dir.resolve("list.lst")),
        hp(dir.resolve("root")), hp(dir.resolve("out/data")), false,
        new ImageTranscoder(1, false, 0, ".jpg", 95), 2, CONF))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("pear.jpg").hasMessageContaining("not an image");
    assertThat(dir.resolve("out/data.rec")).doesNotExist();
  }
}
