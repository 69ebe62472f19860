package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.io.TestData.ascii;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.TestData;
import org.kindling.tensor.FormatException;

class RecordIOSplitTest {
  private static final Configuration CONF = new Configuration();
  private final Path dir = TestData.newTempDir("split");

  @AfterEach
  void cleanUp() {
    TestData.deleteTree(dir);
  }

  /**
   * A 40-record file shaped like the worked example of formats.md §1.4: S = 6016, records 0-13 in
   * [0, 2064), 14-27 in [2064, 4128) with record 27 split in two parts around offset 4016, and
   * 28-39 in [4128, 6016).
   */
  private static List<byte[]> workedExampleRecords() {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      records.add(filled(140, i)); // 148 bytes each
    }
    records.add(filled(132, 13)); // 140 bytes: ends at 2064
    for (int i = 14; i < 27; i++) {
      records.add(filled(140, i));
    }
    // record 27 at 3988: parts (1,64) and (3,60) = 72 + 68 = 140 bytes, ends at 4128
    records.add(TestData.concat(filled(64, 27), TestData.MAGIC, filled(60, 27)));
    for (int i = 28; i < 39; i++) {
      records.add(filled(148, i)); // 156 bytes each
    }
    records.add(filled(164, 39)); // 172 bytes: ends at 6016
    return records;
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void workedExampleBoundariesMoveForwardToRecordHeads() throws Exception {
    TestData.Written w = TestData.write(workedExampleRecords());
    assertThat(w.bytes()).hasSize(6016);
    assertThat(w.offsets().get(27)).isLessThan(4016L);
    assertThat(w.offsets().get(28)).isEqualTo(4128L);
    Path file = dir.resolve("example.rec");
    Files.write(file, w.bytes());

    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    assertThat(split.totalBytes()).isEqualTo(6016);
    assertThat(split.rawRange(0, 3)).isEqualTo(new PartRange(0, 3, 0, 2008));
    assertThat(split.rawRange(1, 3)).isEqualTo(new PartRange(1, 3, 2008, 4016));
    assertThat(split.rawRange(2, 3)).isEqualTo(new PartRange(2, 3, 4016, 6016));
    assertThat(split.partRange(0, 3)).isEqualTo(new PartRange(0, 3, 0, 2064));
    assertThat(split.partRange(1, 3)).isEqualTo(new PartRange(1, 3, 2064, 4128));
    assertThat(split.partRange(2, 3)).isEqualTo(new PartRange(2, 3, 4128, 6016));

    List<byte[]> records = workedExampleRecords();
    int[][] expected = {{0, 13}, {14, 27}, {28, 39}};
    for (int k = 0; k < 3; k++) {
      List<LocatedRecord> part = readPart(split, k, 3);
      assertThat(part).hasSize(expected[k][1] - expected[k][0] + 1);
      for (int i = 0; i < part.size(); i++) {
        int index = expected[k][0] + i;
        assertThat(part.get(i).payload()).isEqualTo(records.get(index));
        assertThat(part.get(i).fileOffset()).isEqualTo(w.offsets().get(index));
      }
    }
  }

  @Test
  void morePartsThanBytesLeavesTheExtraPartsEmpty() throws Exception {
    Path file = dir.resolve("tiny.rec");
    Files.write(file, TestData.write(List.of(ascii("a"), ascii("b"))).bytes()); // 24 bytes
    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    int total = 0;
    for (int k = 0; k < 10; k++) {
      total += readPart(split, k, 10).size();
    }
    assertThat(total).isEqualTo(2);
    assertThat(split.rawRange(9, 10).isEmpty()).isTrue();
    assertThat(readPart(split, 9, 10)).isEmpty();
  }

  @Test
  void onlyEmptyFilesGiveEmptyPartsForAnyN() throws Exception {
    Files.write(dir.resolve("e1.rec"), new byte[0]);
    Files.write(dir.resolve("e2.rec"), new byte[0]);
    RecordIOSplit split = RecordIOSplit.open(dir.toString(), CONF);
    assertThat(split.files()).isEmpty();
    assertThat(split.totalBytes()).isZero();
    for (int n = 1; n <= 3; n++) {
      for (int k = 0; k < n; k++) {
        assertThat(split.partRange(k, n).isEmpty()).isTrue();
        assertThat(readPart(split, k, n)).isEmpty();
      }
    }
  }

  @Test
  void aDirectoryExpandsToItsFilesByNameSkippingHiddenEmptyAndIndexOnes() throws Exception {
    Files.write(dir.resolve("b.rec"), TestData.write(List.of(ascii("bee"))).bytes());
    Files.write(dir.resolve("b.idx"), ascii("0\t0\n"));
    Files.write(dir.resolve("a.rec"), TestData.write(List.of(ascii("ay"), ascii("ay2"))).bytes());
    Files.write(dir.resolve("c.rec"), new byte[0]);
    Files.write(dir.resolve(".a.rec.crc"), new byte[3]);
    Files.write(dir.resolve("_SUCCESS"), new byte[1]);
    RecordIOSplit split = RecordIOSplit.open(dir.toString(), CONF);
    assertThat(split.files()).extracting(f -> f.path().getName()).containsExactly("a.rec", "b.rec");
    assertThat(split.files().get(1).start()).isEqualTo(24);
    assertThat(readPart(split, 0, 1)).extracting(r -> new String(r.payload()))
        .containsExactly("ay", "ay2", "bee");
  }

