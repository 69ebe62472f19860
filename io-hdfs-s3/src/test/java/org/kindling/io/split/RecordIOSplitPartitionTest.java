package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordView;
import org.kindling.io.TestData;
import org.kindling.testing.Gen;
import org.kindling.testing.SeededProperty;

/**
 * For any number of parts and any files, the parts together hold every record exactly once, in
 * order, and each part holds exactly the records whose head lies in its range.
 */
class RecordIOSplitPartitionTest {
  private static final Configuration CONF = new Configuration();

  /** One expected record: which file, where in it, and where globally. */
  record Expected(String fileName, long fileOffset, long globalOffset, byte[] payload) {}

  /** 1 to 4 files of up to 14 records each: magic-heavy, big, or big with a magic inside. */
  static List<List<byte[]>> fileContents(Random r) {
    return Gen.listOf(r, 1, 4, f -> Gen.listOf(f, 0, 14, p -> switch (Gen.weighted(p, 4, 1, 1)) {
      case 0 -> TestData.magicHeavyPayload(p);
      case 1 -> Gen.bytes(p, 100, 700);
      default -> {
        byte[] b = Gen.bytes(p, 100, 700);
        yield TestData.concat(b, TestData.MAGIC, b);
      }
    }));
  }

  /** Files, and a chunk size choice (which also picks the URI form). */
  record Case(List<List<byte[]>> files, int chunkChoice) {}

  /** Runs a check for every number of parts from 1 to 20; a failure names the count. */
  private static void forEveryPartCount(SeededProperty.Property<Integer> check) throws Exception {
    for (int numParts = 1; numParts <= 20; numParts++) {
      try {
        check.check(numParts);
      } catch (AssertionError e) {
        throw new AssertionError("with " + numParts + " parts: " + e.getMessage(), e);
      }
    }
  }

  /** Every number of parts from 1 to 20 is checked on every generated set of files. */
  @Test
  void everyRecordIsInExactlyOnePartInOrder() {
    SeededProperty.check(60, r -> new Case(fileContents(r), r.nextInt(0, 3)),
        c -> forEveryPartCount(n -> everyRecordInExactlyOnePart(c.files(), n, c.chunkChoice())));
  }

  private static void everyRecordInExactlyOnePart(List<List<byte[]>> files, int numParts,
      int chunkChoice) throws IOException {
    Path dir = TestData.newTempDir("split");
    try {
      List<Expected> expected = writeFiles(dir, files);
      int chunk = new int[] {64, 100, org.kindling.io.source.ReadOptions.DEFAULT_CHUNK_BYTES}[chunkChoice];
      // Alternate between a directory URI and an explicit ';' list of the same files.
      String uri = chunkChoice == 1 ? listUri(dir, files.size()) : dir.toUri().toString();
      if (expected.isEmpty()) {
        return; // all files empty: RecordIOSplitTest checks that case
      }
      RecordIOSplit split = RecordIOSplit.open(uri, CONF);
      List<LocatedRecord> all = new ArrayList<>();
      long previousEnd = 0;
      for (int k = 0; k < numParts; k++) {
        PartRange range = split.partRange(k, numParts);
        if (!range.isEmpty()) {
          assertThat(range.begin()).isEqualTo(previousEnd);
          previousEnd = range.end();
        }
        int first = all.size();
        try (RecordIOPartReader part = split.openPart(k, numParts, chunk)) {
          LocatedRecord r;
          while ((r = part.next()) != null) {
            assertThat(r.globalOffset())
                .isGreaterThanOrEqualTo(range.begin())
                .isLessThan(range.end());
            all.add(r);
          }
        }
        assertViewsEqual(split.openPart(k, numParts, chunk), all.subList(first, all.size()));
      }
      assertThat(previousEnd).isEqualTo(split.totalBytes());
      assertThat(all).hasSameSizeAs(expected);
      for (int i = 0; i < all.size(); i++) {
        LocatedRecord got = all.get(i);
        Expected want = expected.get(i);
        assertThat(new org.apache.hadoop.fs.Path(got.file()).getName()).isEqualTo(want.fileName());
        assertThat(got.fileOffset()).isEqualTo(want.fileOffset());
        assertThat(got.globalOffset()).isEqualTo(want.globalOffset());
        assertThat(got.payload()).isEqualTo(want.payload());
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  /**
   * The part's views ({@link RecordIOPartReader#nextView()}), each checked before the next call
   * (a view lives until then), are the records {@code next()} gave.
   */
  private static void assertViewsEqual(RecordIOPartReader part, List<LocatedRecord> records)
      throws IOException {
    try (part) {
      for (LocatedRecord want : records) {
        RecordView v = part.nextView();
        assertThat(v).isNotNull();
        assertThat(v.copy()).isEqualTo(want);
      }
      assertThat(part.nextView()).isNull();
    }
  }

  @Test
  void resyncedBoundariesAreTheFirstHeadAtOrAfterTheRawOnes() {
    SeededProperty.check(40, r -> new Case(fileContents(r), 0),
        c -> forEveryPartCount(n -> resyncedBoundaries(c.files(), n)));
  }

  private static void resyncedBoundaries(List<List<byte[]>> files, int numParts)
      throws IOException {
    Path dir = TestData.newTempDir("resync");
    try {
      List<Expected> expected = writeFiles(dir, files);
      if (expected.isEmpty()) {
        return;
      }
      RecordIOSplit split = RecordIOSplit.open(dir.toString(), CONF);
      List<Long> boundaries = new ArrayList<>();
      for (Expected e : expected) {
        boundaries.add(e.globalOffset());
      }
      for (SplitFile f : split.files()) {
        boundaries.add(f.end()); // a file's end is where a boundary with no head left goes
      }
      for (int k = 0; k < numParts; k++) {
        PartRange raw = split.rawRange(k, numParts);
        PartRange range = split.partRange(k, numParts);
        if (raw.isEmpty()) {
          assertThat(range).isEqualTo(raw);
          continue;
        }
        assertThat(range.begin()).isEqualTo(firstAtOrAfter(boundaries, split, raw.begin()));
        assertThat(range.end()).isEqualTo(firstAtOrAfter(boundaries, split, raw.end()));
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  private static long firstAtOrAfter(List<Long> boundaries, RecordIOSplit split, long raw) {
    for (SplitFile f : split.files()) {
      if (f.start() == raw) {
        return raw;
      }
    }
    if (raw == split.totalBytes()) {
      return raw;
    }
    return boundaries.stream().filter(b -> b >= raw).min(Long::compare).orElseThrow();
  }

  static List<Expected> writeFiles(Path dir, List<List<byte[]>> files) throws IOException {
    List<Expected> expected = new ArrayList<>();
    long start = 0;
    for (int f = 0; f < files.size(); f++) {
      String name = String.format("part-%02d.rec", f);
      TestData.Written w = TestData.write(files.get(f));
      Files.write(dir.resolve(name), w.bytes());
      for (int i = 0; i < files.get(f).size(); i++) {
        long off = w.offsets().get(i);
        expected.add(new Expected(name, off, start + off, files.get(f).get(i)));
      }
      start += w.bytes().length;
    }
    return expected;
  }

  private static String listUri(Path dir, int n) {
    List<String> parts = new ArrayList<>();
    for (int f = 0; f < n; f++) {
      parts.add(dir.resolve(String.format("part-%02d.rec", f)).toString());
    }
    return String.join(";", parts);
  }
}
