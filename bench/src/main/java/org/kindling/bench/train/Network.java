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
 *   <li>{@link #RESNET18}: MXNet's {@code example/image-classification/symbols/resnet-v1.py}
 *       at 18 layers on 3x32x32 images (Kindling's zoo {@code resnet18_v1}), the CIFAR-10
 *       shape of ResNet-18: a 3x3 stem convolution of 64 filters and its BatchNorm (no ReLU,
 *       no max-pooling, as {@code resnet-v1.py} builds images of height at most 32); four stages
 *       of two basic units (3x3 convolution, BatchNorm, ReLU, 3x3 convolution, BatchNorm, plus
 *       the shortcut, then ReLU) of 64, 128, 256 and 512 filters, strides 1, 2, 2, 2, the first
 *       unit of every stage projecting its shortcut with a 1x1 convolution and a BatchNorm;
 *       global average pooling; fully connected 10; softmax. Bias-free convolutions,
 *       BatchNorm eps 2e-5 and momentum 0.9, in training mode (batch statistics). Each
 *       Fashion-MNIST image is padded with zeros to 32x32 and repeated over 3 channels
 *       ({@link #input}).
 * </ul>
 */
public enum Network {
  MLP("mlp", "MLP 784-512-256-10 (ReLU)", 0.1f),
  LENET("lenet", "LeNet (conv 5x5x20, tanh, max-pool 2/2; conv 5x5x50, tanh, max-pool 2/2;"
      + " fc 500, tanh; fc 10)", 0.05f),
  RESNET18("resnet18", "ResNet-18 (MXNet resnet-v1.py at 18 layers, CIFAR stem: 3x3 conv, no"
      + " max-pool; BatchNorm in training mode) on 3x32x32 (images zero-padded to 32x32, grey"
      + " repeated over 3 channels)", 0.1f);

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
  /** ResNet-18's filters per stage (the stem has the first stage's). */
  public static final int[] RESNET_FILTERS = {64, 128, 256, 512};
  /** ResNet-18's basic units per stage. */
  public static final int RESNET_UNITS = 2;
  /** ResNet-18's BatchNorm epsilon ({@code resnet-v1.py}'s). */
  public static final float RESNET_BN_EPS = 2e-5f;
  /** ResNet-18's BatchNorm momentum of the moving statistics. */
  public static final float RESNET_BN_MOMENTUM = 0.9f;
  /** The side ResNet-18's images are padded to: CIFAR-10's 32. */
  public static final int RESNET_SIDE = 32;

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
   * 10,000 samples in MXNet at seed 42, 0.54 at seed 1; 0.84 at 0.05); 0.1 for ResNet-18, the
   * usual CIFAR-10 recipe at batch 128 (BatchNorm keeps it stable).
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
   * the MLP, {@code (1, 28, 28)} (channels, height, width) for LeNet, {@code (3, 32, 32)} for
   * ResNet-18.
   */
  public long[] sampleShape() {
    return switch (this) {
      case MLP -> new long[] {FashionMnist.FEATURES};
      case LENET -> new long[] {1, 28, 28};
      case RESNET18 -> new long[] {3, RESNET_SIDE, RESNET_SIDE};
    };
  }

  /**
   * {@code count} images of 784 pixels each (row-major, as {@link Batches#features} and the test
   * set hold them) in this network's {@link #sampleShape()}: unchanged for the MLP and LeNet (the
   * same 784 floats); for ResNet-18 each image centred in a 32x32 square of zeros and the result
   * repeated over 3 channels, so that every framework gets exactly the same tensor.
   */
  public float[] input(float[] pixels, int count) {
    if (this != RESNET18) {
      return pixels;
    }
    int side = 28;
    int pad = (RESNET_SIDE - side) / 2;
    int plane = RESNET_SIDE * RESNET_SIDE;
    float[] out = new float[count * 3 * plane];
    for (int n = 0; n < count; n++) {
      for (int c = 0; c < 3; c++) {
        int base = (n * 3 + c) * plane;
        for (int y = 0; y < side; y++) {
          System.arraycopy(pixels, (n * side + y) * side, out,
              base + (y + pad) * RESNET_SIDE + pad, side);
        }
      }
    }
    return out;
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
