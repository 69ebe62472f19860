package org.kindling.io.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.io.TestData.MAGIC;
import static org.kindling.io.TestData.ascii;
import static org.kindling.io.TestData.concat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.TestData.Part;

class RecordIOWriterLayoutTest {

  /** The 8 logical records of the table in formats.md §1.2, in table order. */
  private static List<byte[]> tableRecords() {
    return List.of(
        new byte[0],
        ascii("abcde"),
        MAGIC,
        concat(MAGIC, MAGIC),
        concat(ascii("wxyz"), MAGIC),
        concat(MAGIC, ascii("tail")),
        concat(ascii("12"), MAGIC, ascii("34")),
        concat(ascii("ABCD"), MAGIC, MAGIC, ascii("EFGH"), MAGIC));
  }

  /** The table's parts as (offset, cflag, length), offsets as MXNet wrote them. */
  private static final List<Part> TABLE = List.of(
      new Part(0, 0, 0),
      new Part(56, 0, 5),
      new Part(72, 1, 0), new Part(80, 3, 0),
      new Part(88, 1, 0), new Part(96, 2, 0), new Part(104, 3, 0),
      new Part(112, 1, 4), new Part(124, 3, 0),
      new Part(132, 1, 0), new Part(140, 3, 4),
      new Part(152, 0, 8),
      new Part(168, 1, 4), new Part(180, 2, 0), new Part(188, 2, 4), new Part(200, 3, 0));

  @Test
  void tableRecordsWrittenInOrderHaveTheTablePartsBackToBack() throws Exception {
    TestData.Written w = TestData.write(tableRecords());

    // Written alone, record 1 directly follows record 0 (8 bytes), so every offset from the
    // table's 56 on moves back by the 48 bytes of other records MXNet's file had in between.
    List<Part> expected = new ArrayList<>();
    for (Part p : TABLE) {
      expected.add(new Part(p.offset() == 0 ? 0 : p.offset() - 48, p.cflag(), p.length()));
    }
    assertThat(TestData.parts(w.bytes())).containsExactlyElementsOf(expected);
    assertThat(w.bytes()).hasSize(160);
    assertThat(w.offsets()).containsExactly(0L, 8L, 24L, 40L, 64L, 84L, 104L, 120L);
  }

  @Test
  void withTheFortyEightBytesOfFillerTheOffsetsAreExactlyMxnets() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Long> heads = new ArrayList<>();
    try (RecordIOWriter w = new RecordIOWriter(out)) {
      List<byte[]> records = tableRecords();
      heads.add(w.tell());
      w.write(records.get(0));
      for (int i = 0; i < 4; i++) {
        w.write(ascii("fill")); // 12 bytes each: 48 in all
      }
      for (byte[] r : records.subList(1, records.size())) {
        heads.add(w.tell());
        w.write(r);
      }
      assertThat(w.tell()).isEqualTo(208);
    }
    List<Part> parts = new ArrayList<>(TestData.parts(out.toByteArray()));
    parts.removeIf(p -> p.offset() >= 8 && p.offset() < 56);
    assertThat(parts).containsExactlyElementsOf(TABLE);
    assertThat(heads).containsExactly(0L, 56L, 72L, 88L, 112L, 132L, 152L, 168L);
    assertThat(out.toByteArray()).hasSize(208);
  }

  @Test
  void partsArePaddedWithZerosAndCarryTheSplitPayloadPieces() throws Exception {
    byte[] file = TestData.write(List.of(concat(ascii("ABCD"), MAGIC, MAGIC, ascii("EFGH"), MAGIC),
        ascii("abcde"))).bytes();
    // (1,4) "ABCD" | (2,0) | (2,4) "EFGH" | (3,0) | (0,5) "abcde" + 3 zero bytes
    assertThat(java.util.Arrays.copyOfRange(file, 8, 12)).isEqualTo(ascii("ABCD"));
    assertThat(java.util.Arrays.copyOfRange(file, 28, 32)).isEqualTo(ascii("EFGH"));
    assertThat(java.util.Arrays.copyOfRange(file, 48, 53)).isEqualTo(ascii("abcde"));
    assertThat(java.util.Arrays.copyOfRange(file, 53, 56)).containsOnly(0);
    assertThat(file).hasSize(56);
  }

  @Test
  void countsTheAlignedMagicsItSplitOnButNotUnalignedOnes() throws Exception {
    try (RecordIOWriter w = new RecordIOWriter(new ByteArrayOutputStream())) {
      for (byte[] r : tableRecords()) {
        w.write(r);
      }
      // M:1, MM:2, wxyzM:1, Mtail:1, 12M34:0, ABCD M M EFGH M:3
      assertThat(w.splitMagicCount()).isEqualTo(8);
    }
  }

  @Test
  void writesASliceOfAnArrayWithAlignmentRelativeToTheSlice() throws Exception {
    byte[] buf = concat(ascii("xy"), MAGIC, ascii("z"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RecordIOWriter w = new RecordIOWriter(out)) {
      w.write(buf, 2, 5); // M z: the magic is at offset 0 of the record
    }
    assertThat(TestData.parts(out.toByteArray()))
        .containsExactly(new Part(0, 1, 0), new Part(8, 3, 1));
  }

  @Test
  void refusesRecordsOfTwoToTheTwentyNineBytes() {
    RecordIOWriter w = new RecordIOWriter(new ByteArrayOutputStream());
    assertThatThrownBy(() -> w.write(new byte[0], 0, 1 << 29))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2^29");
  }

  @Test
  void tellStartsAtTheGivenOffsetWhenAppending() throws Exception {
    try (RecordIOWriter w = new RecordIOWriter(new ByteArrayOutputStream(), 100)) {
      w.write(ascii("abc"));
      assertThat(w.tell()).isEqualTo(112);
    }
    assertThatThrownBy(() -> new RecordIOWriter(new ByteArrayOutputStream(), 6))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
