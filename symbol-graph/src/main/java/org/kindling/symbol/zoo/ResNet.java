package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

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

  /** {@code resnet.get_symbol(num_classes, num_layers, image_shape)}. */
  public static Symbol get(int numClasses, int numLayers, Shape imageShape) {
    return resnet(ResNetConfig.of(numLayers, ResNetConfig.checkImage(imageShape)), numClasses,
        imageShape);
  }

  /** {@code resnet.resnet(units, num_stages, filter_list, num_classes, image_shape, ...)}. */
  public static Symbol resnet(ResNetConfig config, int numClasses, Shape imageShape) {
    Layers nn = new Layers();
    Symbol data = ResNetLayers.input(nn, imageShape);
    data = ResNetLayers.bn(nn, data, true, "bn_data");
    boolean small = imageShape.get(1) <= 32;
    Symbol body = ResNetLayers.conv0(nn, data, config.filterList()[0], small);
    if (!small) {
      body = ResNetLayers.poolingStem(nn, body);
    }
    body = ResNetLayers.stages(nn, body, config, ResNet::residualUnit);
    Symbol relu1 = nn.relu("relu1", ResNetLayers.bn(nn, body, "bn1"));
    return ResNetLayers.head(nn, relu1, numClasses);
  }

  /** {@code resnet.residual_unit}: a pre-activation unit; {@code stride} in both dimensions. */
  static Symbol residualUnit(Layers nn, Symbol data, int numFilter, int stride,
      boolean dimMatch, String name, boolean bottleNeck) {
    Symbol act1 = nn.relu(name + "_relu1", ResNetLayers.bn(nn, data, name + "_bn1"));
    Symbol last;
    if (bottleNeck) {
      int quarter = (int) (numFilter * 0.25);
      Symbol conv1 = ResNetLayers.conv(nn, act1, quarter, 1, 1, 0, name + "_conv1");
      Symbol act2 = nn.relu(name + "_relu2", ResNetLayers.bn(nn, conv1, name + "_bn2"));
      Symbol conv2 = ResNetLayers.conv(nn, act2, quarter, 3, stride, 1, name + "_conv2");
      Symbol act3 = nn.relu(name + "_relu3", ResNetLayers.bn(nn, conv2, name + "_bn3"));
      last = ResNetLayers.conv(nn, act3, numFilter, 1, 1, 0, name + "_conv3");
    } else {
      Symbol conv1 = ResNetLayers.conv(nn, act1, numFilter, 3, stride, 1, name + "_conv1");
      Symbol act2 = nn.relu(name + "_relu2", ResNetLayers.bn(nn, conv1, name + "_bn2"));
      last = ResNetLayers.conv(nn, act2, numFilter, 3, 1, 1, name + "_conv2");
    }
    Symbol shortcut = dimMatch ? data
        : ResNetLayers.projection(nn, act1, numFilter, stride, name + "_sc");
    return nn.add(last, shortcut);
  }
}
