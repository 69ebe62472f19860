package org.kindling.bench.train;

import java.util.Random;

/**
 * The training set cut into full mini-batches once: samples are shuffled with a fixed seed, the
 * remainder that does not fill a batch is dropped, and each epoch visits the batches in its own
 * seeded order. Every framework stages exactly these batches, so all see the same data in the
 * same order.
 */
public final class Batches {
  private final float[][] features;
  private final int[][] labels;
  private final int batchSize;
  private final long seed;

  private Batches(float[][] features, int[][] labels, int batchSize, long seed) {
    this.features = features;
    this.labels = labels;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /**
   * Cuts {@code data} into {@code floor(count / batchSize)} batches after a seeded shuffle.
   *
   * @throws IllegalArgumentException if {@code batchSize < 1} or the data holds less than one
   *     batch
   */
  public static Batches of(FashionMnist data, int batchSize, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    int n = data.count() / batchSize;
    if (n == 0) {
      throw new IllegalArgumentException(
          data.count() + " training samples do not fill one batch of " + batchSize);
    }
    int[] perm = permutation(data.count(), new Random(seed));
    int f = FashionMnist.FEATURES;
    float[][] x = new float[n][batchSize * f];
    int[][] y = new int[n][batchSize];
    for (int b = 0; b < n; b++) {
      for (int r = 0; r < batchSize; r++) {
        int s = perm[b * batchSize + r];
        System.arraycopy(data.images(), s * f, x[b], r * f, f);
        y[b][r] = data.labels()[s];
      }
    }
    return new Batches(x, y, batchSize, seed);
  }

  /** Number of batches per epoch. */
  public int count() {
    return features.length;
  }

  /** Samples per batch. */
  public int batchSize() {
    return batchSize;
  }

  /** Samples per epoch ({@code count() * batchSize()}). */
  public long samplesPerEpoch() {
    return (long) count() * batchSize;
  }

  /** Batch {@code i}'s pixels, {@code batchSize x 784} row-major (shared; do not modify). */
  public float[] features(int i) {
    return features[i];
  }

  /** Batch {@code i}'s class indices, {@code batchSize} (shared; do not modify). */
  public int[] labels(int i) {
    return labels[i];
  }

  /** The order in which epoch {@code epoch} visits the batches: a seeded permutation. */
  public int[] order(int epoch) {
    return permutation(count(), new Random(seed * 31 + epoch + 1));
  }

  /** Class indices as floats, the label layout DJL and Kindling take. */
  public static float[] asFloats(int[] labels) {
    float[] out = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = labels[i];
    }
    return out;
  }

  /** One-hot rows, {@code labels.length x classes}, the label layout DL4J takes. */
  public static float[] oneHot(int[] labels, int classes) {
    float[] out = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      out[i * classes + labels[i]] = 1f;
    }
    return out;
  }

  /** Index of the largest of {@code classes} scores in row {@code row} of a row-major matrix. */
  public static int argmax(float[] scores, int row, int classes) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (scores[row * classes + c] > scores[row * classes + best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * Number of rows whose {@link #argmax} equals the label: {@code scores} is row-major,
   * {@code labels.length x classes}.
   */
  public static int correct(float[] scores, int[] labels, int classes) {
    int correct = 0;
    for (int r = 0; r < labels.length; r++) {
      if (argmax(scores, r, classes) == labels[r]) {
        correct++;
      }
    }
    return correct;
  }

  private static int[] permutation(int n, Random r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
