package org.kindling.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Activation;

/**
 * The networks a training job can train ({@link NetworkSpec}): the multilayer perceptron, the
 * model zoo, or any symbol JSON file (written by MXNet or Kindling) whose data input is {@code
 * data} and whose label is {@code softmax_label}.
 */
public final class Networks {

  /** Name of the data input of every trainable network. */
  public static final String DATA = "data";

  /** Name of the label input (created by {@code SoftmaxOutput} named {@code softmax}). */
  public static final String LABEL = "softmax_label";

  private Networks() {}

  /**
   * An MLP as in MXNet's {@code symbols/mlp.py}: {@code fc1 -> relu1 -> fc2 -> relu2 -> ... ->
   * fcN -> softmax}. {@code FullyConnected} flattens its input, so any per-example shape works.
   *
   * @param hidden widths of the hidden layers, e.g. {@code 256, 128}
   * @param numClasses width of the last layer
   */
  public static Symbol mlp(int[] hidden, int numClasses) {
    Symbol x = Symbol.variable(DATA);
    for (int i = 0; i < hidden.length; i++) {
      x = Symbol.fullyConnected("fc" + (i + 1), x, hidden[i]);
      x = Symbol.activation("relu" + (i + 1), x, Activation.ActType.RELU);
    }
    x = Symbol.fullyConnected("fc" + (hidden.length + 1), x, numClasses);
    return Symbol.softmaxOutput("softmax", x);
  }

  /**
   * The network a configuration asks for ({@link TrainConfig#network()}); a symbol file is read
   * through Hadoop, so it may be on HDFS or S3.
   *
   * @throws IOException naming the file if it cannot be read or is not valid symbol JSON
   * @throws IllegalArgumentException if the network has no {@code data} input, or the zoo
   *     rejects the name or the input shape
   */
  public static Symbol forConfig(TrainConfig config, Configuration conf) throws IOException {
    Symbol s = config.network().build(config.numClasses(), config.inputShape(), conf);
    if (!s.listArguments().contains(DATA)) {
      throw new IllegalArgumentException("the network has no input named '" + DATA
          + "'; its arguments are " + s.listArguments());
    }
    return s;
  }
}
