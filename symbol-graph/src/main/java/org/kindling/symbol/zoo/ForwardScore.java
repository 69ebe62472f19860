package org.kindling.symbol.zoo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * Forward throughput of a zoo network, as MXNet's {@code
 * example/image-classification/benchmark_score.py} measures it: a {@link Module} bound for
 * inference at a fixed batch, random weights ({@link #initializer}), one batch of uniform
 * random data in [-1, 1), untimed forward passes ({@code warmup} of them and, where given, at
 * least so many seconds of them), then {@code iterations} timed ones, each waited for; images/s =
 * iterations x batch / elapsed seconds.
 *
 * <p>Every network reads images of {@link #IMAGE_SHAPE} (3x224x224; inception-bn's own input
 * too) and has 1000 classes, as in the script. Close it to release the module's arrays.
 */
public final class ForwardScore implements AutoCloseable {
  /** (channels, height, width) of one image. */
  public static final Shape IMAGE_SHAPE = Shape.of(3, 224, 224);

  /** Classes of the ImageNet networks the script scores. */
  public static final int CLASSES = 1000;

  private final String network;
  private final int batch;
  private final Module module;
  private final DataBatch data;

  /**
   * Builds {@code network} from the {@link Zoo}, binds it for inference at {@code batch} images
   * and fills weights and data from {@code seed}.
   *
   * @throws IllegalArgumentException for an unknown network or a batch below 1
   */
  public ForwardScore(String network, int batch, long seed) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.network = network;
    this.batch = batch;
    Shape dataShape = Shape.of(batch, IMAGE_SHAPE.get(0), IMAGE_SHAPE.get(1), IMAGE_SHAPE.get(2));
    module = new Module(Zoo.get(network, CLASSES, IMAGE_SHAPE));
    module.bind(dataShape, null, false);
    module.initParams(initializer(seed));
    float[] pixels = new float[Math.toIntExact(dataShape.size())];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble(-1.0, 1.0);
    }
    data = new DataBatch(List.of(NDArray.of(pixels, dataShape)), List.of(), 0);
  }

  /**
   * The weights every network is scored with: Gaussian, scaled by the fan-in, magnitude 1.6
   * (MXNet's {@code Xavier(rnd_type='gaussian', factor_type='in', magnitude=1.6)}), so that
   * the output of every zoo network depends on its input and peers scoring the same weights can
   * be checked against it. MXNet's script uses {@code Xavier(magnitude=2)} (uniform, avg), whose
   * weights shrink the activations layer by layer (a uniform draw has a third of the variance
   * its bound suggests, and a depthwise layer's avg fan is about its channels times its fan-in):
   * MobileNet's output came out exactly 1/1000 for every class and image. He's gain for ReLU
   * (magnitude 2) keeps the plain networks' activations but makes the residual ones' sums grow
   * (BatchNorm with its initial moving statistics does not normalize them) until the softmax is
   * one class for every image; 1.6 keeps both kinds input-dependent (docs/benchmarks.md).
   */
  public static Xavier initializer(long seed) {
    return new Xavier(Xavier.RandomType.GAUSSIAN, Xavier.FactorType.IN, 1.6, seed);
  }

  /** The network's name as given. */
  public String network() {
    return network;
  }

  /** Images per forward pass. */
  public int batch() {
    return batch;
  }

  /** The bound module: its symbol and parameters, for scoring the same network elsewhere. */
  public Module module() {
    return module;
  }

  /** The input batch's values in C order, (batch, 3, 224, 224). */
  public float[] input() {
    return data.data().get(0).toFloatArray();
  }

  /** The first output of the last forward pass in C order: (batch, classes) probabilities. */
  public float[] output() {
    return module.outputs().get(0).toFloatArray();
  }

  /** One forward pass at inference, waited for. */
  public void forwardOnce() {
    module.forward(data, false);
    for (NDArray out : module.outputs()) {
      out.waitToRead();
    }
  }

  /**
   * {@code warmup} untimed passes, then {@code iterations} timed ones.
   *
   * @return images per second over the timed passes
   * @throws IllegalArgumentException if {@code warmup < 0} or {@code iterations < 1}
   */
  public double imagesPerSecond(int warmup, int iterations) {
    return imagesPerSecond(this::forwardOnce, batch, warmup, 0, iterations);
  }

  /**
   * Untimed passes until at least {@code warmup} have run and at least {@code warmupSeconds}
   * have passed, then {@code iterations} timed ones.
   *
   * @return images per second over the timed passes
   * @throws IllegalArgumentException if {@code warmup < 0}, {@code warmupSeconds < 0} or
   *     {@code iterations < 1}
   */
  public double imagesPerSecond(int warmup, double warmupSeconds, int iterations) {
    return imagesPerSecond(this::forwardOnce, batch, warmup, warmupSeconds, iterations);
  }

  /**
   * The timing of {@link #imagesPerSecond(int, int)} around any framework's forward pass, so
   * that peers scoring the same network are timed alike: {@code warmup} untimed calls of {@code
   * pass}, then {@code iterations} timed ones.
   *
   * @param pass one forward pass of {@code batch} images, returning once its outputs are ready
   * @return images per second over the timed calls
   * @throws IllegalArgumentException if {@code warmup < 0} or {@code iterations < 1}
   */
  public static double imagesPerSecond(Runnable pass, int batch, int warmup, int iterations) {
    return imagesPerSecond(pass, batch, warmup, 0, iterations);
  }

  /**
   * The timing of {@link #imagesPerSecond(int, double, int)} around any framework's forward
   * pass: the warm-up of {@link #warmUp} (a count and a duration, the same for every framework,
   * so that a JIT-compiled runtime and a native one are both timed in their steady state: a fixed
   * count of 2 left Kindling's ResNet-18 at batch 1 at 35 ms a pass where it runs 24-27 ms after
   * a few seconds), then {@code iterations} timed calls.
   *
   * @param pass one forward pass of {@code batch} images, returning once its outputs are ready
   * @return images per second over the timed calls
   * @throws IllegalArgumentException if {@code warmup < 0}, {@code warmupSeconds < 0} or
   *     {@code iterations < 1}
   */
  public static double imagesPerSecond(Runnable pass, int batch, int warmup,
      double warmupSeconds, int iterations) {
    if (warmup < 0 || iterations < 1 || !(warmupSeconds >= 0)) {
      throw new IllegalArgumentException("need warmup >= 0, warmup seconds >= 0 and iterations"
          + " >= 1, got " + warmup + ", " + warmupSeconds + " and " + iterations);
    }
    warmUp(pass, warmup, warmupSeconds, System::nanoTime);
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      pass.run();
    }
    return (double) iterations * batch / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Untimed passes until at least {@code warmup} have run and at least {@code warmupSeconds}
   * have passed (the warm-up of {@link #imagesPerSecond(int, double, int)}).
   *
   * @return how many passes ran
   */
  public long warmUp(int warmup, double warmupSeconds) {
    return warmUp(this::forwardOnce, warmup, warmupSeconds, System::nanoTime);
  }

  /**
   * Runs {@code pass} until it has run at least {@code passes} times and at least {@code
   * seconds} have passed on {@code clock} (nanoseconds) since the first call began.
   *
   * @return how many times it ran
   */
  static long warmUp(Runnable pass, int passes, double seconds, LongSupplier clock) {
    long start = clock.getAsLong();
    long nanos = (long) (seconds * 1e9);
    long n = 0;
    while (n < passes || clock.getAsLong() - start < nanos) {
      pass.run();
      n++;
    }
    return n;
  }

  /**
   * Writes the network and its weights as an MXNet checkpoint ({@code prefix-symbol.json},
   * {@code prefix-0000.params}), so that another framework can score the same graph.
   */
  public void saveCheckpoint(Path prefix) throws IOException {
    module.saveCheckpoint(prefix, 0);
  }

  @Override
  public void close() {
    data.close();
    module.close();
  }
}