  @Test
  void aPathWithoutSchemeIsReadWithTheLocalStoresChunkSizeUnlessOneIsConfigured()
      throws Exception {
    Files.write(dir.resolve("a.rec"), TestData.write(List.of(ascii("ay"))).bytes());
    // the listed files are qualified, so the store's default applies to a bare local path
    RecordIOSplit split = RecordIOSplit.open(dir.resolve("a.rec").toString(), CONF);
    org.apache.hadoop.fs.Path file = split.files().get(0).path();
    assertThat(file.toUri().getScheme()).isEqualTo("file");
    assertThat(split.readOptions(file).chunkBytes())
        .isEqualTo(org.kindling.io.source.ReadOptions.LOCAL_CHUNK_BYTES);
    Configuration set = new Configuration(CONF);
    set.setInt(org.kindling.io.source.ReadOptions.CHUNK_BYTES_KEY, 4096);
    assertThat(RecordIOSplit.open(dir.resolve("a.rec").toString(), set).readOptions(file)
        .chunkBytes()).isEqualTo(4096);
  }

  @Test
  void aSemicolonListKeepsItsOrderAndARegexMatchesNamesInTheParent() throws Exception {
    Files.write(dir.resolve("x1.rec"), TestData.write(List.of(ascii("one"))).bytes());
    Files.write(dir.resolve("x2.rec"), TestData.write(List.of(ascii("two"))).bytes());
    Files.write(dir.resolve("y.rec"), TestData.write(List.of(ascii("why"))).bytes());
    RecordIOSplit listed = RecordIOSplit.open(
        dir.resolve("y.rec") + ";" + dir.resolve("x1.rec"), CONF);
    assertThat(readPart(listed, 0, 1)).extracting(r -> new String(r.payload()))
        .containsExactly("why", "one");
    RecordIOSplit regex = RecordIOSplit.open(dir.resolve("x[0-9]\\.rec").toString(), CONF);
    assertThat(regex.files()).extracting(f -> f.path().getName())
        .containsExactly("x1.rec", "x2.rec");
  }

  @Test
  void aMissingInputIsAFileNotFoundError() {
    assertThatThrownBy(() -> RecordIOSplit.open(dir.resolve("nothing.rec").toString(), CONF))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("nothing.rec");
    assertThatThrownBy(() -> RecordIOSplit.open(dir.resolve("no/such/dir.rec").toString(), CONF))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aFileWhoseSizeIsNotAMultipleOfFourIsAFormatError() throws Exception {
    Files.write(dir.resolve("odd.rec"), new byte[10]);
    assertThatThrownBy(() -> RecordIOSplit.open(dir.resolve("odd.rec").toString(), CONF))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("odd.rec")
        .hasMessageContaining("not a multiple of 4");
  }

  @Test
  void aFileEndingRightAfterAMagicFailsTheResync() throws Exception {
    Path file = dir.resolve("cut.rec");
    Files.write(file, TestData.concat(TestData.write(List.of(ascii("abcd"))).bytes(),
        TestData.MAGIC));
    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    assertThatThrownBy(() -> split.partRange(1, 2))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("right after a magic")
        .satisfies(e -> assertThat(((FormatException) e).offset()).isEqualTo(12));
  }

  @Test
  void aCorruptRecordInsideAPartIsAFormatErrorWithItsOffset() throws Exception {
    byte[] bytes = TestData.write(List.of(ascii("aaaa"), ascii("bbbb"), ascii("cccc"))).bytes();
    bytes[13] = 0x77; // the second record's magic
    Path file = dir.resolve("bad.rec");
    Files.write(file, bytes);
    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    try (RecordIOPartReader part = split.openPart(0, 1)) {
      assertThat(part.next().payload()).isEqualTo(ascii("aaaa"));
      assertThatThrownBy(part::next)
          .isInstanceOf(FormatException.class)
          .satisfies(e -> assertThat(((FormatException) e).offset()).isEqualTo(12))
          .hasMessageContaining("bad.rec");
    }
  }

  @Test
  void resetRereadsThePartFromItsFirstRecord() throws Exception {
    Path file = dir.resolve("r.rec");
    Files.write(file, TestData.write(workedExampleRecords()).bytes());
    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    try (RecordIOPartReader part = split.openPart(1, 3)) {
      LocatedRecord first = part.next();
      part.next();
      part.reset();
      assertThat(part.next()).isEqualTo(first);
      assertThat(first.fileOffset()).isEqualTo(2064);
    }
  }

  static List<LocatedRecord> readPart(RecordIOSplit split, int k, int n) throws Exception {
    List<LocatedRecord> out = new ArrayList<>();
    try (RecordIOPartReader part = split.openPart(k, n)) {
      LocatedRecord r;
      while ((r = part.next()) != null) {
        out.add(r);
      }
    }
    return out;
  }
}
