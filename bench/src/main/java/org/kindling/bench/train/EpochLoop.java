package org.kindling.bench.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * The common measurement for mini-batch frameworks: one untimed warm-up epoch, then each timed
 * epoch's samples/s, then test accuracy. Progress goes to standard error so that standard output
 * carries only the table.
 */
public final class EpochLoop {
  /**
   * Test images per inference call: the whole test set at once would need gigabytes of LeNet
   * activations (and DL4J's im2col buffers), so every framework scores it in chunks.
   */
  static final int TEST_CHUNK = 1000;

  private EpochLoop() {}

  /** Runs the epochs of {@code setup} on {@code session} and reports the result. */
  public static TrainResult run(
      String framework, String version, String notes, MinibatchSession session, TrainSetup setup)
      throws Exception {
    Batches train = setup.train();
    int epochs = setup.options().epochs();
    String what = framework + " " + setup.network().id();
    long t0 = System.nanoTime();
    session.trainEpoch(train.order(0));
    progress(what, "warm-up epoch", train.samplesPerEpoch() / seconds(t0));
    double[] rates = new double[epochs];
    for (int e = 1; e <= epochs; e++) {
      long t = System.nanoTime();
      session.trainEpoch(train.order(e));
      rates[e - 1] = train.samplesPerEpoch() / seconds(t);
      progress(what, "epoch " + e, rates[e - 1]);
    }
    double acc = testAccuracy(session, setup.test());
    System.err.printf(Locale.ROOT, "[train] %s: test accuracy %.4f%n", what, acc);
    return new TrainResult(framework, version, rates, "1 + " + epochs, acc,
        parameters(session.parameterCount()) + ", " + notes);
  }

  /** Fraction of {@code test} that {@code session} classifies correctly, in chunks. */
  static double testAccuracy(MinibatchSession session, FashionMnist test) throws Exception {
    int f = FashionMnist.FEATURES;
    long correct = 0;
    for (int from = 0; from < test.count(); from += TEST_CHUNK) {
      int n = Math.min(TEST_CHUNK, test.count() - from);
      float[] pixels = Arrays.copyOfRange(test.images(), from * f, (from + n) * f);
      int[] labels = Arrays.copyOfRange(test.labels(), from, from + n);
      correct += Batches.correct(session.predict(pixels, n), labels, FashionMnist.CLASSES);
    }
    return (double) correct / test.count();
  }

  /** How a row's notes give the parameter count, e.g. {@code 431,080 parameters}. */
  static String parameters(long count) {
    return String.format(Locale.ROOT, "%,d parameters", count);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void progress(String what, String epoch, double rate) {
    System.err.printf(Locale.ROOT, "[train] %s %s: %.0f samples/s%n", what, epoch, rate);
  }
}
