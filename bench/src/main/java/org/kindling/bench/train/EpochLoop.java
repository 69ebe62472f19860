package org.kindling.bench.train;

import java.util.Locale;

/**
 * The common measurement for mini-batch frameworks: one untimed warm-up epoch, then each timed
 * epoch's samples/s, then test accuracy. Progress goes to standard error so that standard output
 * carries only the table.
 */
public final class EpochLoop {
  private EpochLoop() {}

  /** Runs the epochs of {@code setup} on {@code session} and reports the result. */
  public static TrainResult run(
      String framework, String version, String notes, MinibatchSession session, TrainSetup setup)
      throws Exception {
    Batches train = setup.train();
    int epochs = setup.options().epochs();
    long t0 = System.nanoTime();
    session.trainEpoch(train.order(0));
    progress(framework, "warm-up epoch", train.samplesPerEpoch() / seconds(t0));
    double[] rates = new double[epochs];
    for (int e = 1; e <= epochs; e++) {
      long t = System.nanoTime();
      session.trainEpoch(train.order(e));
      rates[e - 1] = train.samplesPerEpoch() / seconds(t);
      progress(framework, "epoch " + e, rates[e - 1]);
    }
    double acc = session.testAccuracy();
    System.err.printf(Locale.ROOT, "[train] %s: test accuracy %.4f%n", framework, acc);
    return new TrainResult(framework, version, rates, "1 + " + epochs, acc, notes);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void progress(String framework, String what, double rate) {
    System.err.printf(Locale.ROOT, "[train] %s %s: %.0f samples/s%n", framework, what, rate);
  }
}
