package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.TestData;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

/**
 * Byte-range parts that skip broken framing (skipCorrupt): a bad magic word, a head that
 * continues a split record, a length past the end of the file. The read pass and the count pass
 * skip the same ranges, every intact record is read once over all parts for any N, and without
 * the option the first broken record fails the read naming its file and offset.
 */
class SkipCorruptFramingTest {
  private static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  /** A written record: its file, offset and payload, and whether its head was broken. */
  record Rec(int file, long offset, byte[] payload, boolean broken) {}

  /** Writes 1-3 files of 1-15 records, breaking about one head in five, in one of 3 ways. */
  private List<Rec> write(Random r, String prefix) throws IOException {
    List<Rec> all = new ArrayList<>();
    int files = r.nextInt(1, 4);
    for (int f = 0; f < files; f++) {
      List<byte[]> payloads = new ArrayList<>();
      int n = r.nextInt(1, 16);
      for (int i = 0; i < n; i++) {
        payloads.add(TestData.lettersPayload(r));
      }
      TestData.Written w = TestData.write(payloads);
      ByteBuffer b = ByteBuffer.wrap(w.bytes()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        int at = (int) (long) w.offsets().get(i);
        boolean broken = r.nextInt(5) == 0;
        if (broken) {
          switch (r.nextInt(3)) {
            case 0 -> b.putInt(at, 0xDEADBEEF); // bad magic
            case 1 -> b.putInt(at + 4, 2 << 29 | 4); // cflag 2 at a head
            default -> b.putInt(at + 4, w.bytes().length + 64); // cflag 0, past the end
          }
        }
        all.add(new Rec(f, at, payloads.get(i), broken));
      }
      Files.write(dir.resolve(prefix + f + ".rec"), w.bytes());
    }
    return all;
  }

  private String list(String prefix, List<Rec> recs) {
    StringBuilder b = new StringBuilder();
    for (int f = 0; f <= recs.get(recs.size() - 1).file(); f++) {
      b.append(f == 0 ? "" : ";").append(dir.resolve(prefix + f + ".rec"));
    }
    return b.toString();
  }

