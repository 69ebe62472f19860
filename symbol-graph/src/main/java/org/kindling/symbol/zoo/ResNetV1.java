package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

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

  /** {@code resnet-v1.get_symbol(num_classes, num_layers, image_shape)}. */
  public static Symbol get(int numClasses, int numLayers, Shape imageShape) {
    return resnet(ResNetConfig.of(numLayers, ResNetConfig.checkImage(imageShape)), numClasses,
        imageShape);
  }

  /** {@code resnet-v1.resnet(units, num_stages, filter_list, num_classes, image_shape, ...)}. */
  public static Symbol resnet(ResNetConfig config, int numClasses, Shape imageShape) {
    Layers nn = new Layers();
    Symbol data = ResNetLayers.input(nn, imageShape);
    boolean small = imageShape.get(1) <= 32;
    Symbol body = ResNetLayers.conv0(nn, data, config.filterList()[0], small);
    body = small ? ResNetLayers.bn(nn, body, "bn0") : ResNetLayers.poolingStem(nn, body);
    body = ResNetLayers.stages(nn, body, config, ResNetV1::residualUnit);
    return ResNetLayers.head(nn, body, numClasses);
  }

  /** {@code resnet-v1.residual_unit}: a post-activation unit; {@code stride} in both dims. */
  static Symbol residualUnit(Layers nn, Symbol data, int numFilter, int stride,
      boolean dimMatch, String name, boolean bottleNeck) {
    Symbol last;
    if (bottleNeck) {
      int quarter = (int) (numFilter * 0.25);
      Symbol conv1 = ResNetLayers.conv(nn, data, quarter, 1, stride, 0, name + "_conv1");
      Symbol act1 = nn.relu(name + "_relu1", ResNetLayers.bn(nn, conv1, name + "_bn1"));
      Symbol conv2 = ResNetLayers.conv(nn, act1, quarter, 3, 1, 1, name + "_conv2");
      Symbol act2 = nn.relu(name + "_relu2", ResNetLayers.bn(nn, conv2, name + "_bn2"));
      Symbol conv3 = ResNetLayers.conv(nn, act2, numFilter, 1, 1, 0, name + "_conv3");
      last = ResNetLayers.bn(nn, conv3, name + "_bn3");
    } else {
      Symbol conv1 = ResNetLayers.conv(nn, data, numFilter, 3, stride, 1, name + "_conv1");
      Symbol act1 = nn.relu(name + "_relu1", ResNetLayers.bn(nn, conv1, name + "_bn1"));
      Symbol conv2 = ResNetLayers.conv(nn, act1, numFilter, 3, 1, 1, name + "_conv2");
      last = ResNetLayers.bn(nn, conv2, name + "_bn2");
    }
    Symbol shortcut = dimMatch ? data : ResNetLayers.bn(nn,
        ResNetLayers.projection(nn, data, numFilter, stride, name + "_conv1sc"), name + "_sc");
    return nn.relu(name + "_relu3", nn.add(last, shortcut));
  }
}
