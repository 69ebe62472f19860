package org.kindling.bench.score;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Arrays;
import java.util.Locale;
import org.kindling.symbol.zoo.ForwardScore;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.op.CpuAccel;

/**
 * The cost of one Kindling forward pass in wall time and in the process's CPU time, for
 * before/after pairs of two builds on a shared machine, where CPU time per pass is steadier than
 * wall time (other processes delay a pass but do not add to its CPU time; oneDNN's OpenMP
 * threads wait passively, decision 0039, so idle waits are not counted either). Linux, 64-bit.
 *
 * <p>{@code java -cp ... org.kindling.bench.score.PassCost NETWORK BATCH WARMUP_SECONDS PASSES
 * ROUNDS [THREADS]} warms up, then prints one line per round of {@code PASSES} passes (wall ms
 * and CPU ms per pass) and a last line of the medians: {@code median<TAB>wall<TAB>cpu}.
 */
public final class PassCost {
  private PassCost() {}

  public static void main(String[] args) {
    String network = args[0];
    int batch = Integer.parseInt(args[1]);
    double warmupSeconds = Double.parseDouble(args[2]);
    int passes = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    System.setProperty(CpuAccel.THREADS, Integer.toString(threads));
    System.setProperty(ThreadBudget.CORES, Integer.toString(threads));
    LibC libc = Native.load("c", LibC.class);
    double[] wall = new double[rounds];
    double[] cpu = new double[rounds];
    try (ForwardScore s = new ForwardScore(network, batch, 0)) {
      s.warmUp(5, warmupSeconds);
      for (int r = 0; r < rounds; r++) {
        long c0 = cpuNanos(libc);
        long t0 = System.nanoTime();
        for (int i = 0; i < passes; i++) {
          s.forwardOnce();
        }
        wall[r] = (System.nanoTime() - t0) / 1e6 / passes;
        cpu[r] = (cpuNanos(libc) - c0) / 1e6 / passes;
        System.out.printf(Locale.ROOT, "round\t%d\t%.3f\t%.3f%n", r, wall[r], cpu[r]);
      }
    }
    System.out.printf(Locale.ROOT, "median\t%.3f\t%.3f%n", median(wall), median(cpu));
    System.exit(0);
  }

  /**
   * {@code clock_gettime} (the JVM's process CPU time counts in 10 ms steps on Linux) and
   * {@code gettid}.
   */
  interface LibC extends Library {
    int clock_gettime(int clock, long[] ts);

    /** The calling thread's id ({@link FcLayerCost} leaves it out of the other threads). */
    int gettid();
  }

  /** The process's CPU time ({@code CLOCK_PROCESS_CPUTIME_ID}) in nanoseconds. */
  private static long cpuNanos(LibC libc) {
    long[] ts = new long[2];
    libc.clock_gettime(2, ts);
    return ts[0] * 1_000_000_000L + ts[1];
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
