package org.kindling.symbol.zoo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.storage.Storage;

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
  /** Images per forward call of the module: {@link #batch}, or a divisor of it. */
  private final int pass;
  private final Module module;
  /** The batch's images, {@link #batch} / {@link #pass} batches of {@link #pass}. */
  private final List<DataBatch> parts;
  /** The last pass's output, gathered from its parts; null while the batch is one part. */
  private float[] gathered;

  /**
   * Builds {@code network} from the {@link Zoo}, binds it for inference at {@code batch} images
   * and fills weights and data from {@code seed}.
   *
   * <p>A batch one of whose internal outputs would be larger than one array ({@link
   * Storage#MAX_ARRAY_BYTES}: VGG-16's and VGG-11's first convolution at batch 256, 3.1 GiB)
   * is bound at the largest divisor of the batch that fits, and a pass runs the batch as that
   * many images at a time, one forward call after another (MXNet's 32-bit index holds such a
   * tensor, Kindling's arrays cannot: {@link #passBatch}). Inference computes every image on
   * its own, so the output is the same as one call's; {@link #passBatch()} says how it ran.
   *
   * @throws IllegalArgumentException for an unknown network, a batch below 1, or a network
   *     that one image does not fit (naming the output)
   */
  public ForwardScore(String network, int batch, long seed) {
    this(network, batch, seed, Storage.MAX_ARRAY_BYTES);
  }

  /** As {@link #ForwardScore(String, int, long)} with another bound on one array (tests). */
  ForwardScore(String network, int batch, long seed, long maxArrayBytes) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.network = network;
    this.batch = batch;
    Symbol symbol = Zoo.get(network, CLASSES, IMAGE_SHAPE);
    this.pass = passBatch(symbol, batch, maxArrayBytes);
    Shape passShape = Shape.of(pass, IMAGE_SHAPE.get(0), IMAGE_SHAPE.get(1), IMAGE_SHAPE.get(2));
    module = new Module(symbol);
    module.bind(passShape, null, false);
    module.initParams(initializer(seed));
    // the whole batch drawn in one sequence: the same images whatever the pass size
    long image = IMAGE_SHAPE.size();
    float[] pixels = new float[Math.toIntExact(batch * image)];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble(-1.0, 1.0);
    }
    List<DataBatch> p = new ArrayList<>();
    for (int from = 0; from < batch; from += pass) {
      float[] part = from == 0 && pass == batch ? pixels
          : Arrays.copyOfRange(pixels, Math.toIntExact(from * image),
              Math.toIntExact((from + pass) * image));
      p.add(new DataBatch(List.of(NDArray.of(part, passShape)), List.of(), 0));
    }
    parts = List.copyOf(p);
  }

  /**
   * The images per forward call for {@code batch}: {@code batch} itself if every internal
   * output of {@code symbol} at that batch fits one array of {@code maxArrayBytes} (float32),
   * else the largest divisor of {@code batch} at which they do (equal calls, so that one
   * binding serves them all).
   *
   * @throws IllegalArgumentException if even one image does not fit, naming the output
   */
  static int passBatch(Symbol symbol, int batch, long maxArrayBytes) {
    Largest l = largestOutput(symbol, batch);
    long perImage = l.bytesPerImage();
    String largest = l.name();
    if (perImage == 0 || perImage * batch <= maxArrayBytes) {
      return batch;
    }
    long fits = maxArrayBytes / perImage;
    if (fits < 1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the output %s of one"
          + " image is %d bytes, more than one array holds (%d)", symbol.listOutputs(), largest,
          perImage, maxArrayBytes));
    }
    int pass = (int) Math.min(fits, batch);
    while (batch % pass != 0) {
      pass--;
    }
    return pass;
  }

  /** The internal output of {@link #largestOutput} and its float32 bytes per image. */
  record Largest(String name, long bytesPerImage) {}

  /** The internal output of {@code symbol} along the batch with the most bytes per image. */
  static Largest largestOutput(Symbol symbol, int batch) {
    Symbol internals = symbol.internals();
    List<Shape> shapes = internals.inferShape(Map.of("data", Shape.of(batch,
        IMAGE_SHAPE.get(0), IMAGE_SHAPE.get(1), IMAGE_SHAPE.get(2)))).outputs();
    List<String> names = internals.listOutputs();
    long perImage = 0;
    String largest = null;
    for (int i = 0; i < shapes.size(); i++) {
      Shape sh = shapes.get(i);
      // outputs along the batch; a parameter's size does not change with it
      if (sh.ndim() > 0 && sh.get(0) == batch) {
        long bytes = Float.BYTES * sh.size() / batch;
        if (bytes > perImage) {
          perImage = bytes;
          largest = names.get(i);
        }
      }
    }
    return new Largest(largest, perImage);
  }

  /**
   * Images per forward call: {@link #batch()}, or where one call of the whole batch does not
   * fit Kindling's arrays, the divisor of it that a pass runs at a time.
   */
  public int passBatch() {
    return pass;
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
    if (parts.size() == 1) {
      return parts.get(0).data().get(0).toFloatArray();
    }
    float[] all = new float[Math.toIntExact(batch * IMAGE_SHAPE.size())];
    int at = 0;
    for (DataBatch d : parts) {
      float[] v = d.data().get(0).toFloatArray();
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    return all;
  }

  /** The first output of the last forward pass in C order: (batch, classes) probabilities. */
  public float[] output() {
    return gathered != null ? gathered.clone() : module.outputs().get(0).toFloatArray();
  }

  /**
   * One forward pass at inference, waited for: one call of the module, or {@link #passBatch()}
   * images at a time, each call's output copied out before the next overwrites it.
   */
  public void forwardOnce() {
    if (parts.size() == 1) {
      forward(parts.get(0));
      return;
    }
    float[] all = null;
    int at = 0;
    for (DataBatch d : parts) {
      forward(d);
      float[] v = module.outputs().get(0).toFloatArray();
      if (all == null) {
        all = new float[v.length * parts.size()];
      }
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    gathered = all;
  }

  private void forward(DataBatch d) {
    module.forward(d, false);
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
    return imagesPerSecond(this::forwardOnce, batch, warmup, 0, iterations, 0);
  }

  /**
   * Untimed passes until at least {@code warmup} have run and at least {@code warmupSeconds}
   * have passed, then timed ones until at least {@code iterations} have run and at least
   * {@code timedSeconds} have passed.
   *
   * @return images per second over the timed passes
   * @throws IllegalArgumentException if a count or a duration is negative or {@code iterations
   *     < 1}
   */
  public double imagesPerSecond(int warmup, double warmupSeconds, int iterations,
      double timedSeconds) {
    return imagesPerSecond(this::forwardOnce, batch, warmup, warmupSeconds, iterations,
        timedSeconds);
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
    return imagesPerSecond(pass, batch, warmup, 0, iterations, 0);
  }

  /**
   * The timing of {@link #imagesPerSecond(int, double, int, double)} around any framework's
   * forward pass: the warm-up of {@link #warmUp(int, double)} (a count and a duration, the same
   * for every framework, so that a JIT-compiled runtime and a native one are both timed in their
   * steady state: a fixed count of 2 left Kindling's ResNet-18 at batch 1 at 35 ms a pass where
   * it runs 24-27 ms after a few seconds), then timed calls, also by count and duration: on a
   * shared machine a few passes in a row now and then run up to twice as long for either
   * framework (a neighbour's burst), which a timing of five 20 ms passes takes in whole and one
   * of seconds averages out.
   *
   * @param pass one forward pass of {@code batch} images, returning once its outputs are ready
   * @return images per second over the timed calls
   * @throws IllegalArgumentException if a count or a duration is negative or {@code iterations
   *     < 1}
   */
  public static double imagesPerSecond(Runnable pass, int batch, int warmup,
      double warmupSeconds, int iterations, double timedSeconds) {
    if (warmup < 0 || iterations < 1 || !(warmupSeconds >= 0) || !(timedSeconds >= 0)) {
      throw new IllegalArgumentException("need warmup >= 0, warmup seconds >= 0, iterations"
          + " >= 1 and timed seconds >= 0, got " + warmup + ", " + warmupSeconds + ", "
          + iterations + " and " + timedSeconds);
    }
    repeat(pass, warmup, warmupSeconds, System::nanoTime);
    long start = System.nanoTime();
    long n = repeat(pass, iterations, timedSeconds, System::nanoTime);
    return (double) n * batch / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Untimed passes until at least {@code warmup} have run and at least {@code warmupSeconds}
   * have passed (the warm-up of {@link #imagesPerSecond(int, double, int, double)}).
   *
   * @return how many passes ran
   */
  public long warmUp(int warmup, double warmupSeconds) {
    return repeat(this::forwardOnce, warmup, warmupSeconds, System::nanoTime);
  }

  /**
   * Runs {@code pass} until it has run at least {@code passes} times and at least {@code
   * seconds} have passed on {@code clock} (nanoseconds) since the first call began.
   *
   * @return how many times it ran
   */
  static long repeat(Runnable pass, int passes, double seconds, LongSupplier clock) {
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
    parts.forEach(DataBatch::close);
    module.close();
  }
}
