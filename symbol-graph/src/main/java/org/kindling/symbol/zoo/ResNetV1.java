package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * The original ResNet (v1, "Deep Residual Learning for Image Recognition") of MXNet's
 * {@code example/image-classification/symbols/resnet-v1.py} (identical to its copy
 * {@code resnetv1.py}), float32, momentum 0.9, workspace 256.
 *
 * <p>{@code data} goes through {@code identity} ({@code id}); the stem is a 3x3 convolution
 * {@code conv0} and {@code bn0} (no relu) for images of height at most 32, otherwise a 7x7/2
 * convolution, {@code bn0}, {@code relu0} and a 3x3/2 max pooling ({@code pooling0}). Each unit
 * {@code stage<i>_unit<j>} is convolution-BatchNorm(-relu) twice (basic) or three times
 * (bottleneck, stride on the first 1x1); the first unit of a stage projects the shortcut with a
 * 1x1 convolution {@code _conv1sc} and BatchNorm {@code _sc}; the sum ({@code _plusK}) goes
 * through relu {@code _relu3}. Then global average pooling {@code pool1}, {@code flatten0},
 * {@code fc1} and {@code softmax}. ResNet-18 v1 on 3x224x224 with 1000 classes has 11,689,512
 * parameters, ResNet-50 v1 25,557,032.
 */
public final class ResNetV1 {
  private ResNetV1() {}

  private static final float BN_MOM = 0.9f;
  private static final double EPS = 2e-5;
  private static final long WORKSPACE = 256;

  /** {@code resnet-v1.get_symbol(num_classes, num_layers, image_shape)}. */
  public static Symbol get(int numClasses, int numLayers, Shape imageShape) {
    ResNetConfig.checkImage(imageShape);
    return resnet(ResNetConfig.of(numLayers, imageShape), numClasses, imageShape);
  }

  /** {@code resnet-v1.resnet(units, num_stages, filter_list, num_classes, image_shape, ...)}. */
  public static Symbol resnet(ResNetConfig config, int numClasses, Shape imageShape) {
    ResNetConfig.checkImage(imageShape);
    int[] units = config.units();
    int[] filterList = config.filterList();
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    data = nn.identity("id", data);
    int height = imageShape.get(1);
    Symbol body;
    if (height <= 32) { // such as cifar10
      body = nn.conv(data).numFilter(filterList[0]).kernel(3, 3).stride(1, 1).pad(1, 1)
          .noBias(true).name("conv0").workspace(WORKSPACE).build();
      body = bn(nn, body, "bn0");
    } else { // often expected to be 224 such as imagenet
      body = nn.conv(data).numFilter(filterList[0]).kernel(7, 7).stride(2, 2).pad(3, 3)
          .noBias(true).name("conv0").workspace(WORKSPACE).build();
      body = bn(nn, body, "bn0");
      body = nn.relu("relu0", body);
      body = nn.pool(body).kernel(3, 3).stride(2, 2).pad(1, 1).type(PoolType.MAX).build();
    }
    for (int i = 0; i < config.numStages(); i++) {
      int s = i == 0 ? 1 : 2;
      body = residualUnit(nn, body, filterList[i + 1], s, false,
          "stage" + (i + 1) + "_unit1", config.bottleNeck());
      for (int j = 0; j < units[i] - 1; j++) {
        body = residualUnit(nn, body, filterList[i + 1], 1, true,
            "stage" + (i + 1) + "_unit" + (j + 2), config.bottleNeck());
      }
    }
    // MXNet passes kernel (7, 7) although global_pool ignores it
    Symbol pool1 = nn.pool(body).global().kernel(7, 7).type(PoolType.AVG).name("pool1").build();
    Symbol flat = nn.flatten(pool1);
    Symbol fc1 = nn.fc("fc1", flat, numClasses);
    return nn.softmaxOutput("softmax", fc1);
  }

  /** {@code resnet-v1.residual_unit}: a post-activation unit; {@code stride} in both dims. */
  static Symbol residualUnit(Layers nn, Symbol data, int numFilter, int stride,
      boolean dimMatch, String name, boolean bottleNeck) {
    Symbol last;
    if (bottleNeck) {
      int quarter = (int) (numFilter * 0.25);
      Symbol conv1 = nn.conv(data).numFilter(quarter).kernel(1, 1).stride(stride, stride)
          .pad(0, 0).noBias(true).workspace(WORKSPACE).name(name + "_conv1").build();
      Symbol bn1 = bn(nn, conv1, name + "_bn1");
      Symbol act1 = nn.relu(name + "_relu1", bn1);
      Symbol conv2 = nn.conv(act1).numFilter(quarter).kernel(3, 3).stride(1, 1).pad(1, 1)
          .noBias(true).workspace(WORKSPACE).name(name + "_conv2").build();
      Symbol bn2 = bn(nn, conv2, name + "_bn2");
      Symbol act2 = nn.relu(name + "_relu2", bn2);
      Symbol conv3 = nn.conv(act2).numFilter(numFilter).kernel(1, 1).stride(1, 1).pad(0, 0)
          .noBias(true).workspace(WORKSPACE).name(name + "_conv3").build();
      last = bn(nn, conv3, name + "_bn3");
    } else {
      Symbol conv1 = nn.conv(data).numFilter(numFilter).kernel(3, 3).stride(stride, stride)
          .pad(1, 1).noBias(true).workspace(WORKSPACE).name(name + "_conv1").build();
      Symbol bn1 = bn(nn, conv1, name + "_bn1");
      Symbol act1 = nn.relu(name + "_relu1", bn1);
      Symbol conv2 = nn.conv(act1).numFilter(numFilter).kernel(3, 3).stride(1, 1).pad(1, 1)
          .noBias(true).workspace(WORKSPACE).name(name + "_conv2").build();
      last = bn(nn, conv2, name + "_bn2");
    }
    Symbol shortcut;
    if (dimMatch) {
      shortcut = data;
    } else {
      Symbol conv1sc = nn.conv(data).numFilter(numFilter).kernel(1, 1).stride(stride, stride)
          .noBias(true).workspace(WORKSPACE).name(name + "_conv1sc").build();
      shortcut = bn(nn, conv1sc, name + "_sc");
    }
    return nn.relu(name + "_relu3", nn.add(last, shortcut));
  }

  private static Symbol bn(Layers nn, Symbol data, String name) {
    return nn.bn(data).fixGamma(false).eps(EPS).momentum(BN_MOM).name(name).build();
  }
}
