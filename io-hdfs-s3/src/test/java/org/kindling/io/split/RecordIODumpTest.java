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
  /** The sample's name as every dump line gives it: fully qualified. */
  private static final String SAMPLE_FILE =
      new org.apache.hadoop.fs.Path(SAMPLE.toUri()).toString();

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
          .isEqualTo(i + "\t" + SAMPLE_FILE + "\t" + (52 * i) + "\t" + rec.length + "\t"
              + sha256(rec));
    }
    assertThat(out.toString()).endsWith("\n");
  }

  @Test
  void hexAddsTheLowercasePayloadAsASixthColumn() throws Exception {
    StringBuilder out = new StringBuilder();
    RecordIODump.dump(new org.apache.hadoop.fs.Path(SAMPLE.toUri()), new Configuration(),
        RecordIODump.Part.WHOLE, true, out);
    String first = out.toString().lines().findFirst().orElseThrow();
    String[] cols = first.split("\t");
    assertThat(cols).hasSize(6);
    assertThat(cols[5]).isEqualTo(HexFormat.of().formatHex(sampleRecord(1)));
    assertThat(cols[5]).isLowerCase().startsWith("00000000" + "0000803f" + "0100000000000000");
  }

  @Test
  void aPartCountsItsIndexFromZeroAndKeepsFileOffsets() throws Exception {
    // S = 532, N = 3: nstep = 180; heads after resync are 208 and 364.
    StringBuilder out = new StringBuilder();
    RecordIODump.dump(SAMPLE.toString(), new Configuration(), RecordIODump.Part.parse("1/3"),
        false, out);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).extracting(l -> Arrays.asList(l.split("\t")).subList(0, 3))
        .containsExactly(List.of("0", SAMPLE_FILE, "208"), List.of("1", SAMPLE_FILE, "260"),
            List.of("2", SAMPLE_FILE, "312"));
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
          .isEqualTo("1\t" + new org.apache.hadoop.fs.Path(file.toUri()) + "\t12\t10\t"
              + sha256(rec) + "\t414243440a23d7ce4546");
    } finally {
      TestData.deleteTree(dir);
    }
  }

  /**
   * Over a list, every line names the record's own file: a part that spans the end of one file
   * and the start of the next gives each record with its file and its offset in that file.
   */
  @Test
  void everyRecordOfAListNamesItsOwnFileAndOffset() throws Exception {
    Path dir = TestData.newTempDir("dump-list");
    try {
      Path a = dir.resolve("a.rec");
      Path b = dir.resolve("b.rec");
      List<byte[]> inA = List.of(TestData.ascii("a0"), TestData.ascii("a1-payload"));
      List<byte[]> inB = List.of(TestData.ascii("b0"), TestData.ascii("b1"),
          TestData.ascii("b2"));
      Files.write(a, TestData.write(inA).bytes());
      Files.write(b, TestData.write(inB).bytes());
      String fileA = new org.apache.hadoop.fs.Path(a.toUri()).toString();
      String fileB = new org.apache.hadoop.fs.Path(b.toUri()).toString();
      // a.rec: records at 0 and 12 (32 bytes); b.rec: records at 0, 12 and 24 (36 bytes)
      String list = a + ";" + b;
      StringBuilder whole = new StringBuilder();
      RecordIODump.dump(list, new Configuration(), RecordIODump.Part.WHOLE, false, whole);
      assertThat(whole.toString().lines().map(l -> Arrays.asList(l.split("\t")).subList(1, 3)))
          .containsExactly(List.of(fileA, "0"), List.of(fileA, "12"), List.of(fileB, "0"),
              List.of(fileB, "12"), List.of(fileB, "24"));
      // two parts of 36 bytes: part 0 runs past the end of a.rec into b.rec's first record
      StringBuilder first = new StringBuilder();
      RecordIODump.dump(list, new Configuration(), RecordIODump.Part.parse("0/2"), false, first);
      assertThat(first.toString().lines().map(l -> Arrays.asList(l.split("\t")).subList(0, 3)))
          .containsExactly(List.of("0", fileA, "0"), List.of("1", fileA, "12"),
              List.of("2", fileB, "0"));
      StringBuilder second = new StringBuilder();
      RecordIODump.dump(list, new Configuration(), RecordIODump.Part.parse("1/2"), false, second);
      assertThat(second.toString().lines().map(l -> Arrays.asList(l.split("\t")).subList(0, 3)))
          .containsExactly(List.of("0", fileB, "12"), List.of("1", fileB, "24"));
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
