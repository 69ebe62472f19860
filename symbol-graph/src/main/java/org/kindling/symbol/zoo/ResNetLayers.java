package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * The layers {@link ResNet} (v2) and {@link ResNetV1} build alike, as MXNet's
 * {@code resnet.py} and {@code resnet-v1.py} write them: BatchNorm with momentum 0.9 and eps
 * 2e-5, bias-free convolutions with workspace 256, the {@code conv0} stem, the stages of residual
 * units, and the head from global average pooling to the softmax.
 */
final class ResNetLayers {
  private static final float BN_MOM = 0.9f;
  private static final double EPS = 2e-5;
  private static final long WORKSPACE = 256;

  private ResNetLayers() {}

  /** One residual unit; the two versions' {@code residual_unit}. */
  interface Unit {
    Symbol build(Layers nn, Symbol data, int numFilter, int stride, boolean dimMatch,
        String name, boolean bottleNeck);
  }

  /**
   * {@code data} through {@code identity} ({@code id}), once the image shape is checked.
   *
   * @throws IllegalArgumentException if the image shape is not (channels, height, width)
   */
  static Symbol input(Layers nn, Shape imageShape) {
    ResNetConfig.checkImage(imageShape);
    return nn.identity("id", nn.variable("data"));
  }

  /** A BatchNorm with learned gamma. */
  static Symbol bn(Layers nn, Symbol data, String name) {
    return bn(nn, data, false, name);
  }

  /** A BatchNorm, {@code fix_gamma} as given. */
  static Symbol bn(Layers nn, Symbol data, boolean fixGamma, String name) {
    return nn.bn(data).fixGamma(fixGamma).eps(EPS).momentum(BN_MOM).name(name).build();
  }

  /** A bias-free square convolution with square stride and padding. */
  static Symbol conv(Layers nn, Symbol data, int numFilter, int kernel, int stride, int pad,
      String name) {
    return nn.conv(data).numFilter(numFilter).kernel(kernel, kernel).stride(stride, stride)
        .pad(pad, pad).noBias(true).workspace(WORKSPACE).name(name).build();
  }

  /** A bias-free 1x1 convolution without {@code pad}: the projection of a shortcut. */
  static Symbol projection(Layers nn, Symbol data, int numFilter, int stride, String name) {
    return nn.conv(data).numFilter(numFilter).kernel(1, 1).stride(stride, stride).noBias(true)
        .workspace(WORKSPACE).name(name).build();
  }

  /**
   * {@code conv0}: 3x3 for images of height at most 32 (such as CIFAR-10), else 7x7/2 (such as
   * ImageNet's 224).
   */
  static Symbol conv0(Layers nn, Symbol data, int numFilter, boolean small) {
    return small ? conv(nn, data, numFilter, 3, 1, 1, "conv0")
        : conv(nn, data, numFilter, 7, 2, 3, "conv0");
  }

  /** The rest of the ImageNet stem: {@code bn0}, {@code relu0} and a 3x3/2 max pooling. */
  static Symbol poolingStem(Layers nn, Symbol conv0) {
    Symbol relu0 = nn.relu("relu0", bn(nn, conv0, "bn0"));
    return nn.pool(relu0).kernel(3, 3).stride(2, 2).pad(1, 1).type(PoolType.MAX).build();
  }

  /**
   * The stages: per stage, a first unit that projects the shortcut (stride 2 from the second
   * stage on) and {@code units[i] - 1} units on the identity, named {@code stage<i>_unit<j>}.
   */
  static Symbol stages(Layers nn, Symbol body, ResNetConfig config, Unit unit) {
    int[] units = config.units();
    int[] filterList = config.filterList();
    for (int i = 0; i < config.numStages(); i++) {
      int s = i == 0 ? 1 : 2;
      body = unit.build(nn, body, filterList[i + 1], s, false, "stage" + (i + 1) + "_unit1",
          config.bottleNeck());
      for (int j = 0; j < units[i] - 1; j++) {
        body = unit.build(nn, body, filterList[i + 1], 1, true,
            "stage" + (i + 1) + "_unit" + (j + 2), config.bottleNeck());
      }
    }
    return body;
  }

  /** Global average pooling {@code pool1}, {@code flatten0}, {@code fc1} and {@code softmax}. */
  static Symbol head(Layers nn, Symbol body, int numClasses) {
    // MXNet passes kernel (7, 7) although global_pool ignores it
    Symbol pool1 = nn.pool(body).global().kernel(7, 7).type(PoolType.AVG).name("pool1").build();
    Symbol fc1 = nn.fc("fc1", nn.flatten(pool1), numClasses);
    return nn.softmaxOutput("softmax", fc1);
  }
}
