package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.testing.MxnetFixtures;

class RecordIODumpTest {
  private static final Path SAMPLE = MxnetFixtures.path("dmlc-sample.rec");

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static byte[] sampleRecord(int k) {
    return ImageRecordHeader.pack(ImageRecordHeader.of(k % 2, k, 0),
        TestData.ascii((k + "\n").repeat(10)));
  }

  @Test
  void dumpsOneLinePerRecordWithOffsetLengthAndHash() throws Exception {
    StringBuilder out = new StringBuilder();
    long n = RecordIODump.dump(SAMPLE.toString(), new Configuration(), RecordIODump.Part.WHOLE,
        false, out);
    assertThat(n).isEqualTo(10);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(10);
    for (int i = 0; i < 10; i++) {
      byte[] rec = sampleRecord(i + 1);
      assertThat(lines.get(i))
          .isEqualTo(i + "\t" + (52 * i) + "\t" + rec.length + "\t" + sha256(rec));
    }
    assertThat(out.toString()).endsWith("\n");
  }

  @Test
  void hexAddsTheLowercasePayloadAsAFifthColumn() throws Exception {
    StringBuilder out = new StringBuilder();
    RecordIODump.dump(new org.apache.hadoop.fs.Path(SAMPLE.toUri()), new Configuration(),
        RecordIODump.Part.WHOLE, true, out);
    String first = out.toString().lines().findFirst().orElseThrow();
    String[] cols = first.split("\t");
    assertThat(cols).hasSize(5);
    assertThat(cols[4]).isEqualTo(HexFormat.of().formatHex(sampleRecord(1)));
    assertThat(cols[4]).isLowerCase().startsWith("00000000" + "0000803f" + "0100000000000000");
  }

  @Test
  void aPartCountsItsIndexFromZeroAndKeepsFileOffsets() throws Exception {
    // S = 532, N = 3: nstep = 180; heads after resync are 208 and 364.
    StringBuilder out = new StringBuilder();
    RecordIODump.dump(SAMPLE.toString(), new Configuration(), RecordIODump.Part.parse("1/3"),
        false, out);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).extracting(l -> Arrays.asList(l.split("\t")).subList(0, 2))
        .containsExactly(List.of("0", "208"), List.of("1", "260"), List.of("2", "312"));
  }

  @Test
  void aMultiPartRecordIsDumpedAtItsFirstPartWithItsLogicalLength() throws Exception {
    Path dir = TestData.newTempDir("dump");
    try {
      byte[] rec = TestData.concat(TestData.ascii("ABCD"), TestData.MAGIC, TestData.ascii("EF"));
      Path file = dir.resolve("m.rec");
      Files.write(file, TestData.write(List.of(TestData.ascii("x"), rec)).bytes());
      StringBuilder out = new StringBuilder();
      RecordIODump.dump(file.toString(), new Configuration(), RecordIODump.Part.WHOLE, true, out);
      assertThat(out.toString().lines().toList().get(1))
          .isEqualTo("1\t12\t10\t" + sha256(rec) + "\t414243440a23d7ce4546");
    } finally {
      TestData.deleteTree(dir);
    }
  }

  @Test
  void partSpecificationsAreParsedAndChecked() {
    assertThat(RecordIODump.Part.parse(" 2/5 ")).isEqualTo(new RecordIODump.Part(2, 5));
    assertThatThrownBy(() -> RecordIODump.Part.parse("5/5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RecordIODump.Part.parse("a/b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("K/N");
    assertThatThrownBy(() -> RecordIODump.Part.parse("3"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
