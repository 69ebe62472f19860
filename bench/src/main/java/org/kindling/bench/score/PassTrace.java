package org.kindling.bench.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.kindling.symbol.zoo.ForwardScore;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.profile.Profiler;

/**
 * Where a Kindling forward pass waits between its engine operations: warms up, then records
 * {@code PASSES} passes with {@link Profiler} and prints, per position of an engine operation in
 * the pass, the gap from the previous operation's end to its start (minimum and median over the
 * passes, microseconds), how often it ran on another thread than the operation before it, and
 * per pass the wall from the pass's call to its last operation's end.
 *
 * <p>{@code java -cp ... org.kindling.bench.score.PassTrace NETWORK BATCH WARMUP_SECONDS PASSES
 * [THREADS]}. The profiler's own cost (one event object per operation and per oneDNN call) is
 * in the gaps; compare gaps of two builds with the same tool, not with oneDNN's verbose times.
 */
public final class PassTrace {
  private PassTrace() {}

  public static void main(String[] args) {
    String network = args[0];
    int batch = Integer.parseInt(args[1]);
    double warmupSeconds = Double.parseDouble(args[2]);
    int passes = Integer.parseInt(args[3]);
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    System.setProperty(CpuAccel.THREADS, Integer.toString(threads));
    System.setProperty(ThreadBudget.CORES, Integer.toString(threads));
    long[] calls = new long[passes];
    long[] ends = new long[passes];
    List<Profiler.Event> events;
    try (ForwardScore s = new ForwardScore(network, batch, 0)) {
      s.warmUp(5, warmupSeconds);
      Profiler.clear();
      Profiler.start();
      for (int i = 0; i < passes; i++) {
        calls[i] = System.nanoTime();
        s.forwardOnce();
        ends[i] = System.nanoTime();
      }
      Profiler.stop();
      events = Profiler.events();
    }
    List<List<Profiler.Event>> perPass = new ArrayList<>();
    for (int i = 0; i < passes; i++) {
      List<Profiler.Event> ops = new ArrayList<>();
      for (Profiler.Event e : events) {
        if (e.category().equals(Profiler.ENGINE) && e.startNanos() >= calls[i]
            && e.endNanos() <= ends[i]) {
          ops.add(e);
        }
      }
      ops.sort(Comparator.comparingLong(Profiler.Event::startNanos));
      perPass.add(ops);
    }
    int n = perPass.get(0).size();
    System.out.printf(Locale.ROOT, "engine operations per pass: %s%n",
        Arrays.toString(perPass.stream().mapToInt(List::size).toArray()));
    double[] firstGap = new double[passes];
    double[] sumGaps = new double[passes];
    double[] lastToReturn = new double[passes];
    double[] switches = new double[passes];
    double[] threadsUsed = new double[passes];
    for (int i = 0; i < passes; i++) {
      List<Profiler.Event> ops = perPass.get(i);
      firstGap[i] = (ops.get(0).startNanos() - calls[i]) / 1e3;
      lastToReturn[i] = (ends[i] - ops.get(ops.size() - 1).endNanos()) / 1e3;
      for (int k = 1; k < ops.size(); k++) {
        sumGaps[i] += Math.max(0, ops.get(k).startNanos() - ops.get(k - 1).endNanos()) / 1e3;
        if (ops.get(k).threadId() != ops.get(k - 1).threadId()) {
          switches[i]++;
        }
      }
      threadsUsed[i] = ops.stream().mapToLong(Profiler.Event::threadId).distinct().count();
    }
    StringBuilder firsts = new StringBuilder();
    int newThread = 0;
    for (int i = 0; i < passes; i++) {
      long first = perPass.get(i).get(0).threadId();
      firsts.append(first).append(' ');
      if (i > 0) {
        List<Profiler.Event> before = perPass.get(i - 1);
        if (before.get(before.size() - 1).threadId() != first) {
          newThread++;
        }
      }
    }
    System.out.printf(Locale.ROOT, "first operation's thread per pass: %s(%d of %d passes start"
        + " on another thread than the pass before ended)%n", firsts, newThread, passes - 1);
    System.out.printf(Locale.ROOT, "median per pass: call to first op %.1f us, gaps between ops"
        + " %.1f us, last op to return %.1f us, thread changes %.1f, threads %.1f%n",
        median(firstGap), median(sumGaps), median(lastToReturn), median(switches),
        median(threadsUsed));
    boolean same = perPass.stream().allMatch(p -> p.size() == n);
    if (!same) {
      return;
    }
    for (int k = 0; k < n; k++) {
      double[] gap = new double[passes];
      double[] dur = new double[passes];
      double[] inDnnl = new double[passes];
      int moved = 0;
      for (int i = 0; i < passes; i++) {
        List<Profiler.Event> ops = perPass.get(i);
        Profiler.Event e = ops.get(k);
        gap[i] = k == 0 ? (e.startNanos() - calls[i]) / 1e3
            : (e.startNanos() - ops.get(k - 1).endNanos()) / 1e3;
        dur[i] = e.nanos() / 1e3;
        for (Profiler.Event d : events) {
          if (d.category().equals(Profiler.DNNL) && d.threadId() == e.threadId()
              && d.startNanos() >= e.startNanos() && d.endNanos() <= e.endNanos()) {
            inDnnl[i] += d.nanos() / 1e3;
          }
        }
        if (k > 0 && e.threadId() != ops.get(k - 1).threadId()) {
          moved++;
        }
      }
      System.out.printf(Locale.ROOT, "%d\t%s\tgap min %.1f median %.1f us\trun median %.1f us"
          + "\tof it oneDNN %.1f us\tthread changed in %d of %d%n", k, perPass.get(0).get(k).name(),
          min(gap), median(gap), median(dur), median(inDnnl), moved, passes);
    }
    System.exit(0);
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
