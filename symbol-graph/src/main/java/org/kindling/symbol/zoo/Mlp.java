package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;

/**
 * The multilayer perceptron of MXNet's {@code example/image-classification/symbols/mlp.py}:
 * Flatten, FullyConnected 128 ({@code fc1}), relu ({@code relu1}), FullyConnected 64
 * ({@code fc2}), relu ({@code relu2}), FullyConnected to the classes ({@code fc3}),
 * SoftmaxOutput ({@code softmax}).
 */
public final class Mlp {
  private Mlp() {}

  /** {@code mlp.get_symbol(num_classes)}. */
  public static Symbol get(int numClasses) {
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    data = nn.flatten(data);
    Symbol fc1 = nn.fc("fc1", data, 128);
    Symbol act1 = nn.relu("relu1", fc1);
    Symbol fc2 = nn.fc("fc2", act1, 64);
    Symbol act2 = nn.relu("relu2", fc2);
    Symbol fc3 = nn.fc("fc3", act2, numClasses);
    return nn.softmaxOutput("softmax", fc3);
  }
}
