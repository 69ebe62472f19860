package org.kindling.bench.score;

import java.util.Locale;
import org.kindling.bench.MavenVersions;
import org.kindling.symbol.zoo.ForwardScore;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.storage.Storage;

/**
 * The child JVM of {@link ScoreBench}: scores every network and batch in one framework (the
 * first of {@code --frameworks}) and prints {@link ScoreLine}s. {@code kindling} and {@code
 * kindling-off} are Kindling with {@code kindling.cpu.accel} {@code auto} and {@code off}; the
 * peers get Kindling's graph and weights ({@link Scorer}), and at each network's first batch
 * their output is compared with Kindling's, so that a row cannot time a different network.
 */
public final class ScoreWorker {
  private ScoreWorker() {}

  /** Exits 0 after the last row (failed rows included), 2 on bad options. */
  public static void main(String[] args) {
    ScoreOptions o;
    try {
      o = ScoreOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String framework = o.frameworks().get(0);
    Blas.coreName(); // loads Kindling's OpenBLAS before any framework's natives
    Scorer peer = null;
    try {
      if (framework.startsWith("kindling")) {
        // before anything binds: the backend and the engine read these once
        System.setProperty(CpuAccel.MODE, framework.equals("kindling") ? "auto" : "off");
        System.setProperty(CpuAccel.THREADS, Integer.toString(o.threads()));
        System.setProperty(ThreadBudget.CORES, Integer.toString(o.threads()));
        print(ScoreLine.format(new ScoreLine.Framework(
            framework.equals("kindling") ? "Kindling, accel auto" : "Kindling, accel off",
            MavenVersions.of("org.kindling", "kindling-symbol-graph"),
            CpuAccel.MODE + "=" + System.getProperty(CpuAccel.MODE)
                + ", " + CpuAccel.THREADS + "=" + o.threads() + ", thread budget "
                + ThreadBudget.fromSystemProperties())));
      } else {
        peer = framework.equals("mxnet") ? new MxnetScorer() : new PytorchScorer(o.threads());
        print(ScoreLine.format(new ScoreLine.Framework(peer.name(), peer.version(),
            peer.notes())));
      }
    } catch (RuntimeException | LinkageError e) {
      e.printStackTrace();
      print(ScoreLine.format(new ScoreLine.Framework(framework, "?", "not available: " + e)));
      System.exit(0);
    }
    for (String network : o.networks()) {
      boolean first = true;
      for (int batch : o.batches()) {
        ScoreLine.Row row = peer == null ? kindling(network, batch, o) : peer(peer, network,
            batch, first, o);
        first = false;
        print(ScoreLine.format(row));
        if (row.imagesPerSecond() == null || batch / row.imagesPerSecond() > o.maxSeconds()) {
          break; // larger batches would take longer still, or fail alike
        }
      }
    }
    // frameworks may leave non-daemon threads behind: end here
    System.exit(0);
  }

  private static void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static ScoreLine.Row kindling(String network, int batch, ScoreOptions o) {
    try (ForwardScore s = new ForwardScore(network, batch, o.seed())) {
      return progress(new ScoreLine.Row(network, batch,
          s.imagesPerSecond(o.warmup(), o.warmupSeconds(), o.iterations(), o.timedSeconds()),
          splitNote(batch, s.passBatch())));
    } catch (RuntimeException | OutOfMemoryError e) {
      e.printStackTrace();
      return new ScoreLine.Row(network, batch, null, "failed: " + e);
    }
  }

  /**
   * How a pass ran where the whole batch is not one forward call ({@link
   * ForwardScore#passBatch()}: VGG at batch 256), else empty.
   */
  static String splitNote(int batch, int passBatch) {
    return passBatch == batch ? ""
        : String.format(Locale.ROOT, "a pass is %d forward calls of %d images (an output of the"
            + " whole batch would pass one Kindling array's %s)", batch / passBatch, passBatch,
            Storage.human(Storage.MAX_ARRAY_BYTES));
  }

  private static ScoreLine.Row peer(Scorer peer, String network, int batch, boolean check,
      ScoreOptions o) {
    try {
      ForwardScore reference = new ForwardScore(network, batch, o.seed());
      PeerNet net;
      String note = "";
      try {
        net = peer.open(reference);
        if (check) {
          reference.forwardOnce();
          note = agreement(reference.output(), net.forward());
        }
      } finally {
        reference.close(); // Kindling's copy is not needed while the peer is timed
        // and its memory goes back to the system rather than stay in Kindling's pool beside
        // the peer's own arrays: VGG-16's reference at batch 128 is some 5 GiB (2.6 GiB in use
        // at 64, docs/benchmarks.md), and with MXNet's the process passed 9 GiB resident
        Engines.get().waitAll();
        Storage.get().trim();
      }
      try (net) {
        return progress(new ScoreLine.Row(network, batch,
            ForwardScore.imagesPerSecond(net::forward, batch, o.warmup(),
                o.warmupSeconds(), o.iterations(), o.timedSeconds()), note));
      }
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      e.printStackTrace();
      return new ScoreLine.Row(network, batch, null, "failed: " + e.getMessage());
    }
  }

  /**
   * How far the peer's output is from Kindling's on the same input, relative to its size; with a
   * warning, also on standard error, when Kindling's output is constant (every class the same
   * probability: the random weights let no trace of the input through, so any framework gives
   * that output and the comparison proves nothing).
   */
  static String agreement(float[] kindling, float[] peer) {
    if (kindling.length != peer.length) {
      return "output has " + peer.length + " values, Kindling's " + kindling.length;
    }
    double diff = 0;
    double scale = 0;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < peer.length; i++) {
      diff = Math.max(diff, Math.abs((double) kindling[i] - peer[i]));
      scale = Math.max(scale, Math.abs(kindling[i]));
      lowest = Math.min(lowest, kindling[i]);
      highest = Math.max(highest, kindling[i]);
    }
    String note = String.format(Locale.ROOT,
        "output vs Kindling's: max |diff| / max |value| %.1e", diff / scale);
    if (highest - lowest <= CONSTANT * scale) {
      String warning = String.format(Locale.ROOT, "WARNING: Kindling's output is constant "
          + "(every value %.6g): the comparison proves nothing", highest);
      System.err.println("[score] " + warning);
      note += "; " + warning;
    }
    return note;
  }

  /** Spread of an output, relative to its largest value, below which it counts as constant. */
  static final double CONSTANT = 1e-6;

  private static ScoreLine.Row progress(ScoreLine.Row r) {
    System.err.printf(Locale.ROOT, "[score] %s batch %d: %.2f images/s%n", r.network(),
        r.batch(), r.imagesPerSecond());
    return r;
  }
}
