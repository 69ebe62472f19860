package org.kindling.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.Shape;

/**
 * The network a training job trains ({@code --network} or {@code --symbol}): the multilayer
 * perceptron with {@code --hidden} widths, a network of the model zoo ({@link Zoo}: {@code
 * lenet}, {@code alexnet}, {@code vgg16}, {@code resnet20}, ...) or a symbol JSON file. Every
 * network reads {@code data} and, for training, {@code softmax_label}.
 */
public sealed interface NetworkSpec extends Serializable {

  /**
   * The symbol for {@code numClasses} classes and examples of {@code inputShape} (without the
   * batch axis).
   *
   * @throws IOException naming the symbol file if it cannot be read or parsed
   * @throws IllegalArgumentException if the zoo rejects the name or the input shape
   */
  Symbol build(int numClasses, int[] inputShape, Configuration conf) throws IOException;

  /** A short description for the job's first line, e.g. {@code lenet} or {@code mlp 784-256-10}. */
  String describe(int numClasses, int[] inputShape);

  /**
   * The spec {@code --network name} names; {@code mlp} takes {@code hidden}.
   *
   * @throws IllegalArgumentException for an empty name
   */
  static NetworkSpec named(String name, int[] hidden) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty()) {
      throw new IllegalArgumentException("--network needs a name (mlp, lenet, resnet20, ...; see "
          + "'kindling summary --help'), or give --symbol FILE");
    }
    return n.equals(Mlp.NAME) ? new Mlp(hidden) : new ZooNetwork(n);
  }

  /**
   * An MLP as MXNet's {@code symbols/mlp.py} with any hidden widths: {@code fc1 -> relu1 -> ...
   * -> fcN -> softmax}; {@code FullyConnected} flattens its input, so any example shape works.
   *
   * @param hidden the hidden widths, e.g. {@code [256, 128]}
   */
  record Mlp(List<Integer> hidden) implements NetworkSpec {
    /** The name of this network. */
    public static final String NAME = "mlp";

    /**
     * @throws IllegalArgumentException if a width is below 1
     */
    public Mlp {
      hidden = List.copyOf(hidden);
      for (int h : hidden) {
        if (h < 1) {
          throw new IllegalArgumentException("--hidden widths must be >= 1, got " + hidden);
        }
      }
    }

    Mlp(int[] hidden) {
      this(java.util.Arrays.stream(hidden).boxed().toList());
    }

    @Override
    public Symbol build(int numClasses, int[] inputShape, Configuration conf) {
      return Networks.mlp(hidden.stream().mapToInt(Integer::intValue).toArray(), numClasses);
    }

    @Override
    public String describe(int numClasses, int[] inputShape) {
      int size = 1;
      for (int d : inputShape) {
        size *= d;
      }
      return "mlp " + size + "-" + hidden.stream().map(String::valueOf)
          .collect(Collectors.joining("-")) + "-" + numClasses;
    }
  }

  /**
   * A network of MXNet's {@code example/image-classification/symbols} ({@link Zoo#get}); the
   * example shape is {@code (channels, height, width)}.
   *
   * @param name the zoo name in lower case, e.g. {@code lenet}, {@code resnet20}
   */
  record ZooNetwork(String name) implements NetworkSpec {
    @Override
    public Symbol build(int numClasses, int[] inputShape, Configuration conf) {
      if (inputShape.length != 3) {
        throw new IllegalArgumentException("--network " + name + " reads images: give"
            + " --input-shape CHANNELS,HEIGHT,WIDTH (e.g. 1,28,28), not "
            + java.util.Arrays.toString(inputShape));
      }
      return Zoo.get(name, numClasses, Shape.of(inputShape));
    }

    @Override
    public String describe(int numClasses, int[] inputShape) {
      return name;
    }
  }

  /**
   * A symbol JSON file on any Hadoop file system.
   *
   * @param uri the file, e.g. {@code hdfs:///models/net-symbol.json}
   */
  record SymbolFile(String uri) implements NetworkSpec {
    @Override
    public Symbol build(int numClasses, int[] inputShape, Configuration conf)
        throws IOException {
      byte[] json = HadoopFiles.readAll(new Path(uri), conf);
      return Symbol.fromJson(new String(json, StandardCharsets.UTF_8), uri);
    }

    @Override
    public String describe(int numClasses, int[] inputShape) {
      return uri;
    }
  }
}
