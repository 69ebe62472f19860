package org.kindling.bench.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.RecordSource;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.engine.Engines;

/**
 * What the one copy of a record costs where a training task's records cross from the prefetch
 * thread to the training thread ({@link PrefetchingRecordSource}), next to what the task does
 * with the record: process CPU per record (best of {@value #PASSES} passes after a warm-up pass)
 * of a part reader handing out views (no copy), of the same reader copying each record out
 * ({@code next()}, the copy the prefetching source makes), of the prefetching source itself, and,
 * for 28x28 raw records, of the training task's whole reading stack ({@link RawImageRecordIter}
 * over the prefetching source, batches of {@value #BATCH}) without the training.
 */
final class RecordCopyCost {
  private static final int PASSES = 5;
  private static final int BATCH = 64;
  private static final int RAW_RECORDS = 60_000;
  /** Reads of the file per measurement: one read takes tens of milliseconds. */
  private static final int REPEAT = 8;

  private RecordCopyCost() {}

  /**
   * Prints the table: a file of 28x28 raw records written into {@code dir}, and {@code
   * imageSized}, the throughput rows' file.
   */
  static void run(Path dir, Path imageSized) throws IOException {
    Path raw = LenetLatency.writeRaw28(dir.resolve("raw28.rec"), RAW_RECORDS);
    System.out.println("The record copy of the training task's reader (PrefetchingRecordSource):"
        + " process CPU per record, best of " + PASSES + " passes of " + REPEAT + " reads, local"
        + " file, default read options:");
    System.out.println();
    System.out.println("| records | views (no copy) µs | copied (next) µs | prefetching source µs"
        + " | reading stack with batches µs | copy / stack |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    row("60,000 28x28 raw image records", raw, true);
    row("the 20-200 KB records above", imageSized, false);
  }

  private static void row(String label, Path rec, boolean batches) throws IOException {
    String uri = rec.toUri().toString();
    double views = best(() -> drain(split(uri).openPart(0, 1), true));
    double copied = best(() -> drain(split(uri).openPart(0, 1), false));
    double prefetched = best(() -> drain(new PrefetchingRecordSource(split(uri).openPart(0, 1)),
        false));
    double stack = batches ? best(() -> batches(uri)) : Double.NaN;
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %s | %s |%n", label, views,
        copied, prefetched, batches ? String.format(Locale.ROOT, "%.2f", stack) : "-",
        batches ? String.format(Locale.ROOT, "%.1f%%", 100 * (copied - views) / stack) : "-");
  }

  private interface Pass {
    /** Runs one pass; returns the records read. */
    long run() throws IOException;
  }

  /**
   * The least process CPU per record, in µs, over the passes (each {@value #REPEAT} reads) after
   * a warm-up pass.
   */
  private static double best(Pass pass) throws IOException {
    double best = Double.MAX_VALUE;
    for (int p = 0; p <= PASSES; p++) {
      long cpu0 = ReadRate.processCpuNanos();
      long records = 0;
      for (int k = 0; k < REPEAT; k++) {
        records += pass.run();
      }
      double us = (ReadRate.processCpuNanos() - cpu0) / 1e3 / records;
      if (p > 0) {
        best = Math.min(best, us);
      }
    }
    return best;
  }

  private static RecordIOSplit split(String uri) throws IOException {
    return RecordIOSplit.open(uri, new Configuration());
  }

  private static long drain(RecordSource source, boolean views) throws IOException {
    long n = 0;
    try (source) {
      while ((views ? source.nextView() : source.next()) != null) {
        n++;
      }
    }
    return n;
  }

  /** The training task's reader: raw pixels scaled into batches on the consumer's thread. */
  private static long batches(String uri) throws IOException {
    long n = 0;
    try (DataIter data = RawImageRecordIter.builder(new PrefetchingRecordSource(
        split(uri).openPart(0, 1)), Shape.of(1, 28, 28), BATCH).scale(1f / 255).build()) {
      for (DataBatch next = data.next(); next != null; next = data.next()) {
        try (DataBatch b = next) {
          n += BATCH - b.pad();
        }
      }
      Engines.get().waitAll();
    }
    return n;
  }
}
