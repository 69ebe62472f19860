package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.IndexedPartSource;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

/**
 * Index-based parts of a list of {@code .rec} files: dmlc's {@code IndexedRecordIOSplitter} rule
 * over the sorted global offsets, with one index per file or one for the whole list.
 */
class IndexedSplitTest {
  private static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  /** A record as written: its file, its offset in it, its bytes. */
  record Written(int file, long offset, byte[] payload) {}

  /**
   * Writes {@code counts[f]} records into {@code f<f>.rec} + {@code f<f>.idx} (index lines in a
   * shuffled order: readers must sort), some records split by a magic word inside.
   */
  private List<Written> write(String prefix, int[] counts, Random r) throws IOException {
    List<Written> all = new ArrayList<>();
    for (int f = 0; f < counts.length; f++) {
      Path rec = dir.resolve(prefix + f + ".rec");
      Path idx = dir.resolve(prefix + f + ".idx");
      StringBuilder lines = new StringBuilder();
      try (OutputStream out = Files.newOutputStream(rec);
          IndexedRecordIOWriter w = new IndexedRecordIOWriter(out, OutputStream.nullOutputStream())) {
        List<String> idxLines = new ArrayList<>();
        for (int i = 0; i < counts[f]; i++) {
          byte[] p = payload(r, f, i);
          long at = w.write("k" + f + "_" + i, p);
          all.add(new Written(f, at, p));
          idxLines.add("k" + f + "_" + i + "\t" + at + "\n");
        }
        Collections.shuffle(idxLines, r);
        idxLines.forEach(lines::append);
      }
      Files.writeString(idx, lines);
    }
    return all;
  }

  private static byte[] payload(Random r, int f, int i) {
    byte[] p = new byte[r.nextInt(1, 60)];
    r.nextBytes(p);
    p[0] = (byte) f;
    if (r.nextInt(4) == 0 && p.length >= 12) {
      // RecordIO's magic word at an aligned offset: the writers split the record there
      p[4] = 0x0A;
      p[5] = 0x23;
      p[6] = (byte) 0xD7;
      p[7] = (byte) 0xCE;
    }
    return p;
  }

  private String list(String prefix, int n, String ext) {
    StringBuilder b = new StringBuilder();
    for (int f = 0; f < n; f++) {
      b.append(f == 0 ? "" : ";").append(dir.resolve(prefix + f + ext));
    }
    return b.toString();
  }

  private static List<LocatedRecord> all(org.kindling.io.RecordSource s) throws IOException {
    List<LocatedRecord> out = new ArrayList<>();
    for (LocatedRecord r = s.next(); r != null; r = s.next()) {
      out.add(r);
    }
    return out;
  }

  /** Combines per-file indexes into one index of the list, offsets shifted by file starts. */
  private Path combinedIndex(String prefix, int[] counts, List<Written> written)
      throws IOException {
    long[] start = new long[counts.length + 1];
    for (int f = 0; f < counts.length; f++) {
      start[f + 1] = start[f] + Files.size(dir.resolve(prefix + f + ".rec"));
    }
    StringBuilder b = new StringBuilder();
    int k = 0;
    for (Written w : written) {
      b.append(k++).append('\t').append(start[w.file()] + w.offset()).append('\n');
    }
    Path idx = dir.resolve(prefix + "all.idx");
    Files.writeString(idx, b);
    return idx;
  }

  @Test
  void everyRecordIsInExactlyOnePartInOrderForAnyNumberOfParts() {
    int[] cases = {0};
    SeededProperty.check(40, r -> {
      int files = r.nextInt(1, 5);
      int[] counts = new int[files];
      for (int f = 0; f < files; f++) {
        counts[f] = r.nextInt(4) == 0 ? 0 : r.nextInt(1, 15);
      }
      return new Object[] {counts, r.nextLong()};
    }, c -> {
      int[] counts = (int[]) c[0];
      String prefix = "c" + cases[0]++ + "_";
      List<Written> written = write(prefix, counts, new Random((long) c[1]));
      String recs = list(prefix, counts.length, ".rec");
      String paired = list(prefix, counts.length, ".idx");
      String combined = combinedIndex(prefix, counts, written).toString();
      int total = written.size();
      for (int n = 1; n <= 12; n++) {
        List<LocatedRecord> got = new ArrayList<>();
        IndexedSplit split = IndexedSplit.open(recs, paired, CONF);
        IndexedSplit one = IndexedSplit.open(recs, combined, CONF);
        assertThat(split.size()).isEqualTo(total);
        int step = (total + n - 1) / n;
        for (int k = 0; k < n; k++) {
          List<LocatedRecord> part;
          try (IndexedPartReader reader = split.openPart(k, n)) {
            part = all(reader);
          }
          assertThat(part).as("part %d/%d size: dmlc's ceil steps", k, n)
              .hasSize(Math.max(0, Math.min(total, (k + 1) * step) - Math.min(total, k * step)));
          try (IndexedPartReader reader = one.openPart(k, n)) {
            assertThat(all(reader)).as("part %d/%d through one combined index", k, n)
                .isEqualTo(part);
          }
          got.addAll(part);
        }
        assertThat(got).as("all parts of %d, in order", n).hasSize(total);
        for (int i = 0; i < total; i++) {
          Written w = written.get(i);
          assertThat(got.get(i).payload()).as("record %d", i).isEqualTo(w.payload());
          assertThat(got.get(i).fileOffset()).isEqualTo(w.offset());
          assertThat(got.get(i).file()).endsWith(prefix + w.file() + ".rec");
        }
      }
    });
  }