  @Test
  void everyIntactRecordIsReadOnceAndTheCountPassSkipsWhatTheReadPassSkips() {
    int[] cases = {0};
    SeededProperty.check(40, Random::nextLong, seed -> {
      String prefix = "p" + cases[0]++ + "_";
      List<Rec> recs = write(new Random(seed), prefix);
      RecordIOSplit split = RecordIOSplit.open(list(prefix, recs), CONF);
      List<Rec> intact = recs.stream().filter(r -> !r.broken()).toList();
      for (int n = 1; n <= 12; n++) {
        List<LocatedRecord> got = new ArrayList<>();
        List<FramingSkips.Range> ranges = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          FramingSkips read = new FramingSkips();
          FramingSkips counted = new FramingSkips();
          List<LocatedRecord> part = new ArrayList<>();
          try (RecordIOPartReader reader = split.openPart(k, n, read)) {
            for (LocatedRecord r = reader.next(); r != null; r = reader.next()) {
              part.add(r);
            }
          }
          assertThat(split.countRecords(k, n, counted).records())
              .as("count pass of part %d/%d", k, n).isEqualTo(part.size());
          assertThat(counted.ranges()).as("ranges of part %d/%d", k, n)
              .isEqualTo(read.ranges());
          got.addAll(part);
          ranges.addAll(read.ranges());
        }
        assertThat(got).as("records of %d parts", n).hasSize(intact.size());
        for (int i = 0; i < intact.size(); i++) {
          assertThat(got.get(i).payload()).as("record %d of %d parts", i, n)
              .isEqualTo(intact.get(i).payload());
          assertThat(got.get(i).fileOffset()).isEqualTo(intact.get(i).offset());
        }
        // every broken head in exactly one skipped range, no intact head in any
        Set<String> covered = new HashSet<>();
        for (Rec r : recs) {
          long in = ranges.stream().filter(g -> g.file().endsWith(prefix + r.file() + ".rec")
              && g.offset() <= r.offset() && r.offset() < g.end()).count();
          assertThat(in).as("ranges holding the head of file %d offset %d (broken %s), %d parts",
              r.file(), r.offset(), r.broken(), n).isEqualTo(r.broken() ? 1 : 0);
          if (r.broken()) {
            covered.add(r.file() + "@" + r.offset());
          }
        }
        assertThat(ranges).allSatisfy(g -> assertThat(covered)
            .as("a range starts at a broken head").anyMatch(c -> g.file().endsWith(
                prefix + c.substring(0, c.indexOf('@')) + ".rec")
                && g.offset() == Long.parseLong(c.substring(c.indexOf('@') + 1))));
      }
    });
  }

  @Test
  void withoutSkippingTheBrokenRecordFailsNamingFileAndOffset() throws IOException {
    List<byte[]> payloads = List.of(TestData.ascii("alpha"), TestData.ascii("beta"),
        TestData.ascii("gamma"));
    TestData.Written w = TestData.write(payloads);
    ByteBuffer.wrap(w.bytes()).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) (long) w.offsets().get(1), 0xDEADBEEF);
    Path file = dir.resolve("bad.rec");
    Files.write(file, w.bytes());
    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    try (RecordIOPartReader r = split.openPart(0, 1)) {
      assertThat(r.next().payload()).isEqualTo(payloads.get(0));
      assertThatThrownBy(r::next).isInstanceOf(FormatException.class)
          .hasMessageContaining("bad.rec").hasMessageContaining("offset " + w.offsets().get(1))
          .hasMessageContaining("bad magic");
    }
    assertThatThrownBy(() -> split.countRecords(0, 1, null)).isInstanceOf(FormatException.class);

    FramingSkips skips = new FramingSkips();
    StringBuilder out = new StringBuilder();
    assertThat(RecordIODump.dump(file.toString(), null, CONF, RecordIODump.Part.WHOLE, false,
        skips, out)).isEqualTo(2);
    assertThat(skips.count()).isEqualTo(1);
    assertThat(skips.descriptions().get(0)).contains("bad.rec@" + w.offsets().get(1))
        .contains("bad magic")
        .contains("[" + w.offsets().get(1) + ", " + w.offsets().get(2) + ")");
  }

  @Test
  void aShuffledPartLocatesByTheSkippingHeaderPassAndReportsTheRangesEveryPass()
      throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      payloads.add(TestData.ascii("record-" + i));
    }
    TestData.Written w = TestData.write(payloads);
    ByteBuffer b = ByteBuffer.wrap(w.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) (long) w.offsets().get(4), 0xDEADBEEF);
    b.putInt((int) (long) w.offsets().get(9) + 4, w.bytes().length);
    Path file = dir.resolve("s.rec");
    Files.write(file, w.bytes());
    // a complete, well-formed index: it cannot tell the broken frames, so it must not be used
    StringBuilder idx = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      idx.append(i).append('\t').append(w.offsets().get(i)).append('\n');
    }
    Files.writeString(dir.resolve("s.idx"), idx);
    RecordIOSplit split = RecordIOSplit.open(file.toString(), CONF);
    FramingSkips skips = new FramingSkips();
    try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 5, 0, skips)) {
      assertThat(s.size()).isEqualTo(10);
      assertThat(s.locatedByIndex()).isFalse();
      for (int pass = 1; pass <= 2; pass++) {
        Set<String> seen = new HashSet<>();
        for (LocatedRecord r = s.next(); r != null; r = s.next()) {
          seen.add(new String(r.payload()));
        }
        assertThat(seen).hasSize(10).doesNotContain("record-4", "record-9");
        assertThat(skips.count()).as("ranges reported after pass %d", pass)
            .isEqualTo(2L * pass);
        s.reset();
      }
    }
    assertThat(skips.ranges()).extracting(FramingSkips.Range::offset)
        .containsExactly(w.offsets().get(4), w.offsets().get(9), w.offsets().get(4),
            w.offsets().get(9));
  }

  @Test
  void passSkipsCountsARangeOncePerPassTheConsumerReadsThroughAndDistinctOnceInAll()
      throws IOException {
    List<LocatedRecord> recs = List.of(new LocatedRecord(new byte[] {1}, "f", 0, 0),
        new LocatedRecord(new byte[] {2}, "f", 20, 20), new LocatedRecord(new byte[] {3}, "f",
            28, 28));
    org.kindling.io.RecordSource list = new org.kindling.io.RecordSource() {
      int i;

      @Override
      public LocatedRecord next() {
        return i < recs.size() ? recs.get(i++) : null;
      }

      @Override
      public void reset() {
        i = 0;
      }

      @Override
      public void close() {}
    };
    FramingSkips.Range range = new FramingSkips.Range("f", 8, 20, "bad magic");
    FramingSkips sink = new FramingSkips();
    try (PassSkipsSource s = new PassSkipsSource(list, 3, List.of(range), sink)) {
      s.next();
      s.next();
      assertThat(sink.count()).as("before the pass's last record").isZero();
      s.next();
      assertThat(sink.count()).as("at the pass's last record").isEqualTo(1);
      assertThat(s.next()).isNull();
      assertThat(sink.count()).as("the end does not count again").isEqualTo(1);
      s.reset();
      s.nextView(); // a short last batch borrows one record of the next pass
      s.reset();
      assertThat(sink.count()).as("a pass not read through").isEqualTo(1);
      while (s.nextView() != null) {
        // read the pass through
      }
      assertThat(sink.count()).isEqualTo(2);
    }
    FramingSkips distinct = FramingSkips.distinct();
    distinct.skipped(range);
    distinct.skipped(range);
    distinct.skipped(new FramingSkips.Range("f", 40, 48, "bad magic"));
    assertThat(distinct.count()).isEqualTo(2);
  }
}
