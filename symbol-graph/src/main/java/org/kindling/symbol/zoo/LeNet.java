package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * LeNet as in MXNet's {@code example/image-classification/symbols/lenet.py} (without the
 * optional spatial transformer, {@code add_stn=False}, the script's default): two
 * convolution-tanh-maxpool stages (20 and 50 filters of 5x5), FullyConnected 500, tanh,
 * FullyConnected to the classes, SoftmaxOutput. Every layer but the loss is unnamed there, so
 * the parameters carry MXNet's automatic names: {@code convolution0_weight},
 * {@code convolution1_bias}, {@code fullyconnected0_weight}, {@code fullyconnected1_bias}.
 * On 1x28x28 inputs with 10 classes it has 431,080 parameters.
 */
public final class LeNet {
  private LeNet() {}

  /** {@code lenet.get_symbol(num_classes)}. */
  public static Symbol get(int numClasses) {
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    // first conv
    Symbol conv1 = nn.conv(data).kernel(5, 5).numFilter(20).build();
    Symbol tanh1 = nn.act(conv1, ActType.TANH);
    Symbol pool1 = nn.pool(tanh1).type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    // second conv
    Symbol conv2 = nn.conv(pool1).kernel(5, 5).numFilter(50).build();
    Symbol tanh2 = nn.act(conv2, ActType.TANH);
    Symbol pool2 = nn.pool(tanh2).type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    // first fullc
    Symbol flatten = nn.flatten(pool2);
    Symbol fc1 = nn.fc(flatten, 500);
    Symbol tanh3 = nn.act(fc1, ActType.TANH);
    // second fullc
    Symbol fc2 = nn.fc(tanh3, numClasses);
    return nn.softmaxOutput("softmax", fc2);
  }
}
