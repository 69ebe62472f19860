package org.kindling.io.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.io.TestData.ascii;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.tensor.FormatException;

class RecordIndexTest {
  private final Path dir = TestData.newTempDir("idx");

  @AfterEach
  void cleanUp() {
    TestData.deleteTree(dir);
  }

  private static RecordIndex parse(String text) throws Exception {
    return RecordIndex.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "x.idx");
  }

  @Test
  void readsKeysInFileOrderWithTheirOffsets() throws Exception {
    RecordIndex idx = parse("3\t0\n1\t8\nb\t20\n");
    assertThat(idx.keys()).containsExactly("3", "1", "b");
    assertThat(idx.offsetOf("1")).isEqualTo(8);
    assertThat(idx.entries()).containsExactly(new RecordIndex.Entry("3", 0),
        new RecordIndex.Entry("1", 8), new RecordIndex.Entry("b", 20));
    assertThat(idx.toString()).isEqualTo("3\t0\n1\t8\nb\t20\n");
  }

  @Test
  void aRepeatedKeyMapsToItsLastOffsetButStaysListedTwice() throws Exception {
    RecordIndex idx = parse("7\t0\n7\t12\n");
    assertThat(idx.keys()).containsExactly("7", "7");
    assertThat(idx.offsetOf("7")).isEqualTo(12);
  }

  @Test
  void malformedLinesAreReportedWithTheirLineNumberAndByteOffset() {
    assertThatThrownBy(() -> parse("0\t0\n1 8\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("line 2")
        .satisfies(e -> assertThat(((FormatException) e).offset()).isEqualTo(4));
    assertThatThrownBy(() -> parse("0\t0\n\n2\tabc\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("'abc'");
    assertThatThrownBy(() -> parse("0\t-4\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("negative offset");
  }

  @Test
  void indexedWriterAndReaderRoundTripThroughTheFileSystem() throws Exception {
    Path rec = dir.resolve("data.rec");
    Path idx = dir.resolve("data.idx");
    List<byte[]> records = List.of(ascii("zero"), TestData.concat(TestData.MAGIC, ascii("one")),
        new byte[0], ascii("three33"));
    try (OutputStream r = Files.newOutputStream(rec);
        OutputStream i = Files.newOutputStream(idx);
        IndexedRecordIOWriter w = new IndexedRecordIOWriter(r, i)) {
      for (int k = 0; k < records.size(); k++) {
        w.write(k * 10L, records.get(k));
      }
    }
    assertThat(Files.readString(idx)).isEqualTo("0\t0\n10\t12\n20\t32\n30\t40\n");
    try (IndexedRecordIOReader reader = IndexedRecordIOReader.open(
        new org.apache.hadoop.fs.Path(idx.toUri()), new org.apache.hadoop.fs.Path(rec.toUri()),
        new Configuration())) {
      assertThat(reader.keys()).containsExactly("0", "10", "20", "30");
      assertThat(reader.read(30)).isEqualTo(records.get(3));
      assertThat(reader.read("10")).isEqualTo(records.get(1));
      assertThat(reader.read(20)).isEmpty();
      assertThatThrownBy(() -> reader.read(5)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anIndexPointingOutsideTheRecFileIsRejectedWhenOpened() throws Exception {
    Path rec = dir.resolve("d.rec");
    Path idx = dir.resolve("d.idx");
    Files.write(rec, TestData.write(List.of(ascii("a"))).bytes());
    Files.writeString(idx, "0\t0\n1\t400\n");
    assertThatThrownBy(() -> IndexedRecordIOReader.open(new org.apache.hadoop.fs.Path(idx.toUri()),
        new org.apache.hadoop.fs.Path(rec.toUri()), new Configuration()))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("key '1' has offset 400");
  }

  @Test
  void keysWithTabsOrLineBreaksAreRefused() {
    assertThatThrownBy(() -> RecordIndex.appendLine(new StringBuilder(), "a\tb", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RecordIndex.appendLine(new StringBuilder(), "", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
