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
 * <p>Usage: {@code AggregationMain CELLS MB_PER_CELL REPETITIONS IO_THREADS [WORKERS [OP]]},
 * e.g. {@code AggregationMain 2x1M,8x1M,2x16M 256 3 1,2 local,remote pushpull} (W x array size,
 * K or M; OP {@code push}, the default, or {@code pushpull}: every round's sum comes back to
 * each worker, as in training (decision 0046);
 * WORKERS: {@code local}, the default, runs the W workers as threads of this JVM, {@code remote}
 * in a JVM of their own ({@link AggregationBench#runRemote}), so that this JVM's CPU time is the
 * server's alone; a list alternates them like the I/O thread counts).
 */
public final class AggregationMain {
  private AggregationMain() {}

  public static void main(String[] args) throws Exception {
    String[] cells = args[0].split(",");
    long perCell = Long.parseLong(args[1]) << 20;
    int reps = Integer.parseInt(args[2]);
    String[] io = args[3].split(",");
    String[] modes = args.length > 4 ? args[4].split(",") : new String[] {"local"};
    boolean pull = AggregationBench.pushPull(args.length > 5 ? args[5] : "push");
    List<String[]> variants = new ArrayList<>(); // {I/O threads, where the workers run}
    for (String t : io) {
      for (String m : modes) {
        if (!m.equals("local") && !m.equals("remote")) {
          throw new IllegalArgumentException("workers '" + m + "': use local or remote");
        }
        variants.add(new String[] {t, m});
      }
    }
    System.out.println("- machine: " + MachineInfo.line());
    System.out.println("- rounds: " + (pull ? "PUSHPULL (the sum back to every worker)"
        : "PUSH (acknowledged)"));
    int n = cells.length * variants.size();
    double[][] gbs = new double[n][reps];
    double[][] cpu = new double[n][reps];
    double[][] ioCpu = new double[n][reps];
    double[][] workerCpu = new double[n][reps];
    double[][] ofCopy = new double[n][reps];
    double[] copy = new double[reps];
    // one untimed pass over every cell first, so that no cell pays for the JIT
    for (String cell : cells) {
      for (String[] v : variants) {
        run(v, Integer.parseInt(cell.split("x")[0]), parseSize(cell.split("x")[1]), 3, pull);
      }
    }
    for (int r = 0; r < reps; r++) {
      copy[r] = AggregationBench.memoryCopyGbPerSecond(64 << 20, 10);
      for (int c = 0; c < cells.length; c++) {
        int w = Integer.parseInt(cells[c].split("x")[0]);
        int bytes = parseSize(cells[c].split("x")[1]);
        int rounds = (int) Math.max(3, Math.min(2000, perCell / ((long) w * bytes)));
        for (int t = 0; t < variants.size(); t++) {
          // the order of the variants turns every repetition
          int ti = (t + r) % variants.size();
          String[] v = variants.get(ti);
          AggregationBench.Cell cell = run(v, w, bytes, rounds, pull);
          int i = c * variants.size() + ti;
          gbs[i][r] = cell.gbPerSecond();
          cpu[i][r] = cell.cpuPerGigabyte();
          ioCpu[i][r] = cell.serverIoCpuPerGigabyte();
          workerCpu[i][r] = cell.workerCpuPerGigabyte();
          ofCopy[i][r] = cell.gbPerSecond() / copy[r];
          System.err.printf(Locale.ROOT, "rep %d %s io=%s workers=%s: %.2f GB/s (%.0f%% of the"
              + " copy), %.2f CPU s/GB (server I/O %.2f, worker JVM %.2f)%n", r, cells[c], v[0],
              v[1], gbs[i][r], 100 * ofCopy[i][r], cpu[i][r], ioCpu[i][r], workerCpu[i][r]);
        }
      }
    }
    System.out.printf(Locale.ROOT, "- memory copy (64 MB, best of 10, per repetition): %s GB/s%n",
        format(copy));
    System.out.println("- CPU s/GB: the bench JVM's (workers=local: workers and server;"
        + " workers=remote: the server's alone); worker JVM: the workers' own JVM (remote)");
    for (int c = 0; c < cells.length; c++) {
      for (int t = 0; t < variants.size(); t++) {
        int i = c * variants.size() + t;
        String[] v = variants.get(t);
        System.out.printf(Locale.ROOT, "%s io=%s workers=%s: %.2f GB/s [%s], %.0f%% of the copy,"
            + " %.2f CPU s/GB [%s], server I/O %.2f CPU s/GB, worker JVM %.2f CPU s/GB%n",
            cells[c], v[0], v[1], Stats.median(gbs[i]), format(gbs[i]),
            100 * Stats.median(ofCopy[i]), Stats.median(cpu[i]), format(cpu[i]),
            Stats.median(ioCpu[i]), Stats.median(workerCpu[i]));
      }
    }
  }

  /** One cell in variant {@code v} ({I/O threads, local or remote workers}). */
  private static AggregationBench.Cell run(String[] v, int w, int bytes, int rounds,
      boolean pull) throws Exception {
    KVStoreServerConfig.Builder config =
        KVStoreServerConfig.builder().ioThreads(Integer.parseInt(v[0]));
    return v[1].equals("remote")
        ? AggregationBench.runRemote(w, bytes, rounds, Math.max(3, rounds / 10), config, pull)
        : AggregationBench.run(w, bytes, rounds, config, pull);
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
