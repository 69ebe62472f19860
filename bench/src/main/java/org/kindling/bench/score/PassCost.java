package org.kindling.bench.score;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Arrays;
import java.util.Locale;
import org.kindling.symbol.zoo.ForwardScore;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.CpuAccel;

/**
 * The cost of one Kindling forward pass in wall time and in the process's CPU time, for
 * before/after pairs of two builds on a shared machine, where CPU time per pass is steadier than
 * wall time (other processes delay a pass but do not add to its CPU time; oneDNN's OpenMP
 * threads wait passively, decision 0039, so idle waits are not counted either). Linux, 64-bit.
 *
 * <p>{@code java -cp ... org.kindling.bench.score.PassCost NETWORK BATCH WARMUP_SECONDS PASSES
 * ROUNDS [THREADS [FRAMEWORK]]} warms up, then prints one line per round of {@code PASSES}
 * passes (wall ms and CPU ms per pass, and the voluntary context switches of the process's
 * threads per pass: how often a thread went to sleep, e.g. an OpenMP thread waiting passively
 * between two calls) and a last line of the medians: {@code median<TAB>wall<TAB>cpu<TAB>sleeps}. {@code FRAMEWORK} {@code kindling} (default) or {@code mxnet}: MXNet
 * 1.9.1 + MKL-DNN on Kindling's graph and weights ({@link MxnetScorer}); its OpenMP threads
 * follow {@code OMP_NUM_THREADS} and, for CPU time that counts work and not spinning, should run
 * with {@code OMP_WAIT_POLICY=passive} as Kindling's do (decision 0039). With
 * {@code -Dpasscost.threads=true} it also prints, per thread, its sleeps, preemptions and CPU ms
 * per pass over the timed rounds.
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
    String framework = args.length > 6 ? args[6] : "kindling";
    LibC libc = Native.load("c", LibC.class);
    double[] wall = new double[rounds];
    double[] cpu = new double[rounds];
    double[] sleeps = new double[rounds];
    if (framework.equals("mxnet")) {
      Blas.coreName(); // Kindling's OpenBLAS before MXNet's natives, as ScoreWorker
      PeerNet net;
      try (ForwardScore reference = new ForwardScore(network, batch, 0)) {
        net = new MxnetScorer().open(reference);
      } catch (Exception e) {
        throw new IllegalStateException("MXNet did not load " + network + ": " + e, e);
      }
      try (net) {
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 5 || System.nanoTime() < end; i++) {
          net.forward();
        }
        rounds(net::forward, libc, passes, wall, cpu, sleeps);
      }
    } else {
      try (ForwardScore s = new ForwardScore(network, batch, 0)) {
        s.warmUp(5, warmupSeconds);
        rounds(s::forwardOnce, libc, passes, wall, cpu, sleeps);
      }
    }
    System.out.printf(Locale.ROOT, "median\t%.3f\t%.3f\t%.1f%n", median(wall), median(cpu),
        median(sleeps));
    System.exit(0);
  }

  /**
   * Each round: {@code passes} calls of {@code pass}; wall and process CPU ms per pass, and
   * voluntary context switches per pass.
   */
  private static void rounds(Runnable pass, LibC libc, int passes, double[] wall, double[] cpu,
      double[] sleeps) {
    java.util.Map<String, long[]> before = perThread();
    for (int r = 0; r < wall.length; r++) {
      long s0 = voluntarySwitches();
      long c0 = cpuNanos(libc);
      long t0 = System.nanoTime();
      for (int i = 0; i < passes; i++) {
        pass.run();
      }
      wall[r] = (System.nanoTime() - t0) / 1e6 / passes;
      cpu[r] = (cpuNanos(libc) - c0) / 1e6 / passes;
      sleeps[r] = (double) (voluntarySwitches() - s0) / passes;
      System.out.printf(Locale.ROOT, "round\t%d\t%.3f\t%.3f\t%.1f%n", r, wall[r], cpu[r],
          sleeps[r]);
    }
    if (Boolean.getBoolean("passcost.threads")) {
      double all = (double) passes * wall.length;
      for (java.util.Map.Entry<String, long[]> e : perThread().entrySet()) {
        long[] b = before.getOrDefault(e.getKey(), new long[3]);
        long[] a = e.getValue();
        if (a[0] - b[0] + a[1] - b[1] > 0) {
          System.out.printf(Locale.ROOT, "thread\t%s\t%.2f sleeps\t%.2f preempted\t%.3f cpu ms"
              + " per pass%n", e.getKey(), (a[0] - b[0]) / all, (a[1] - b[1]) / all,
              (a[2] - b[2]) / 1e6 / all);
        }
      }
    }
  }

  /**
   * Per thread ({@code tid name}): voluntary and involuntary context switches and CPU ns
   * ({@code /proc/self/task/TID/status} and {@code schedstat}).
   */
  private static java.util.Map<String, long[]> perThread() {
    java.util.Map<String, long[]> m = new java.util.TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return m;
    }
    for (java.io.File t : tasks) {
      try {
        long[] v = new long[3];
        String name = "?";
        for (String line : java.nio.file.Files.readAllLines(t.toPath().resolve("status"))) {
          if (line.startsWith("Name:")) {
            name = line.substring(5).trim();
          } else if (line.startsWith("voluntary_ctxt_switches:")) {
            v[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
            v[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          }
        }
        v[2] = Long.parseLong(java.nio.file.Files.readString(t.toPath().resolve("schedstat"))
            .trim().split(" ")[0]);
        m.put(t.getName() + " " + name, v);
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended meanwhile
      }
    }
    return m;
  }

  /** The sum of {@code voluntary_ctxt_switches} over the process's threads (Linux). */
  private static long voluntarySwitches() {
    long n = 0;
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return 0;
    }
    for (java.io.File t : tasks) {
      try {
        for (String line : java.nio.file.Files.readAllLines(t.toPath().resolve("status"))) {
          if (line.startsWith("voluntary_ctxt_switches:")) {
            n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended meanwhile
      }
    }
    return n;
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
