package org.kindling.bench.kvstore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kindling.bench.MachineInfo;
import org.kindling.bench.MarkdownTable;

/**
 * Issue 10's goals as a Markdown section: the server's aggregation throughput for W = 2, 4, 8,
 * 16, 64 workers and arrays of 4 KB to 64 MB next to the memory-copy bandwidth of the same run
 * (goal: at least 50% of it from 1 MB), twice: with one key per worker and round (each push
 * waits for the last one's acknowledgement, so the server idles between rounds) and with {@value
 * #KEYS} keys per worker in flight at once, as a training step pushes a model's keys; and the
 * MLP's step time with {@code dist_device_sync} on
 * {@code local-cluster[2,1,1024]} against a single JVM (goal: at most 1.3x) with its split.
 *
 * <p>Usage: {@code KVStoreBench [work dir] [MB aggregated per cell (default 512)] [MLP steps per
 * epoch (default 60; 0: skip)]}. Cells whose W arrays would exceed 1 GiB of direct memory on
 * the workers' side are left out.
 */
public final class KVStoreBench {
  private static final int[] WORKERS = {2, 4, 8, 16, 64};
  private static final int[] SIZES = {4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20};
  private static final long MAX_IN_FLIGHT = 1L << 30;
  /** Keys per worker and round of the second pair of tables. */
  private static final int KEYS = 4;

  private KVStoreBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "bench/target/kvstore");
    long perCell = (args.length > 1 ? Long.parseLong(args[1]) : 512) << 20;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    System.out.println("- machine: " + MachineInfo.line());
    double copy = AggregationBench.memoryCopyGbPerSecond(64 << 20, 10);
    System.out.printf(Locale.ROOT, "- memory copy (64 MB direct buffer to direct buffer, best of"
        + " 10): %.2f GB/s%n%n", copy);
    aggregationTables(perCell, copy, 1);
    aggregationTables(perCell, copy, KEYS);
    if (steps > 0) {
      DistStepBench.Result r = DistStepBench.run(work.resolve("mlp"), 128, steps);
      System.out.println();
      System.out.printf(Locale.ROOT, "MLP 784-256-128-10, batch 128 per worker, %d steps per"
          + " epoch, epoch 2, one compute thread per JVM:%n%n", steps);
      System.out.printf(Locale.ROOT, "- single JVM (--kvstore local, local[1]): %.1f ms/step%n",
          r.singleMs());
      System.out.printf(Locale.ROOT, "- dist_device_sync on local-cluster[2,1,1024]: %.1f ms/step"
          + " = %.2fx: compute (the single JVM's step) %.1f ms, communication and waiting %.1f"
          + " ms; the server's rounds waited %.1f ms per step summed over the keys (they"
          + " overlap); %.0f bytes pushed per step%n", r.distMs(), r.distMs() / r.singleMs(),
          r.singleMs(), r.distMs() - r.singleMs(), r.waitMs(), r.pushedBytes());
      System.out.printf(Locale.ROOT, "- CPU time per step (the timed epoch, less inflated by"
          + " the machine's load): single JVM %.1f ms; distributed: driver %.1f ms, the two"
          + " executors %.1f ms together%n", r.singleCpuMs(), r.driverCpuMs(), r.executorCpuMs());
    }
  }

  /**
   * The throughput table and the CPU table of every cell with {@code keys} keys of the cell's
   * array size pushed by each worker in every round ({@link AggregationBench#run(int, int, int,
   * int)}).
   */
  private static void aggregationTables(long perCell, double copy, int keys) throws Exception {
    List<String> header = new ArrayList<>(List.of("array"));
    for (int w : WORKERS) {
      header.add("W=" + w);
    }
    MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
    MarkdownTable cpuTable = new MarkdownTable(header.toArray(String[]::new));
    for (int bytes : SIZES) {
      List<String> row = new ArrayList<>(List.of(size(bytes)));
      List<String> cpuRow = new ArrayList<>(List.of(size(bytes)));
      for (int w : WORKERS) {
        long round = (long) w * bytes * keys;
        if (round > MAX_IN_FLIGHT) {
          row.add("-");
          cpuRow.add("-");
          continue;
        }
        int rounds = (int) Math.max(3, Math.min(2000, perCell / round));
        AggregationBench.Cell c = AggregationBench.run(w, bytes * keys, keys, rounds);
        row.add(String.format(Locale.ROOT, "%.2f GB/s (%.0f%%)", c.gbPerSecond(),
            100 * c.gbPerSecond() / copy));
        cpuRow.add(String.format(Locale.ROOT, "%.2f s", c.cpuPerGigabyte()));
        System.err.printf(Locale.ROOT, "W=%d %d x %s: %d rounds in %.2f s, %.2f CPU s%n", w,
            keys, size(bytes), rounds, c.seconds(), c.cpuSeconds());
      }
      table.row(row.toArray(String[]::new));
      cpuTable.row(cpuRow.toArray(String[]::new));
    }
    String what = keys == 1 ? "one key per worker and round, each push waiting for the last"
        + " one's acknowledgement" : keys + " keys of the array's size per worker and round, a"
        + " push of each in flight at once, as a training step pushes a model's keys";
    System.out.println("Aggregation throughput, " + what + " (bytes summed by the server per"
        + " second; % of the memory copy):");
    System.out.println();
    System.out.print(table.render());
    System.out.println();
    System.out.println("CPU time of the bench JVM (workers and server) per GB summed, which the"
        + " machine's load inflates far less than the wall time:");
    System.out.println();
    System.out.print(cpuTable.render());
    System.out.println();
  }

  private static String size(long bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
  }
}
