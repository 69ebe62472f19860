package org.kindling.bench.kvstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kindling.bench.MachineInfo;
import org.kindling.bench.Stats;
import org.kindling.kvstore.KVStoreServerConfig;

/**
 * Chosen cells of {@link KVStoreBench}'s aggregation table, repeated, for before/after runs of
 * two builds (run alternately, one JVM each) and for comparing the server's I/O thread counts
 * within one JVM (alternating per repetition). After one untimed pass over every cell (so that
 * no cell pays for the JIT), one line per cell and I/O thread count with the medians of wall
 * GB/s, CPU seconds per GB summed (the whole JVM: workers and server) and the server's I/O
 * threads' share of them, and the memory copy measured before each repetition.
 *
 * <p>Usage: {@code AggregationMain CELLS MB_PER_CELL REPETITIONS IO_THREADS}, e.g. {@code
 * AggregationMain 2x1M,8x1M,2x16M 256 3 1,2} (W x array size, K or M).
 */
public final class AggregationMain {
  private AggregationMain() {}

  public static void main(String[] args) throws Exception {
    String[] cells = args[0].split(",");
    long perCell = Long.parseLong(args[1]) << 20;
    int reps = Integer.parseInt(args[2]);
    String[] io = args[3].split(",");
    System.out.println("- machine: " + MachineInfo.line());
    int n = cells.length * io.length;
    double[][] gbs = new double[n][reps];
    double[][] cpu = new double[n][reps];
    double[][] ioCpu = new double[n][reps];
    double[] copy = new double[reps];
    // one untimed pass over every cell first, so that no cell pays for the JIT
    for (String cell : cells) {
      for (String t : io) {
        AggregationBench.run(Integer.parseInt(cell.split("x")[0]),
            parseSize(cell.split("x")[1]), 3,
            KVStoreServerConfig.builder().ioThreads(Integer.parseInt(t)));
      }
    }
    for (int r = 0; r < reps; r++) {
      copy[r] = AggregationBench.memoryCopyGbPerSecond(64 << 20, 10);
      for (int c = 0; c < cells.length; c++) {
        int w = Integer.parseInt(cells[c].split("x")[0]);
        int bytes = parseSize(cells[c].split("x")[1]);
        int rounds = (int) Math.max(3, Math.min(2000, perCell / ((long) w * bytes)));
        for (int t = 0; t < io.length; t++) {
          // the order of the I/O thread counts turns every repetition
          int ti = (t + r) % io.length;
          AggregationBench.Cell cell = AggregationBench.run(w, bytes, rounds,
              KVStoreServerConfig.builder().ioThreads(Integer.parseInt(io[ti])));
          int i = c * io.length + ti;
          gbs[i][r] = cell.gbPerSecond();
          cpu[i][r] = cell.cpuPerGigabyte();
          ioCpu[i][r] = cell.serverIoCpuPerGigabyte();
          System.err.printf(Locale.ROOT, "rep %d %s io=%s: %.2f GB/s, %.2f CPU s/GB (server I/O"
              + " %.2f)%n", r, cells[c], io[ti], gbs[i][r], cpu[i][r], ioCpu[i][r]);
        }
      }
    }
    System.out.printf(Locale.ROOT, "- memory copy (64 MB, best of 10, per repetition): %s GB/s%n",
        format(copy));
    for (int c = 0; c < cells.length; c++) {
      for (int t = 0; t < io.length; t++) {
        int i = c * io.length + t;
        System.out.printf(Locale.ROOT, "%s io=%s: %.2f GB/s [%s], %.2f CPU s/GB [%s], server I/O"
            + " %.2f CPU s/GB%n", cells[c], io[t], Stats.median(gbs[i]), format(gbs[i]),
            Stats.median(cpu[i]), format(cpu[i]), Stats.median(ioCpu[i]));
      }
    }
  }

  private static String format(double[] values) {
    List<String> s = new ArrayList<>();
    for (double v : values) {
      s.add(String.format(Locale.ROOT, "%.2f", v));
    }
    return String.join(" ", s);
  }

  private static int parseSize(String s) {
    int unit = s.endsWith("M") ? 1 << 20 : s.endsWith("K") ? 1 << 10 : 1;
    return Integer.parseInt(s.replaceAll("[KM]$", "")) * unit;
  }
}
