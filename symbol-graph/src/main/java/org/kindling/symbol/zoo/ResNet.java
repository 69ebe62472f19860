package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * The pre-activation ResNet (v2, "Identity Mappings in Deep Residual Networks") of MXNet's
 * {@code example/image-classification/symbols/resnet.py}, float32, momentum 0.9, workspace 256.
 *
 * <p>{@code data} goes through {@code identity} ({@code id}) and a fixed-gamma BatchNorm
 * ({@code bn_data}); the stem is a 3x3 convolution {@code conv0} for images of height at most 32
 * and otherwise a 7x7/2 convolution, {@code bn0}, {@code relu0} and a 3x3/2 max pooling
 * ({@code pooling0}). Each unit {@code stage<i>_unit<j>} is BatchNorm-relu-convolution twice
 * (basic) or three times (bottleneck, a quarter of the filters in the first two); the first unit
 * of every stage projects the shortcut with a 1x1 convolution {@code _sc} on the first
 * activation and strides by 2 from the second stage on. The sum is Python's {@code +}
 * ({@code _plusK}). Then {@code bn1}, {@code relu1}, global average pooling {@code pool1},
 * {@code flatten0}, {@code fc1} and {@code softmax}.
 */
public final class ResNet {
  private ResNet() {}

  private static final float BN_MOM = 0.9f;
  private static final double EPS = 2e-5;
  private static final long WORKSPACE = 256;

  /** {@code resnet.get_symbol(num_classes, num_layers, image_shape)}. */
  public static Symbol get(int numClasses, int numLayers, Shape imageShape) {
    ResNetConfig.checkImage(imageShape);
    return resnet(ResNetConfig.of(numLayers, imageShape), numClasses, imageShape);
  }

  /** {@code resnet.resnet(units, num_stages, filter_list, num_classes, image_shape, ...)}. */
  public static Symbol resnet(ResNetConfig config, int numClasses, Shape imageShape) {
    ResNetConfig.checkImage(imageShape);
    int[] units = config.units();
    int[] filterList = config.filterList();
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    data = nn.identity("id", data);
    data = nn.bn(data).fixGamma(true).eps(EPS).momentum(BN_MOM).name("bn_data").build();
    int height = imageShape.get(1);
    Symbol body;
    if (height <= 32) { // such as cifar10
      body = nn.conv(data).numFilter(filterList[0]).kernel(3, 3).stride(1, 1).pad(1, 1)
          .noBias(true).name("conv0").workspace(WORKSPACE).build();
    } else { // often expected to be 224 such as imagenet
      body = nn.conv(data).numFilter(filterList[0]).kernel(7, 7).stride(2, 2).pad(3, 3)
          .noBias(true).name("conv0").workspace(WORKSPACE).build();
      body = nn.bn(body).fixGamma(false).eps(EPS).momentum(BN_MOM).name("bn0").build();
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
    Symbol bn1 = nn.bn(body).fixGamma(false).eps(EPS).momentum(BN_MOM).name("bn1").build();
    Symbol relu1 = nn.relu("relu1", bn1);
    // MXNet passes kernel (7, 7) although global_pool ignores it
    Symbol pool1 = nn.pool(relu1).global().kernel(7, 7).type(PoolType.AVG).name("pool1").build();
    Symbol flat = nn.flatten(pool1);
    Symbol fc1 = nn.fc("fc1", flat, numClasses);
    return nn.softmaxOutput("softmax", fc1);
  }

  /** {@code resnet.residual_unit}: a pre-activation unit; {@code stride} in both dimensions. */
  static Symbol residualUnit(Layers nn, Symbol data, int numFilter, int stride,
      boolean dimMatch, String name, boolean bottleNeck) {
    if (bottleNeck) {
      int quarter = (int) (numFilter * 0.25);
      Symbol bn1 = bn(nn, data, name + "_bn1");
      Symbol act1 = nn.relu(name + "_relu1", bn1);
      Symbol conv1 = nn.conv(act1).numFilter(quarter).kernel(1, 1).stride(1, 1).pad(0, 0)
          .noBias(true).workspace(WORKSPACE).name(name + "_conv1").build();
      Symbol bn2 = bn(nn, conv1, name + "_bn2");
      Symbol act2 = nn.relu(name + "_relu2", bn2);
      Symbol conv2 = nn.conv(act2).numFilter(quarter).kernel(3, 3).stride(stride, stride)
          .pad(1, 1).noBias(true).workspace(WORKSPACE).name(name + "_conv2").build();
      Symbol bn3 = bn(nn, conv2, name + "_bn3");
      Symbol act3 = nn.relu(name + "_relu3", bn3);
      Symbol conv3 = nn.conv(act3).numFilter(numFilter).kernel(1, 1).stride(1, 1).pad(0, 0)
          .noBias(true).workspace(WORKSPACE).name(name + "_conv3").build();
      Symbol shortcut = dimMatch ? data : shortcut(nn, act1, numFilter, stride, name);
      return nn.add(conv3, shortcut);
    }
    Symbol bn1 = bn(nn, data, name + "_bn1");
    Symbol act1 = nn.relu(name + "_relu1", bn1);
    Symbol conv1 = nn.conv(act1).numFilter(numFilter).kernel(3, 3).stride(stride, stride)
        .pad(1, 1).noBias(true).workspace(WORKSPACE).name(name + "_conv1").build();
    Symbol bn2 = bn(nn, conv1, name + "_bn2");
    Symbol act2 = nn.relu(name + "_relu2", bn2);
    Symbol conv2 = nn.conv(act2).numFilter(numFilter).kernel(3, 3).stride(1, 1).pad(1, 1)
        .noBias(true).workspace(WORKSPACE).name(name + "_conv2").build();
    Symbol shortcut = dimMatch ? data : shortcut(nn, act1, numFilter, stride, name);
    return nn.add(conv2, shortcut);
  }

  private static Symbol bn(Layers nn, Symbol data, String name) {
    return nn.bn(data).fixGamma(false).eps(EPS).momentum(BN_MOM).name(name).build();
  }

  private static Symbol shortcut(Layers nn, Symbol act1, int numFilter, int stride,
      String name) {
    return nn.conv(act1).numFilter(numFilter).kernel(1, 1).stride(stride, stride).noBias(true)
        .workspace(WORKSPACE).name(name + "_sc").build();
  }
}
