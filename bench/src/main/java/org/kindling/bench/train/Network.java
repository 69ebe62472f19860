package org.kindling.bench.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * The networks the {@code train} benchmark trains, each built with the same architecture and
 * initialization (Xavier uniform, MXNet's defaults: factor avg, magnitude 3; zero biases) in
 * every framework.
 *
 * <ul>
 *   <li>{@link #MLP}: 784-512-256-10, ReLU, reading each image as a row of 784 pixels.
 *   <li>{@link #LENET}: MXNet's {@code example/image-classification/symbols/lenet.py} (Kindling's
 *       zoo {@code lenet}): conv 5x5, 20 filters, tanh, max-pool 2x2 stride 2; conv 5x5, 50
 *       filters, tanh, max-pool 2x2 stride 2; fully connected 500, tanh; fully connected 10;
 *       softmax. No padding, unit convolution strides; reads each image as (1, 28, 28).
 * </ul>
 */
public enum Network {
  MLP("mlp", "MLP 784-512-256-10 (ReLU)", 0.1f),
  LENET("lenet", "LeNet (conv 5x5x20, tanh, max-pool 2/2; conv 5x5x50, tanh, max-pool 2/2;"
      + " fc 500, tanh; fc 10)", 0.05f);

  /** Hidden layer sizes of the MLP. */
  public static final int[] MLP_HIDDEN = {512, 256};
  /** Filters of LeNet's two convolutions. */
  public static final int[] LENET_FILTERS = {20, 50};
  /** LeNet's square convolution kernel. */
  public static final int LENET_KERNEL = 5;
  /** LeNet's square max-pooling window, also its stride. */
  public static final int LENET_POOL = 2;
  /** LeNet's fully connected hidden layer. */
  public static final int LENET_HIDDEN = 500;

  private final String id;
  private final String title;
  private final float defaultLearningRate;

  Network(String id, String title, float defaultLearningRate) {
    this.id = id;
    this.title = title;
    this.defaultLearningRate = defaultLearningRate;
  }

  /**
   * The SGD learning rate this network trains with unless {@code --lr} says otherwise: 0.1 for
   * the MLP (the benchmark's recipe since its first run), 0.05 for LeNet: at 0.1 with momentum
   * 0.9 LeNet's tanh layers diverge for some initial draws (chance accuracy after two epochs of
   * 10,000 samples in MXNet at seed 42, 0.54 at seed 1; 0.84 at 0.05).
   */
  public float defaultLearningRate() {
    return defaultLearningRate;
  }

  /** The command-line name, e.g. {@code lenet}. */
  public String id() {
    return id;
  }

  /** What the network is, for the section heading. */
  public String title() {
    return title;
  }

  /**
   * The shape of one sample as this network reads it, without the batch axis: {@code (784)} for
   * the MLP, {@code (1, 28, 28)} (channels, height, width) for LeNet. Both are the same 784
   * floats per image, so every framework stages the batches once per network unchanged.
   */
  public long[] sampleShape() {
    return this == MLP ? new long[] {FashionMnist.FEATURES} : new long[] {1, 28, 28};
  }

  /** {@link #sampleShape()} behind a leading batch axis of {@code batch}. */
  public long[] batchShape(long batch) {
    long[] s = sampleShape();
    long[] out = new long[s.length + 1];
    out[0] = batch;
    System.arraycopy(s, 0, out, 1, s.length);
    return out;
  }

  /**
   * The network named {@code id} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known ids
   */
  public static Network of(String id) {
    for (Network n : values()) {
      if (n.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown network '" + id + "' in --networks; use "
        + String.join(",", Arrays.stream(values()).map(Network::id).toList()));
  }
}
