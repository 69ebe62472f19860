package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.TestData;
import org.kindling.io.image.IndexedPartSource;
import org.kindling.io.image.PartOrder;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

/**
 * Index-based parts that skip broken framing (skipCorrupt): a broken record at an index entry
 * (bad magic, a head that continues a split record, a length past the next indexed offset) is
 * skipped with the rest of its entry, recorded as {@code file@offset: problem}; the count pass
 * skips the same entries as the read pass, in file order and in MXNet's shuffled order, and
 * without the option the broken entry fails naming the {@code .rec} and the {@code .idx}.
 */
class IndexedSkipCorruptTest {
  private static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  /** A written record: its file, offset, payload, whether its head was broken, its entry end. */
  record Rec(int file, long offset, long end, byte[] payload, boolean broken) {}

  /**
   * Writes 1-3 files of 1-15 records with one complete index each, breaking about one head in
   * five in one of 3 ways.
   */
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
      StringBuilder idx = new StringBuilder();
      for (int i = 0; i < n; i++) {
        int at = (int) (long) w.offsets().get(i);
        long end = i + 1 < n ? w.offsets().get(i + 1) : w.bytes().length;
        boolean broken = r.nextInt(5) == 0;
        if (broken) {
          switch (r.nextInt(3)) {
            case 0 -> b.putInt(at, 0xDEADBEEF); // bad magic
            case 1 -> b.putInt(at + 4, 2 << 29 | 4); // cflag 2 at a head
            default -> b.putInt(at + 4, (int) (end - at)); // cflag 0, past the entry
          }
        }
        all.add(new Rec(f, at, end, payloads.get(i), broken));
        idx.append(i).append('\t').append(at).append('\n');
      }
      Files.write(dir.resolve(prefix + f + ".rec"), w.bytes());
      Files.writeString(dir.resolve(prefix + f + ".idx"), idx);
    }
    return all;
  }

  private String list(String prefix, List<Rec> recs, String ext) {
    StringBuilder b = new StringBuilder();
    for (int f = 0; f <= recs.get(recs.size() - 1).file(); f++) {
      b.append(f == 0 ? "" : ";").append(dir.resolve(prefix + f + ext));
    }
    return b.toString();
  }

  private static final Comparator<FramingSkips.Range> BY_PLACE =
      Comparator.comparing(FramingSkips.Range::file).thenComparingLong(FramingSkips.Range::offset);

  @Test
  void everyIntactRecordIsReadOnceAndTheCountPassSkipsWhatTheReadPassSkips() {
    int[] cases = {0};
    SeededProperty.check(40, Random::nextLong, seed -> {
      String prefix = "q" + cases[0]++ + "_";
      List<Rec> recs = write(new Random(seed), prefix);
      IndexedSplit split = IndexedSplit.open(list(prefix, recs, ".rec"),
          list(prefix, recs, ".idx"), CONF);
      List<Rec> intact = recs.stream().filter(r -> !r.broken()).toList();
      for (int n = 1; n <= 12; n++) {
        List<LocatedRecord> got = new ArrayList<>();
        List<FramingSkips.Range> ranges = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          FramingSkips read = new FramingSkips();
          FramingSkips counted = new FramingSkips();
          List<LocatedRecord> part = new ArrayList<>();
          try (IndexedPartReader reader = split.openPart(k, n, read)) {
            for (LocatedRecord r = reader.next(); r != null; r = reader.next()) {
              part.add(r);
            }
          }
          assertThat(split.countRecords(k, n, counted)).as("count pass of part %d/%d", k, n)
              .isEqualTo(part.size());
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
        // one range per broken entry: its whole span, named by file and offset
        List<Rec> broken = recs.stream().filter(Rec::broken).toList();
        assertThat(ranges).as("skipped ranges, %d parts", n).hasSize(broken.size());
        for (int i = 0; i < broken.size(); i++) {
          Rec b = broken.get(i);
          FramingSkips.Range g = ranges.get(i);
          assertThat(g.file()).endsWith(prefix + b.file() + ".rec");
          assertThat(g.offset()).isEqualTo(b.offset());
          assertThat(g.end()).as("the entry's end").isEqualTo(b.end());
          assertThat(g.describe()).startsWith(g.file() + "@" + b.offset() + ": ")
              .contains(prefix + b.file() + ".idx");
        }
      }
    });
  }

  @Test
  void mxnetsShuffledPassesSkipTheSameEntriesEachPass() {
    int[] cases = {0};
    SeededProperty.check(20, Random::nextLong, seed -> {
      String prefix = "m" + cases[0]++ + "_";
      Random r = new Random(seed);
      List<Rec> recs = write(r, prefix);
      int n = r.nextInt(1, 4);
      int mxSeed = r.nextInt(-50, 50);
      String rec = list(prefix, recs, ".rec");
      String idx = list(prefix, recs, ".idx");
      IndexedSplit split = IndexedSplit.open(rec, idx, CONF);
      for (int k = 0; k < n; k++) {
        int[] entries = split.partEntries(k, n);
        List<Rec> inPart = recs.subList(entries[0], entries[1]);
        FramingSkips counted = new FramingSkips();
        long count = split.countRecords(k, n, counted);
        FramingSkips skips = new FramingSkips();
        MxnetShuffle mx = MxnetShuffle.ofSeed(mxSeed);
        try (IndexedPartSource s = IndexedPartSource.open(rec, idx, CONF, k, n,
            PartOrder.mxnet(mxSeed), skips)) {
          for (int pass = 0; pass < 3; pass++) {
            if (pass > 0) {
              s.reset();
            }
            int[] order = new int[inPart.size()];
            for (int i = 0; i < order.length; i++) {
              order[i] = i;
            }
            mx.shuffle(order);
            List<byte[]> want = new ArrayList<>();
            for (int e : order) {
              if (!inPart.get(e).broken()) {
                want.add(inPart.get(e).payload());
              }
            }
            List<byte[]> got = new ArrayList<>();
            for (LocatedRecord x = s.next(); x != null; x = s.next()) {
              got.add(x.payload());
            }
            assertThat(got).as("pass %d of part %d/%d, MXNet seed %d", pass, k, n, mxSeed)
                .containsExactlyElementsOf(want);
            assertThat((long) got.size()).as("the count pass's count").isEqualTo(count);
          }
        }
        assertThat(skips.count()).as("each broken entry once a pass")
            .isEqualTo(3 * counted.count());
        List<FramingSkips.Range> sorted = new ArrayList<>(skips.ranges());
        sorted.sort(BY_PLACE);
        List<FramingSkips.Range> thrice = new ArrayList<>();
        for (FramingSkips.Range g : counted.ranges()) {
          thrice.add(g);
          thrice.add(g);
          thrice.add(g);
        }
        thrice.sort(BY_PLACE);
        assertThat(sorted).isEqualTo(thrice);
      }
    });
  }

  @Test
  void withoutSkippingABrokenEntryFailsNamingTheRecTheIndexAndTheOption() throws IOException {
    List<byte[]> payloads = List.of(TestData.ascii("alpha"), TestData.ascii("beta-beta"),
        TestData.ascii("gamma"));
    TestData.Written w = TestData.write(payloads);
    long second = w.offsets().get(1);
    long third = w.offsets().get(2);
    // the second record claims to run 64 bytes past its entry's end
    ByteBuffer.wrap(w.bytes()).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) second + 4, (int) (third - second) + 64);
    Path rec = dir.resolve("b.rec");
    Files.write(rec, w.bytes());
    Path idx = dir.resolve("b.idx");
    Files.writeString(idx, "0\t0\n1\t" + second + "\n2\t" + third + "\n");
    IndexedSplit split = IndexedSplit.open(rec.toString(), idx.toString(), CONF);
    try (IndexedPartReader r = split.openPart(0, 1)) {
      assertThat(r.next().payload()).isEqualTo(payloads.get(0));
      assertThatThrownBy(r::next).isInstanceOf(FormatException.class)
          .hasMessageContaining("b.rec at byte offset " + second)
          .hasMessageContaining("runs past the next indexed offset " + third)
          .hasMessageContaining("b.idx").hasMessageContaining("--skip-corrupt");
    }
    assertThatThrownBy(() -> split.countRecords(0, 1, null))
        .isInstanceOf(FormatException.class).hasMessageContaining("b.idx");
    FramingSkips skips = new FramingSkips();
    List<byte[]> got = new ArrayList<>();
    try (IndexedPartReader r = split.openPart(0, 1, skips)) {
      for (LocatedRecord x = r.next(); x != null; x = r.next()) {
        got.add(x.payload());
      }
    }
    assertThat(got).containsExactly(payloads.get(0), payloads.get(2));
    // the split names local files as Hadoop paths, file:/...
    assertThat(skips.descriptions()).containsExactly("file:" + rec + "@" + second + ": part length "
        + (third - second + 64) + " (padded " + (third - second + 64) + ") runs past the next"
        + " indexed offset " + third + " in an entry of the index " + idx + " (skipped bytes ["
        + second + ", " + third + "))");
  }
}
