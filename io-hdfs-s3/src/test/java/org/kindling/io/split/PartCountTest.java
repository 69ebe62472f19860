package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.source.ReadOptions;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

/**
 * {@link RecordIOSplit#countRecords}: the count equals the records the part's reader returns,
 * from the {@code .idx} files when every {@code .rec} has one and from a header-only scan
 * otherwise; a malformed index is reported, naming it.
 */
class PartCountTest {

  /** Files, a number of parts, which files get an index, and a chunk size. */
  record Case(List<List<byte[]>> files, int numParts, boolean[] indexed, int chunkBytes) {}

  static Case generate(Random r) {
    List<List<byte[]>> files = RecordIOSplitPartitionTest.fileContents(r);
    boolean[] indexed = new boolean[files.size()];
    boolean all = r.nextBoolean();
    for (int i = 0; i < indexed.length; i++) {
      indexed[i] = all || r.nextBoolean();
    }
    return new Case(files, r.nextInt(1, 13), indexed, new int[] {64, 100, 4096}[r.nextInt(3)]);
  }

  @Test
  void countEqualsRecordsReadForRandomFilesAndParts() {
    SeededProperty.check(80, PartCountTest::generate, PartCountTest::countMatchesReading);
  }

  private static void countMatchesReading(Case c) throws IOException {
    Path dir = TestData.newTempDir("count");
    try {
      List<String> uris = write(dir, c.files(), c.indexed());
      if (uris.isEmpty()) {
        return;
      }
      boolean everyIndexed = true;
      for (int i = 0; i < c.files().size(); i++) {
        everyIndexed &= c.indexed()[i] || c.files().get(i).isEmpty();
      }
      Configuration conf = new Configuration();
      conf.setInt(ReadOptions.CHUNK_BYTES_KEY, c.chunkBytes());
      RecordIOSplit split = RecordIOSplit.open(String.join(";", uris), conf);
      long total = 0;
      for (int k = 0; k < c.numParts(); k++) {
        PartCount count = split.countRecords(k, c.numParts());
        long read = 0;
        try (RecordIOPartReader part = split.openPart(k, c.numParts())) {
          while (part.next() != null) {
            read++;
          }
        }
        assertThat(count.records()).as("part %d of %d", k, c.numParts()).isEqualTo(read);
        if (!split.partRange(k, c.numParts()).isEmpty()) {
          assertThat(count.fromIndex()).as("index used").isEqualTo(everyIndexed);
        }
        total += read;
      }
      assertThat(total).isEqualTo(c.files().stream().mapToLong(List::size).sum());
    } finally {
      TestData.deleteTree(dir);
    }
  }

  /** Writes {@code part-NN.rec} (and {@code .idx} where asked); returns the non-empty files. */
  static List<String> write(Path dir, List<List<byte[]>> files, boolean[] indexed)
      throws IOException {
    List<String> uris = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      TestData.Written w = TestData.write(files.get(f));
      Path rec = dir.resolve(String.format("part-%02d.rec", f));
      Files.write(rec, w.bytes());
      if (indexed[f]) {
        StringBuilder idx = new StringBuilder();
        for (int i = 0; i < w.offsets().size(); i++) {
          idx.append(i).append('\t').append(w.offsets().get(i)).append('\n');
        }
        Files.writeString(rec.resolveSibling(String.format("part-%02d.idx", f)), idx);
      }
      if (w.bytes().length > 0) {
        uris.add(rec.toString());
      }
    }
    return uris;
  }

  @Test
  void indexOutsideTheRecordFileIsReportedNamingIt() throws IOException {
    assertCorruptIndex("0\t0\n1\t1000000\n", "offset 1000000 is not a record head");
  }

  @Test
  void unalignedIndexOffsetIsReported() throws IOException {
    assertCorruptIndex("0\t0\n1\t6\n", "offset 6 is not a record head");
  }

  @Test
  void repeatedIndexOffsetIsReported() throws IOException {
    assertCorruptIndex("0\t0\n1\t0\n", "offset 0 is listed twice");
  }

  @Test
  void unparsableIndexLineIsReported() throws IOException {
    assertCorruptIndex("0\t0\n1\tforty\n", "line 2: offset 'forty' is not a decimal integer");
  }

  private static void assertCorruptIndex(String idx, String problem) throws IOException {
    Path dir = TestData.newTempDir("badidx");
    try {
      Path rec = dir.resolve("a.rec");
      Files.write(rec, TestData.write(List.of(TestData.ascii("one"), TestData.ascii("two")))
          .bytes());
      Path idxFile = dir.resolve("a.idx");
      Files.write(idxFile, idx.getBytes(StandardCharsets.UTF_8));
      RecordIOSplit split = RecordIOSplit.open(rec.toString(), new Configuration());
      assertThatThrownBy(() -> split.countRecords(0, 1))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("a.idx")
          .hasMessageContaining(problem);
    } finally {
      TestData.deleteTree(dir);
    }
  }

  @Test
  void headerScanReportsATruncatedPartWithFileAndOffset() throws IOException {
    Path dir = TestData.newTempDir("trunc");
    try {
      byte[] bytes = TestData.write(List.of(new byte[40], new byte[400])).bytes();
      // drop the last 100 bytes (still a multiple of 4): the second record's payload runs past
      byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 100);
      Path rec = dir.resolve("a.rec");
      Files.write(rec, cut);
      RecordIOSplit split = RecordIOSplit.open(rec.toString(), new Configuration());
      assertThatThrownBy(() -> split.countRecords(0, 1))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("a.rec at byte offset 48")
          .hasMessageContaining("runs past the end of the file");
    } finally {
      TestData.deleteTree(dir);
    }
  }
}
