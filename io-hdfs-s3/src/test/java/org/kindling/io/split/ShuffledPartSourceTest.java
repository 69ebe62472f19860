package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.TestData;
import org.kindling.io.source.ReadOptions;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

/**
 * {@link ShuffledPartSource}: every pass holds exactly the records of the byte-range part (none
 * lost, none repeated), with and without {@code .idx} files, over several files, in record and
 * chunk mode; the order depends on (seed, part, epoch, pass) alone; chunk mode reads about one
 * request per chunk; {@code auto} reads local files by record and other stores by chunk.
 */
class ShuffledPartSourceTest {

  /**
   * A case of {@link PartCountTest} (files, parts, indexes, chunk), a seed, the read settings and
   * the mode: {@code record}, or {@code chunk} with a shuffle chunk of {@code shuffleChunk} bytes
   * (from 1, every record a chunk of its own, to more than the whole data set) and a window.
   */
  record Case(PartCountTest.Case files, long seed, int threads, int ahead, String mode,
      int shuffleChunk, int window, boolean map) {}

  private static Case generate(Random r) {
    return new Case(PartCountTest.generate(r), r.nextLong(), r.nextInt(1, 4),
        new int[] {1, 3, 64}[r.nextInt(3)], r.nextBoolean() ? "record" : "chunk",
        new int[] {1, 40, 200, 1000, 1 << 20}[r.nextInt(5)], new int[] {1, 2, 4, 7}[r.nextInt(4)],
        r.nextBoolean());
  }

  @Test
  void everyPassHoldsExactlyThePartsRecords() {
    SeededProperty.check(80, ShuffledPartSourceTest::generate,
        ShuffledPartSourceTest::passesMatchThePart);
  }

  private static void passesMatchThePart(Case c) throws IOException {
    Path dir = TestData.newTempDir("shuffle");
    try {
      PartCountTest.Case f = c.files();
      List<String> uris = PartCountTest.write(dir, f.files(), f.indexed());
      if (uris.isEmpty()) {
        return;
      }
      Configuration conf = new Configuration();
      conf.setInt(ReadOptions.CHUNK_BYTES_KEY, f.chunkBytes());
      conf.setInt(ShuffledPartSource.THREADS_KEY, c.threads());
      conf.setInt(ShuffledPartSource.AHEAD_KEY, c.ahead());
      conf.set(ShuffledPartSource.MODE_KEY, c.mode());
      conf.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, c.shuffleChunk());
      conf.setInt(ShuffledPartSource.WINDOW_KEY, c.window());
      conf.setBoolean(ShuffledPartSource.MAP_KEY, c.map());
      RecordIOSplit split = RecordIOSplit.open(String.join(";", uris), conf);
      for (int k = 0; k < f.numParts(); k++) {
        List<LocatedRecord> expected = new ArrayList<>();
        try (RecordIOPartReader part = split.openPart(k, f.numParts())) {
          for (LocatedRecord r = part.next(); r != null; r = part.next()) {
            expected.add(r);
          }
        }
        try (ShuffledPartSource s = ShuffledPartSource.open(split, k, f.numParts(), c.seed(),
            0)) {
          assertThat(s.size()).as("size of part %d", k)
              .isEqualTo(split.countRecords(k, f.numParts()).records());
          assertThat(s.mode().name()).isEqualToIgnoringCase(c.mode());
          assertThat(s.mapped()).as("local files by record, mapped unless turned off")
              .isEqualTo(c.map() && s.mode() == ShuffledPartSource.Mode.RECORD);
          if (s.mode() == ShuffledPartSource.Mode.CHUNK && !expected.isEmpty()) {
            assertThat(s.chunkCount()).as("chunks of part %d", k).isBetween(1, expected.size());
            if (c.shuffleChunk() == 1) {
              assertThat(s.chunkCount()).as("every record its own chunk")
                  .isEqualTo(expected.size());
            }
          }
          // pass 0 and 1 (by views) of epoch 0, pass 0 of epoch 1, and a pass left half-read
          for (int pass = 0; pass < 3; pass++) {
            assertThat(sorted(pass == 1 ? readViewPass(s) : readPass(s)))
                .as("pass %d of part %d", pass, k)
                .containsExactlyElementsOf(expected);
            if (pass == 1) {
              s.startEpoch(1);
            }
            s.reset();
          }
          for (int i = 0; i < expected.size() / 2; i++) {
            s.next();
          }
          s.reset();
          assertThat(sorted(readPass(s))).as("after a half-read pass").isEqualTo(expected);
        }
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  private static List<LocatedRecord> readPass(ShuffledPartSource s) throws IOException {
    List<LocatedRecord> out = new ArrayList<>();
    for (LocatedRecord r = s.next(); r != null; r = s.next()) {
      out.add(r);
    }
    assertThat(s.next()).as("still the end").isNull();
    return out;
  }

  /** A pass read by {@link ShuffledPartSource#nextView()}, each view copied before the next. */
  private static List<LocatedRecord> readViewPass(ShuffledPartSource s) throws IOException {
    List<LocatedRecord> out = new ArrayList<>();
    for (org.kindling.io.RecordView v = s.nextView(); v != null; v = s.nextView()) {
      out.add(v.copy());
    }
    assertThat(s.nextView()).as("still the end").isNull();
    return out;
  }

  private static List<LocatedRecord> sorted(List<LocatedRecord> records) {
    List<LocatedRecord> copy = new ArrayList<>(records);
    copy.sort(Comparator.comparingLong(LocatedRecord::globalOffset));
    return copy;
  }

  /** Two files of 40 records each, with or without their {@code .idx}, read by record. */
  private static RecordIOSplit twoFiles(Path dir, boolean indexed) throws IOException {
    return twoFiles(dir, indexed, new Configuration());
  }

  /** Two files of 40 records each, with or without their {@code .idx}, read under conf. */
  private static RecordIOSplit twoFiles(Path dir, boolean indexed, Configuration conf)
      throws IOException {
    List<List<byte[]>> files = new ArrayList<>();
    for (int f = 0; f < 2; f++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        records.add(TestData.ascii("file " + f + " record " + i));
      }
      files.add(records);
    }
    List<String> uris = PartCountTest.write(dir, files, new boolean[] {indexed, indexed});
    return RecordIOSplit.open(String.join(";", uris), conf);
  }

  /** Chunk mode over chunks of about 3 records (32-byte records), mixed 2 chunks at a time. */
  private static Configuration chunked() {
    Configuration conf = new Configuration();
    conf.set(ShuffledPartSource.MODE_KEY, "chunk");
    conf.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, 100);
    conf.setInt(ShuffledPartSource.WINDOW_KEY, 2);
    return conf;
  }

