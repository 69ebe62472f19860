package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * AlexNet as in MXNet's {@code example/image-classification/symbols/alexnet.py} (float32): the
 * single-tower variant with 96-256-384-384-256 filters, LRN after the first two stages,
 * FullyConnected 4096-4096 with dropout 0.5, then the classes. The convolutions and
 * FullyConnected layers are named ({@code conv1}..{@code conv5}, {@code fc1}..{@code fc3}); the
 * activations, LRN, pooling, flatten and dropout layers get MXNet's automatic names
 * ({@code activation0}, {@code lrn0}, {@code pooling0}, {@code flatten0}, {@code dropout0}).
 * On 3x224x224 with 1000 classes it has 62,378,344 parameters.
 */
public final class AlexNet {
  private AlexNet() {}

  /** {@code alexnet.get_symbol(num_classes)}. */
  public static Symbol get(int numClasses) {
    Layers nn = new Layers();
    Symbol input = nn.variable("data");
    // stage 1
    Symbol conv1 = nn.conv(input).name("conv1").kernel(11, 11).stride(4, 4).numFilter(96)
        .build();
    Symbol relu1 = nn.act(conv1, ActType.RELU);
    Symbol lrn1 = nn.lrn(relu1, 0.0001f, 0.75f, 2f, 5);
    Symbol pool1 = nn.pool(lrn1).type(PoolType.MAX).kernel(3, 3).stride(2, 2).build();
    // stage 2
    Symbol conv2 = nn.conv(pool1).name("conv2").kernel(5, 5).pad(2, 2).numFilter(256).build();
    Symbol relu2 = nn.act(conv2, ActType.RELU);
    Symbol lrn2 = nn.lrn(relu2, 0.0001f, 0.75f, 2f, 5);
    Symbol pool2 = nn.pool(lrn2).kernel(3, 3).stride(2, 2).type(PoolType.MAX).build();
    // stage 3
    Symbol conv3 = nn.conv(pool2).name("conv3").kernel(3, 3).pad(1, 1).numFilter(384).build();
    Symbol relu3 = nn.act(conv3, ActType.RELU);
    Symbol conv4 = nn.conv(relu3).name("conv4").kernel(3, 3).pad(1, 1).numFilter(384).build();
    Symbol relu4 = nn.act(conv4, ActType.RELU);
    Symbol conv5 = nn.conv(relu4).name("conv5").kernel(3, 3).pad(1, 1).numFilter(256).build();
    Symbol relu5 = nn.act(conv5, ActType.RELU);
    Symbol pool3 = nn.pool(relu5).kernel(3, 3).stride(2, 2).type(PoolType.MAX).build();
    // stage 4
    Symbol flatten = nn.flatten(pool3);
    Symbol fc1 = nn.fc("fc1", flatten, 4096);
    Symbol relu6 = nn.act(fc1, ActType.RELU);
    Symbol dropout1 = nn.dropout(relu6, 0.5f);
    // stage 5
    Symbol fc2 = nn.fc("fc2", dropout1, 4096);
    Symbol relu7 = nn.act(fc2, ActType.RELU);
    Symbol dropout2 = nn.dropout(relu7, 0.5f);
    // stage 6
    Symbol fc3 = nn.fc("fc3", dropout2, numClasses);
    return nn.softmaxOutput("softmax", fc3);
  }
}
