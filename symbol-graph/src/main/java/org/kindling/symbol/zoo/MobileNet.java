package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * MobileNet (v1) as MXNet's {@code example/image-classification/symbols/mobilenet.py}: a
 * strided 3x3 convolution {@code conv_1}, then thirteen pairs of a depthwise 3x3 convolution
 * ({@code conv_<i>_dw}, {@code num_group} = channels) and a pointwise 1x1 convolution
 * ({@code conv_<i>}), each convolution without bias and followed by a fixed-gamma BatchNorm and
 * relu ({@code <layer>_conv2d}, {@code <layer>_batchnorm}, {@code <layer>_relu}); then average
 * pooling {@code global_pool} of {@code resolution / 32}, {@code flatten}, {@code fc} and
 * {@code softmax}. With width multiplier 1.0 on 3x224x224 and 1000 classes it has 4,231,976
 * parameters.
 */
public final class MobileNet {
  private MobileNet() {}

  /** The width multipliers MXNet accepts. */
  public static final double[] ALPHAS = {0.25, 0.50, 0.75, 1.0};

  /**
   * Blocks 2..14 as (depthwise stride, pointwise filters), in units of {@code base}, as the
   * script spells them out; each depthwise convolution keeps its input's channels.
   */
  private static final int[][] BLOCKS = {
      {1, 2}, // conv_2:  depth = base
      {2, 4}, // conv_3:  depth = 2 base
      {1, 4}, // conv_4:  depth = 4 base
      {2, 8}, // conv_5:  depth = 4 base
      {1, 8}, // conv_6:  depth = 8 base
      {2, 16}, // conv_7:  depth = 8 base
      {1, 16}, // conv_8:  depth = 16 base
      {1, 16}, // conv_9
      {1, 16}, // conv_10
      {1, 16}, // conv_11
      {1, 16}, // conv_12
      {2, 32}, // conv_13: depth = 16 base
      {1, 32}, // conv_14: depth = 32 base
  };

  /**
   * {@code mobilenet.get_symbol(num_classes, alpha, resolution)}.
   *
   * @param alpha the width multiplier, one of {@link #ALPHAS}
   * @param resolution the image size, a multiple of 32; the final pooling is
   *     {@code resolution / 32} square
   * @throws IllegalArgumentException for another alpha or resolution
   */
  public static Symbol get(int numClasses, double alpha, int resolution) {
    boolean known = false;
    for (double a : ALPHAS) {
      known |= a == alpha;
    }
    if (!known) {
      throw new IllegalArgumentException(
          "Invalid alpha=[" + alpha + "], must be one of [0.25, 0.5, 0.75, 1.0]");
    }
    if (resolution % 32 != 0) {
      throw new IllegalArgumentException("resolution must be multpile of 32");
    }
    int base = (int) (32 * alpha);
    Layers nn = new Layers();
    Symbol data = nn.variable("data"); // 224
    Symbol x = conv(nn, data, base, 3, 1, 2, 1, "conv_1"); // 224/112
    int depth = base;
    for (int b = 0; b < BLOCKS.length; b++) {
      int idx = b + 2;
      int stride = BLOCKS[b][0];
      int out = BLOCKS[b][1] * base;
      x = conv(nn, x, depth, 3, 1, stride, depth, "conv_" + idx + "_dw");
      x = conv(nn, x, out, 1, 0, 1, 1, "conv_" + idx);
      depth = out;
    }
    int poolSize = resolution / 32;
    Symbol pool = nn.pool(x).kernel(poolSize, poolSize).stride(1, 1).type(PoolType.AVG)
        .name("global_pool").build();
    Symbol flatten = nn.flatten("flatten", pool);
    Symbol fc = nn.fc("fc", flatten, numClasses);
    return nn.softmaxOutput("softmax", fc);
  }

  /** The script's {@code Conv}: convolution without bias, fixed-gamma BatchNorm, relu. */
  private static Symbol conv(Layers nn, Symbol data, int numFilter, int kernel, int pad,
      int stride, int numGroup, String name) {
    Symbol conv = nn.conv(data).numFilter(numFilter).kernel(kernel, kernel).numGroup(numGroup)
        .stride(stride, stride).pad(pad, pad).noBias(true).name(name + "_conv2d").build();
    Symbol bn = nn.bn(conv).name(name + "_batchnorm").fixGamma(true).build();
    return nn.relu(name + "_relu", bn);
  }
}
