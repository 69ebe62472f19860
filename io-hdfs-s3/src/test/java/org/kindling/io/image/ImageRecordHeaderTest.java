package org.kindling.io.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.io.TestData.ascii;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.tensor.FormatException;

class ImageRecordHeaderTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void aSingleLabelPacksAsFlagZeroWithTheLabelInTheHeader() {
    byte[] packed = ImageRecordHeader.pack(ImageRecordHeader.of(3.5f, 7, 0), ascii("img"));
    // 'IfQQ' little-endian: flag 0, 3.5f = 0x40600000, id 7, id2 0, then the content
    assertThat(HEX.formatHex(packed)).isEqualTo(
        "00000000" + "00006040" + "0700000000000000" + "0000000000000000" + "696d67");
  }

  @Test
  void aLabelArrayPacksAsFlagNWithZeroLabelAndTheFloatsBeforeTheContent() {
    ImageRecordHeader h = ImageRecordHeader.ofLabels(new float[] {1f, 2.5f, -3f}, 9, 1);
    byte[] packed = ImageRecordHeader.pack(h, ascii("c"));
    assertThat(HEX.formatHex(packed)).isEqualTo("03000000" + "00000000" + "0900000000000000"
        + "0100000000000000" + "0000803f" + "00002040" + "000040c0" + "63");
  }

  @Test
  void theCallersFlagIsAlwaysRecomputed() throws Exception {
    byte[] single = ImageRecordHeader.pack(new ImageRecordHeader(0, 1f, null, 0, 0), new byte[0]);
    assertThat(ImageRecordHeader.unpack(single).header().flag()).isZero();
    byte[] empty = ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[0], 1, 0),
        ascii("z"));
    // Python: an empty label list gives flag 0 and label 0, with no floats in front.
    assertThat(empty).hasSize(25);
    assertThat(ImageRecordHeader.unpack(empty).header()).isEqualTo(ImageRecordHeader.of(0f, 1, 0));
  }

  @Test
  void unpackReturnsTheHeaderTheLabelsAndTheContent() throws Exception {
    ImageRecordHeader multi = ImageRecordHeader.ofLabels(new float[] {4f, 5f}, 12, 0);
    ImageRecord r = ImageRecordHeader.unpack(ImageRecordHeader.pack(multi, ascii("pixels")));
    assertThat(r.header()).isEqualTo(multi);
    assertThat(r.header().labels()).containsExactly(4f, 5f);
    assertThat(r.header().label()).isZero();
    assertThat(r.content()).isEqualTo(ascii("pixels"));
    assertThat(r.contentLength()).isEqualTo(6);
    assertThat(r.contentByte(0)).isEqualTo('p');

    ImageRecord s = ImageRecordHeader.unpack(ImageRecordHeader.pack(
        ImageRecordHeader.of(-1f, -1L, 0), new byte[] {(byte) 200}));
    assertThat(s.header().labels()).isNull();
    assertThat(s.header().label()).isEqualTo(-1f);
    assertThat(Long.toUnsignedString(s.header().id())).isEqualTo("18446744073709551615");
    float[] f = new float[1];
    s.contentToFloats(0.5f, f, 0);
    assertThat(f[0]).isEqualTo(100f);
  }

  @Test
  void aLabelFloatCanPushAMagicOntoAnAlignedOffsetSplittingTheRecord() {
    // formats.md §2: flag=1, one label, content = magic + 1 byte -> parts (1,28)(3,1)
    byte[] packed = ImageRecordHeader.pack(ImageRecordHeader.ofLabels(new float[] {2f}, 3, 0),
        TestData.concat(TestData.MAGIC, ascii("q")));
    assertThat(TestData.parts(TestData.write(List.of(packed)).bytes()))
        .containsExactly(new TestData.Part(0, 1, 28), new TestData.Part(36, 3, 1));
  }

  @Test
  void recordsTooShortForTheHeaderOrItsLabelsAreFormatErrors() {
    assertThatThrownBy(() -> ImageRecordHeader.unpack(new byte[23], "f.rec", 96))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("f.rec at byte offset 96")
        .hasMessageContaining("shorter than the 24-byte header");
    byte[] lying = ImageRecordHeader.pack(ImageRecordHeader.of(0f, 0, 0), new byte[8]);
    lying[0] = 3; // claims 3 labels (12 bytes) but only 8 follow
    assertThatThrownBy(() -> ImageRecordHeader.unpack(lying))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("flag 3");
    lying[3] = (byte) 0xFF; // an unsigned flag above 2^31 must not go negative
    assertThatThrownBy(() -> ImageRecordHeader.unpack(lying))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("flag 4278190083");
  }

  /** A record inside a larger buffer, as a view of a read chunk: unpacked where it lies. */
  @Test
  void unpackOfAViewReadsOnlyItsRangeAndLeavesThePositionAlone() throws Exception {
    ImageRecordHeader h = ImageRecordHeader.ofLabels(new float[] {2f}, 5, 0);
    byte[] record = ImageRecordHeader.pack(h, ascii("abc"));
    byte[] chunk = new byte[record.length + 20];
    java.util.Arrays.fill(chunk, (byte) 'x');
    System.arraycopy(record, 0, chunk, 9, record.length);
    ByteBuffer view = ByteBuffer.wrap(chunk, 9, record.length);

    ImageRecord r = ImageRecordHeader.unpack(view, "c.rec", 40);

    assertThat(view.position()).isEqualTo(9);
    assertThat(r.header()).isEqualTo(h);
    assertThat(r.content()).isEqualTo(ascii("abc"));
    ByteBuffer content = r.contentView();
    assertThat(content.array()).isSameAs(chunk); // no copy
    assertThat(content.arrayOffset() + content.position()).isEqualTo(9 + record.length - 3);
    assertThat(content.remaining()).isEqualTo(3);
    chunk[9 + record.length - 1] = 'z'; // the record is a view: it sees the chunk change
    assertThat(r.contentByte(2)).isEqualTo('z');
    assertThatThrownBy(() -> ImageRecordHeader.unpack(ByteBuffer.wrap(chunk, 9, 23), "c.rec", 40))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("c.rec at byte offset 40")
        .hasMessageContaining("23 bytes");
  }

  @Test
  void aLabelArrayMustMatchTheFlag() {
    assertThatThrownBy(() -> new ImageRecordHeader(2, 0f, new float[] {1f}, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
