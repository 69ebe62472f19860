package org.kindling.symbol.zoo;

import java.util.List;
import java.util.Map;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.SmallZoo.Net;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * Small networks of the layers no zoo network has, for the backend comparisons of
 * {@code ZooAccelTest}: a fully convolutional encoder-decoder whose decoder upsamples with
 * Deconvolution, in 1-D (NCW), 2-D (NCHW) and 3-D (NCDHW), each ending in a global average
 * pooling and a softmax classifier (so that its label is the zoo's class label).
 */
final class AccelNets {
  private AccelNets() {}

  /** The three networks at batch 2. */
  static List<Net> networks() {
    return List.of(new Net("deconv-fcn-1d", fcn(1), Shape.of(SmallZoo.BATCH, 3, 32)),
        new Net("deconv-fcn-2d", fcn(2), Shape.of(SmallZoo.BATCH, 3, 16, 16)),
        new Net("deconv-fcn-3d", fcn(3), Shape.of(SmallZoo.BATCH, 2, 8, 8, 8)));
  }

  /**
   * Convolution 3 (pad 1) to 8 channels, ReLU, max pooling 2 (stride 2), Convolution 3 to 16,
   * ReLU; Deconvolution 4 (stride 2, pad 1, bias) back to the pooled input's extent, ReLU (the
   * executor fuses it), Deconvolution 3 (pad 1, MXNet's default no_bias); a global average
   * pooling, FullyConnected to 10 classes and SoftmaxOutput.
   */
  private static Symbol fcn(int nd) {
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    Symbol enc1 = nn.act(nn.conv(data).kernel(fill(nd, 3)).pad(fill(nd, 1)).numFilter(8)
        .build(), ActType.RELU);
    Symbol pool = nn.pool(enc1).type(PoolType.MAX).kernel(fill(nd, 2)).stride(fill(nd, 2))
        .build();
    Symbol enc2 = nn.act(nn.conv(pool).kernel(fill(nd, 3)).pad(fill(nd, 1)).numFilter(16)
        .build(), ActType.RELU);
    Symbol up = nn.act(deconvolution("deconv_up", enc2, Deconvolution.Params.of(fill(nd, 4), 8)
        .withStride(fill(nd, 2)).withPad(fill(nd, 1)).withNoBias(false)), ActType.RELU);
    Symbol out = deconvolution("deconv_out", up, Deconvolution.Params.of(fill(nd, 3), 4)
        .withPad(fill(nd, 1)));
    Symbol gap = nn.pool(out).type(PoolType.AVG).kernel(fill(nd, 1)).global().build();
    return nn.softmaxOutput("softmax", nn.fc(nn.flatten(gap), 10));
  }

  private static Symbol deconvolution(String name, Symbol data, Deconvolution.Params p) {
    return Symbol.create(Deconvolution.OP, name, p, Map.of("data", data));
  }

  private static int[] fill(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
