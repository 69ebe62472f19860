package org.kindling.bench.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.kindling.bench.Stats;
import org.kindling.io.RecordSource;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;

/**
 * What the training task's shuffle costs against reading its part in file order, on a local file
 * (issue 9, decision 0056): wall time and process CPU per record of one pass of the part in order
 * ({@link PrefetchingRecordSource} over the part reader, the unshuffled path) and shuffled
 * ({@link ShuffledPartSource}: one ranged read per record on its reader threads), and what
 * locating the records costs once per task (opening the shuffled source: from the {@code .idx}, or
 * by the header pass without one). The variants run interleaved, {@value #ROUNDS} rounds after a
 * warm-up round; the table holds medians. The files are in the page cache after the first round,
 * so this is the CPU and per-request overhead of the read paths, not a disk's seek time.
 *
 * <p>usage: {@code ShuffleCost [dir]} (default: a temporary directory)
 */
public final class ShuffleCost {
  private static final int ROUNDS = 7;

  private ShuffleCost() {}

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("shuffle-cost");
    Files.createDirectories(dir.resolve("noidx"));
    System.out.println("| records | read | wall µs/record | CPU µs/record |");
    System.out.println("|---|---|---:|---:|");
    table("60,000 28x28 raw image records", dir, "raw", 60_000, 28 * 28, 28 * 28);
    table("2,000 records of 20-200 KB", dir, "large", 2_000, 20_000, 200_000);
  }

  private static void table(String label, Path dir, String name, int records, int minBytes,
      int maxBytes) throws IOException {
    Path rec = dir.resolve(name + ".rec");
    write(rec, dir.resolve(name + ".idx"), records, minBytes, maxBytes);
    Path bare = dir.resolve("noidx").resolve(name + ".rec");
    Files.copy(rec, bare, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String indexed = rec.toUri().toString();
    String scanned = bare.toUri().toString();
    String[] names = {"in file order (prefetching part reader)",
        "shuffled, a pass (ranged read per record)", "shuffled: locating, from the .idx",
        "shuffled: locating, by the header pass"};
    List<List<double[]>> samples = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      samples.add(new ArrayList<>());
    }
    for (int round = 0; round <= ROUNDS; round++) {
      double[] inOrder = measure(() -> drain(
          new PrefetchingRecordSource(split(indexed).openPart(0, 1))));
      ReadRate.Clock c = ReadRate.start();
      ShuffledPartSource s = ShuffledPartSource.open(split(indexed), 0, 1, round, 0);
      double[] locateIdx = perRecord(c.stop(s.size(), 0));
      double[] shuffled;
      try {
        shuffled = measure(() -> drainOpen(s));
      } finally {
        s.close();
      }
      double[] locateScan = measure(() -> {
        try (ShuffledPartSource t = ShuffledPartSource.open(split(scanned), 0, 1, 1, 0)) {
          return t.size();
        }
      });
      if (round > 0) { // round 0 warms the JIT and the page cache
        samples.get(0).add(inOrder);
        samples.get(1).add(shuffled);
        samples.get(2).add(locateIdx);
        samples.get(3).add(locateScan);
      }
    }
    for (int i = 0; i < names.length; i++) {
      double[] wall = samples.get(i).stream().mapToDouble(v -> v[0]).toArray();
      double[] cpu = samples.get(i).stream().mapToDouble(v -> v[1]).toArray();
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f |%n", label, names[i],
          Stats.median(wall), Stats.median(cpu));
    }
  }

  private interface Pass {
    long run() throws IOException;
  }

  /** Wall and process CPU per record, in µs, of one run of {@code pass}. */
  private static double[] measure(Pass pass) throws IOException {
    ReadRate.Clock c = ReadRate.start();
    long n = pass.run();
    return perRecord(c.stop(n, 0));
  }

  private static double[] perRecord(ReadRate r) {
    return new double[] {r.seconds() * 1e6 / r.records(), r.cpuSeconds() * 1e6 / r.records()};
  }

  private static RecordIOSplit split(String uri) throws IOException {
    return RecordIOSplit.open(uri, new Configuration());
  }

  private static long drain(RecordSource s) throws IOException {
    try (s) {
      return drainOpen(s);
    }
  }

  private static long drainOpen(RecordSource s) throws IOException {
    long n = 0;
    while (s.next() != null) {
      n++;
    }
    return n;
  }

  private static void write(Path rec, Path idx, int records, int minBytes, int maxBytes)
      throws IOException {
    Random r = new Random(11);
    try (OutputStream recOut = Files.newOutputStream(rec);
        OutputStream idxOut = Files.newOutputStream(idx);
        IndexedRecordIOWriter w = new IndexedRecordIOWriter(recOut, idxOut)) {
      for (int i = 0; i < records; i++) {
        byte[] content = new byte[minBytes == maxBytes ? minBytes
            : r.nextInt(minBytes, maxBytes + 1)];
        r.nextBytes(content);
        w.write(i, ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), content));
      }
    }
  }
}