  private static List<Long> order(ShuffledPartSource s) throws IOException {
    return readPass(s).stream().map(LocatedRecord::globalOffset).toList();
  }

  @Test
  void orderIsTheSameForTheSameSeedAndDiffersAcrossEpochsPassesSeedsAndParts()
      throws IOException {
    checkOrders(new Configuration());
  }

  @Test
  void chunkOrderIsTheSameForTheSameSeedAndDiffersAcrossEpochsPassesSeedsAndParts()
      throws IOException {
    checkOrders(chunked());
  }

  private static void checkOrders(Configuration conf) throws IOException {
    Path dir = TestData.newTempDir("shuffle-order");
    try {
      for (boolean indexed : new boolean[] {true, false}) {
        RecordIOSplit split = twoFiles(dir, indexed, conf);
        List<Long> epoch0;
        List<Long> pass1;
        List<Long> epoch1;
        try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 7, 0)) {
          assertThat(s.locatedByIndex()).isEqualTo(indexed);
          assertThat(s.mode().name()).isEqualToIgnoringCase(conf.get(
              ShuffledPartSource.MODE_KEY, "record"));
          epoch0 = order(s);
          s.reset();
          pass1 = order(s);
          s.startEpoch(1);
          s.reset();
          epoch1 = order(s);
        }
        // records of both files are mixed, not file by file
        assertThat(epoch0.subList(0, 40)).anyMatch(o -> o >= split.files().get(1).start());
        assertThat(epoch0).isNotEqualTo(sortedCopy(epoch0));
        assertThat(pass1).isNotEqualTo(epoch0);
        assertThat(epoch1).isNotEqualTo(epoch0).isNotEqualTo(pass1);
        try (ShuffledPartSource again = ShuffledPartSource.open(split, 0, 1, 7, 0);
            ShuffledPartSource resumed = ShuffledPartSource.open(split, 0, 1, 7, 1);
            ShuffledPartSource other = ShuffledPartSource.open(split, 0, 1, 8, 0)) {
          assertThat(order(again)).as("same seed").isEqualTo(epoch0);
          assertThat(order(resumed)).as("a job resumed at epoch 1").isEqualTo(epoch1);
          assertThat(order(other)).as("another seed").isNotEqualTo(epoch0);
        }
        try (ShuffledPartSource p0 = ShuffledPartSource.open(split, 0, 2, 7, 0);
            ShuffledPartSource p1 = ShuffledPartSource.open(split, 1, 2, 7, 0)) {
          // equal-sized parts with the same seed: each part draws its own permutation
          assertThat(positions(p0)).isNotEqualTo(positions(p1));
        }
        TestData.deleteTree(dir);
        Files.createDirectories(dir);
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  private static List<Long> sortedCopy(List<Long> list) {
    return list.stream().sorted().toList();
  }

  /** The order of a pass as ranks of the records in file order. */
  private static List<Integer> positions(ShuffledPartSource s) {
    return java.util.Arrays.stream(s.order()).boxed().toList();
  }

  @Test
  void mappedLocalFilesGiveTheRecordsAndOrderOfRangedReads() throws IOException {
    Path dir = TestData.newTempDir("shuffle-map");
    try {
      for (boolean indexed : new boolean[] {true, false}) {
        Configuration ranged = new Configuration();
        ranged.setBoolean(ShuffledPartSource.MAP_KEY, false);
        RecordIOSplit split = twoFiles(dir, indexed);
        try (ShuffledPartSource mapped = ShuffledPartSource.open(split, 0, 2, 11, 3);
            ShuffledPartSource read = ShuffledPartSource.open(twoFiles(dir, indexed, ranged), 0,
                2, 11, 3)) {
          assertThat(mapped.mapped()).isTrue();
          assertThat(read.mapped()).isFalse();
          for (int pass = 0; pass < 3; pass++) {
            List<LocatedRecord> a = pass == 1 ? readViewPass(mapped) : readPass(mapped);
            assertThat(a).as("pass %d, indexed %s", pass, indexed).isNotEmpty()
                .containsExactlyElementsOf(pass == 2 ? readViewPass(read) : readPass(read));
            mapped.reset();
            read.reset();
          }
        }
        TestData.deleteTree(dir);
        Files.createDirectories(dir);
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  @Test
  void aFileNoLongerOfItsListedLengthIsNotMappedAndItsReadsNameIt() throws IOException {
    Path dir = TestData.newTempDir("shuffle-trunc");
    try {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        records.add(new byte[1000]);
      }
      List<String> uris = PartCountTest.write(dir, List.of(records), new boolean[] {true});
      RecordIOSplit split = RecordIOSplit.open(uris.get(0), new Configuration());
      Path rec = dir.resolve("part-00.rec");
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(rec,
          java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() / 2); // after the listing, before the part is opened
      }
      try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 1, 0)) {
        assertThat(s.locatedByIndex()).isTrue();
        assertThat(s.mapped()).as("a mapping would fault past the file's end").isFalse();
        assertThatThrownBy(() -> readPass(s))
            .isInstanceOf(IOException.class)
            .hasMessageContaining(rec.getFileName().toString());
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  @Test
  void anIndexThatDoesNotMatchItsFileIsReportedNamingItAndTheOffset() throws IOException {
    Path dir = TestData.newTempDir("shuffle-badidx");
    try {
      Path rec = dir.resolve("a.rec");
      TestData.Written w = TestData.write(List.of(new byte[40], new byte[40]));
      Files.write(rec, w.bytes());
      // offset 16 is aligned and inside the file, but in the middle of the first payload
      Files.write(dir.resolve("a.idx"), "0\t0\n1\t16\n".getBytes(StandardCharsets.UTF_8));
      RecordIOSplit split = RecordIOSplit.open(rec.toString(), new Configuration());
      try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 1, 0)) {
        assertThatThrownBy(() -> readPass(s))
            .isInstanceOf(FormatException.class)
            .hasMessageContaining("a.rec at byte offset")
            .hasMessageContaining(".idx")
            .hasMessageContaining("kindling im2rec");
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  @Test
  void autoReadsLocalFilesByRecordAndEveryOtherStoreByChunk() {
    assertThat(ShuffledPartSource.Mode.of("auto", List.of("file")))
        .isEqualTo(ShuffledPartSource.Mode.RECORD);
    assertThat(ShuffledPartSource.Mode.of(null, List.of("file", "FILE")))
        .isEqualTo(ShuffledPartSource.Mode.RECORD);
    for (String scheme : new String[] {"hdfs", "s3", "s3a", "viewfs"}) {
      assertThat(ShuffledPartSource.Mode.of("auto", List.of(scheme))).as(scheme)
          .isEqualTo(ShuffledPartSource.Mode.CHUNK);
      assertThat(ShuffledPartSource.Mode.of("auto", List.of("file", scheme))).as("file+" + scheme)
          .isEqualTo(ShuffledPartSource.Mode.CHUNK);
    }
    assertThat(ShuffledPartSource.Mode.of("record", List.of("s3")))
        .isEqualTo(ShuffledPartSource.Mode.RECORD);
    assertThat(ShuffledPartSource.Mode.of(" Chunk", List.of("file")))
        .isEqualTo(ShuffledPartSource.Mode.CHUNK);
    assertThatThrownBy(() -> ShuffledPartSource.Mode.of("window", List.of("file")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ShuffledPartSource.MODE_KEY)
        .hasMessageContaining("'window'");
  }

  /** The local file system under {@code counting:}, counting its positioned reads. */
  public static final class CountingFileSystem
      extends org.kindling.io.source.InjectingFileSystem {
    static final AtomicInteger READS = new AtomicInteger();

    public CountingFileSystem() {
      super("counting");
    }

    @Override
    protected void beforePositionedRead(long position) {
      READS.incrementAndGet();
    }
  }

  @Test
  void chunkModeReadsAboutOneRequestPerChunkNotPerRecord() throws IOException {
    Path dir = TestData.newTempDir("shuffle-count");
    try {
      Random r = new Random(3);
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        byte[] b = new byte[r.nextInt(50, 250)];
        r.nextBytes(b);
        records.add(b);
      }
      List<String> uris = PartCountTest.write(dir, List.of(records), new boolean[] {true});
      Configuration conf = new Configuration();
      conf.setClass("fs.counting.impl", CountingFileSystem.class,
          org.apache.hadoop.fs.FileSystem.class);
      conf.setBoolean("fs.counting.impl.disable.cache", true);
      int chunk = 16 << 10;
      conf.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, chunk);
      conf.setInt(ShuffledPartSource.WINDOW_KEY, 3);
      String uri = "counting://" + uris.get(0);
      RecordIOSplit split = RecordIOSplit.open(uri, conf);
      for (int k = 0; k < 2; k++) {
        PartRange range = split.partRange(k, 2);
        long partBytes = range.end() - range.begin();
        try (ShuffledPartSource s = ShuffledPartSource.open(split, k, 2, 5, 0)) {
          assertThat(s.mode()).as("auto on counting:").isEqualTo(ShuffledPartSource.Mode.CHUNK);
          assertThat(s.locatedByIndex()).isTrue();
          // chunks are full to within one record of C, except the last
          assertThat((long) s.chunkCount()).as("chunks of part %d", k)
              .isBetween(partBytes / chunk, partBytes / (chunk - 260) + 1);
          // every pass reads its chunks once; while its last window is consumed, the next
          // pass's first window (3 chunks) is read ahead, so it counts in the pass before
          CountingFileSystem.READS.set(0);
          for (int pass = 0; pass < 2; pass++) {
            assertThat(readPass(s)).hasSize((int) s.size());
            s.reset();
          }
          assertThat(CountingFileSystem.READS.get()).as("reads of 2 passes, part %d", k)
              .isBetween(2 * s.chunkCount(), 2 * s.chunkCount() + 3 + 2)
              .isLessThan(2 * (int) s.size() / 50);
        }
      }
      // the counter counts: the same part read by record costs a read per record
      conf.set(ShuffledPartSource.MODE_KEY, "record");
      try (ShuffledPartSource s = ShuffledPartSource.open(RecordIOSplit.open(uri, conf), 0, 2,
          5, 0)) {
        CountingFileSystem.READS.set(0);
        readPass(s);
        assertThat(CountingFileSystem.READS.get()).isGreaterThanOrEqualTo((int) s.size());
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  /** Waits until {@code n} positioned reads were made; fails after a minute without them. */
  private static void awaitReads(int n) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    while (CountingFileSystem.READS.get() < n) {
      assertThat(System.nanoTime()).as("%d reads expected, %d made", n,
          CountingFileSystem.READS.get()).isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  /** A part of {@code n} records of 200-ish bytes on {@code counting:}, in chunks of ~4 KiB. */
  private static RecordIOSplit countedPart(Path dir, int n, int window) throws IOException {
    Random r = new Random(n);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[r.nextInt(150, 250)];
      r.nextBytes(b);
      records.add(b);
    }
    List<String> uris = PartCountTest.write(dir, List.of(records), new boolean[] {true});
    Configuration conf = new Configuration();
    conf.setClass("fs.counting.impl", CountingFileSystem.class,
        org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.counting.impl.disable.cache", true);
    conf.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, 4 << 10);
    conf.setInt(ShuffledPartSource.WINDOW_KEY, window);
    return RecordIOSplit.open("counting://" + uris.get(0), conf);
  }

  @Test
  void theNextPassesFirstWindowIsRequestedBeforeResetAndNotReadAgain() throws Exception {
    Path dir = TestData.newTempDir("shuffle-ahead");
    try {
      RecordIOSplit split = countedPart(dir, 600, 3); // ~30 chunks, windows of 3
      try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 9, 0);
          ShuffledPartSource cold = ShuffledPartSource.open(split, 0, 1, 9, 0)) {
        int chunks = s.chunkCount();
        assertThat(chunks).isGreaterThan(6);
        CountingFileSystem.READS.set(0);
        readPass(s);
        // the pass read to its end and no reset yet: pass 1's first window is requested too
        awaitReads(chunks + 3);
        s.reset();
        List<Long> pass1 = readPass(s).stream().map(LocatedRecord::globalOffset).toList();
        awaitReads(2 * chunks + 3);
        s.startEpoch(4); // not the pass read ahead (pass 2 of epoch 0): dropped, 4/0 read cold
        s.reset();
        List<Long> epoch4 = order(s);
        cold.reset();
        assertThat(order(cold)).as("pass 1 as a source without read-ahead reads it")
            .isEqualTo(pass1);
        try (ShuffledPartSource resumed = ShuffledPartSource.open(split, 0, 1, 9, 4)) {
          assertThat(order(resumed)).as("epoch 4").isEqualTo(epoch4);
        }
      }
      try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 9, 0)) {
        // told 1 pass an epoch: pass 0 of epoch 1 is read ahead, and taken by startEpoch(1)
        s.expectPassesPerEpoch(1);
        CountingFileSystem.READS.set(0);
        readPass(s);
        awaitReads(s.chunkCount() + 3);
        s.startEpoch(1);
        s.reset();
        readPass(s);
        s.close();
        assertThat(CountingFileSystem.READS.get()).as("2 passes, and the 3rd's first window")
            .isBetween(2 * s.chunkCount(), 2 * s.chunkCount() + 3);
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  @Test
  void aLentPassIsTheNextOneAndItsWindowIsNotReadTwice() throws Exception {
    Path dir = TestData.newTempDir("shuffle-lend");
    try {
      RecordIOSplit split = countedPart(dir, 600, 4);
      try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, 9, 0);
          ShuffledPartSource plain = ShuffledPartSource.open(split, 0, 1, 9, 0)) {
        s.expectPassesPerEpoch(1);
        int chunks = s.chunkCount();
        CountingFileSystem.READS.set(0);
        readPass(s);
        // a short last batch borrows 10 records from the pass that starts epoch 1
        s.startEpoch(1);
        s.lendNextPass();
        List<Long> borrowed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          borrowed.add(s.next().globalOffset());
        }
        s.startEpoch(1); // the epoch's reset announces it again: the lent pass restarts
        s.reset();
        List<Long> epoch1 = order(s);
        s.close();
        assertThat(CountingFileSystem.READS.get()).as("2 passes' chunks, 1 window ahead")
            .isBetween(2 * chunks, 2 * chunks + 4);
        assertThat(epoch1.subList(0, 10)).isEqualTo(borrowed);
        readPass(plain);
        plain.startEpoch(1);
        plain.reset();
        assertThat(order(plain)).as("epoch 1 as without lending").isEqualTo(epoch1);
      }
    } finally {
      TestData.deleteTree(dir);
    }
  }

  /**
   * A read-ahead and lending case: mode, shuffle chunk bytes, window, the passes per epoch the
   * source is told to expect, the seed, and the seed of the calls made.
   */
  record AheadCase(String mode, int chunkBytes, int window, int passesPerEpoch, long seed,
      long calls) {}

  @Test
  void readAheadAndLendingStartExactlyThePassesResetDoes() {
    SeededProperty.check(40, r -> new AheadCase(r.nextBoolean() ? "chunk" : "record",
        new int[] {1, 100, 400, 1 << 20}[r.nextInt(4)], r.nextInt(1, 4), r.nextInt(4),
        r.nextLong(), r.nextLong()), ShuffledPartSourceTest::passesAsTheModelSays);
  }

  /**
   * Random calls (reads, resets, startEpoch, withdrawals, lends) against a model of which pass
   * each reset and lend starts; every record handed out must be the one a source that never
   * reads ahead nor lends (opened at the epoch and reset to the pass) has at that position.
   */
  private static void passesAsTheModelSays(AheadCase c) throws IOException {
    Path dir = TestData.newTempDir("shuffle-model");
    try {
      Configuration conf = new Configuration();
      conf.set(ShuffledPartSource.MODE_KEY, c.mode());
      conf.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, c.chunkBytes());
      conf.setInt(ShuffledPartSource.WINDOW_KEY, c.window());
      RecordIOSplit split = twoFiles(dir, true, conf);
      java.util.Map<List<Long>, List<Long>> reference = new java.util.HashMap<>();
      Random r = new Random(c.calls());
      try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, c.seed(), 1)) {
        s.expectPassesPerEpoch(c.passesPerEpoch());
        long epoch = 1;
        long pass = 0;
        long announced = -1;
        boolean lent = false;
        int at = 0;
        for (int call = 0; call < 40; call++) {
          int what = r.nextInt(10);
          String step = "call " + call + " (epoch " + epoch + ", pass " + pass + ")";
          if (what < 4) {
            long e = epoch;
            long p = pass;
            List<Long> expected = reference.computeIfAbsent(List.of(e, p),
                k -> referencePass(split, c.seed(), e, p));
            int n = r.nextInt(expected.size() + 2);
            for (int i = 0; i < n; i++) {
              LocatedRecord got = s.next();
              if (at == expected.size()) {
                assertThat(got).as(step + ": the end").isNull();
              } else {
                assertThat(got).as(step + ": record %d", at).isNotNull();
                assertThat(got.globalOffset()).as(step + ": record %d", at)
                    .isEqualTo(expected.get(at++));
              }
            }
          } else if (what < 6) {
            announced = r.nextInt(4);
            s.startEpoch(announced);
          } else if (what == 6) {
            announced = -1;
            s.withdrawStartEpoch();
          } else {
            boolean lend = what == 9;
            if (lend && lent) {
              s.lendNextPass();
              at = 0;
              continue;
            }
            if (lent && (announced < 0 || (announced == epoch && pass == 0))) {
              lent = false; // the reset restarts the lent pass
              announced = -1;
            } else if (announced >= 0) {
              lent = false;
              epoch = announced;
              pass = 0;
              announced = -1;
            } else {
              lent = false;
              pass++;
            }
            at = 0;
            if (lend) {
              s.lendNextPass();
              lent = true;
            } else {
              s.reset();
            }
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      TestData.deleteTree(dir);
    }
  }

  /** Pass {@code pass} of {@code epoch} read by a fresh source: no read-ahead, no lending. */
  private static List<Long> referencePass(RecordIOSplit split, long seed, long epoch, long pass) {
    try (ShuffledPartSource s = ShuffledPartSource.open(split, 0, 1, seed, epoch)) {
      for (long p = 0; p < pass; p++) {
        s.reset();
      }
      return order(s);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