  @Test
  void aShuffledPartHoldsTheSameRecordsInANewOrderEachPass() throws IOException {
    int[] counts = {9, 0, 14, 6};
    List<Written> written = write("s", counts, new Random(3));
    String recs = list("s", 4, ".rec");
    String idxs = list("s", 4, ".idx");
    Set<String> union = new HashSet<>();
    for (int k = 0; k < 3; k++) {
      List<String> plain;
      try (IndexedPartSource s = IndexedPartSource.open(recs, idxs, CONF, k, 3, false, 0)) {
        plain = all(s).stream().map(r -> r.where()).toList();
      }
      try (IndexedPartSource s = IndexedPartSource.open(recs, idxs, CONF, k, 3, true, 11)) {
        List<String> first = all(s).stream().map(r -> r.where()).toList();
        s.reset();
        List<String> second = all(s).stream().map(r -> r.where()).toList();
        assertThat(first).containsExactlyInAnyOrderElementsOf(plain);
        assertThat(second).containsExactlyInAnyOrderElementsOf(plain).isNotEqualTo(first);
      }
      union.addAll(plain);
    }
    assertThat(union).hasSize(written.size());
  }

  @Test
  void anEntryReadsEveryRecordUpToTheNextIndexedOneAsMxnetDoes() throws IOException {
    List<Written> written = write("g", new int[] {5, 4}, new Random(5));
    // index only records 1 and 3 of file 0 and record 2 of file 1
    long[] start = {0, Files.size(dir.resolve("g0.rec"))};
    Path idx = dir.resolve("partial.idx");
    Files.writeString(idx, "a\t" + written.get(3).offset() + "\nb\t" + written.get(1).offset()
        + "\nc\t" + (start[1] + written.get(7).offset()) + "\n");
    IndexedSplit split = IndexedSplit.open(list("g", 2, ".rec"), idx.toString(), CONF);
    List<byte[]> part0;
    List<byte[]> part1;
    try (IndexedPartReader r = split.openPart(0, 2)) {
      part0 = all(r).stream().map(LocatedRecord::payload).toList();
    }
    try (IndexedPartReader r = split.openPart(1, 2)) {
      part1 = all(r).stream().map(LocatedRecord::payload).toList();
    }
    // entries {1, 3} | {7}: 1..2, 3..6 (across the file end), 7..8; record 0 is before them all
    assertThat(part0).containsExactly(written.subList(1, 7).stream().map(Written::payload)
        .toArray(byte[][]::new));
    assertThat(part1).containsExactly(written.get(7).payload(), written.get(8).payload());
  }

  @Test
  void indexesThatDoNotPairWithTheRecordsAreRefusedNamingThem() throws IOException {
    List<Written> written = write("e", new int[] {3, 3, 3}, new Random(7));
    String recs = list("e", 3, ".rec");
    assertThatThrownBy(() -> IndexedSplit.open(recs, list("e", 2, ".idx"), CONF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names 2 files for 3 .rec entries");
    // file 2's index paired with file 0, whose size it overruns
    Files.writeString(dir.resolve("big.idx"), "0\t0\n1\t100000\n");
    String swapped = dir.resolve("big.idx") + ";" + dir.resolve("e1.idx") + ";"
        + dir.resolve("e2.idx");
    assertThatThrownBy(() -> IndexedSplit.open(recs, swapped, CONF))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("big.idx").hasMessageContaining("entry 2")
        .hasMessageContaining("offset 100000").hasMessageContaining("e0.rec");
    Files.writeString(dir.resolve("twice.idx"), "0\t0\n1\t0\n");
    assertThatThrownBy(() -> IndexedSplit.open(list("e", 1, ".rec"),
        dir.resolve("twice.idx").toString(), CONF))
        .isInstanceOf(FormatException.class).hasMessageContaining("listed twice");
    // an aligned offset that is not a record head: reported when read, naming file and index
    long inside = written.get(1).offset() + 4;
    Files.writeString(dir.resolve("off.idx"), "0\t0\n1\t" + inside + "\n",
        StandardCharsets.UTF_8);
    IndexedSplit bad = IndexedSplit.open(list("e", 1, ".rec"),
        dir.resolve("off.idx").toString(), CONF);
    try (IndexedPartReader r = bad.openPart(0, 1)) {
      assertThatThrownBy(() -> all(r)).isInstanceOf(FormatException.class)
          .hasMessageContaining("e0.rec").hasMessageContaining("off.idx")
          .hasMessageContaining("index does not match");
    }
  }

  @Test
  void dumpWithAnIndexListsThePartsRecordsAsTheReaderReadsThem() throws IOException {
    List<Written> written = write("d", new int[] {4, 5}, new Random(9));
    String recs = list("d", 2, ".rec");
    String idxs = list("d", 2, ".idx");
    StringBuilder out = new StringBuilder();
    long n = RecordIODump.dump(recs, idxs, CONF, RecordIODump.Part.parse("1/2"), false, out);
    // 9 entries, step 5: part 1 holds records 5..8, all in file 1
    assertThat(n).isEqualTo(4);
    List<String> lines = out.toString().lines().toList();
    for (int j = 0; j < 4; j++) {
      String[] cols = lines.get(j).split("\t");
      assertThat(cols[0]).isEqualTo(Integer.toString(j));
      assertThat(cols[1]).endsWith("d1.rec");
      assertThat(cols[2]).isEqualTo(Long.toString(written.get(5 + j).offset()));
      assertThat(cols[3]).isEqualTo(Integer.toString(written.get(5 + j).payload().length));
    }
  }
}
