package org.kindling.symbol.zoo;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

/**
 * The networks of MXNet's {@code example/image-classification/symbols} by name, for the command
 * line and the benchmarks:
 *
 * <ul>
 *   <li>{@code mlp}, {@code lenet}, {@code alexnet}
 *   <li>{@code vgg11}, {@code vgg13}, {@code vgg16}, {@code vgg19}, and with BatchNorm
 *       {@code vgg11_bn} .. {@code vgg19_bn}
 *   <li>{@code resnet<N>}: the pre-activation ResNet of {@code resnet.py}, {@code resnet<N>_v1}:
 *       the original of {@code resnet-v1.py}; N by MXNet's rules ({@link ResNetConfig}): 18, 34,
 *       50, 101, 152, 200, 269 for images taller than 28, 6k+2 (20, 32, 44, 56, 110, ...) or
 *       9k+2 from 164 for smaller ones
 *   <li>{@code inception-bn}
 *   <li>{@code mobilenet} (width 1.0) and {@code mobilenet0.25}, {@code mobilenet0.5},
 *       {@code mobilenet0.75}, with the image height as the resolution
 * </ul>
 *
 * <p>Names are case-insensitive; {@code resnet-18}, {@code resnet_18} and {@code vgg-16} are
 * accepted too. Every network ends in {@code SoftmaxOutput} named {@code softmax} and reads
 * {@code data} of shape (batch, channels, height, width).
 */
public final class Zoo {
  private Zoo() {}

  private static final Pattern VGG = Pattern.compile("vgg(\\d+)(_bn)?");
  private static final Pattern RESNET = Pattern.compile("resnet(\\d+)(_v1)?");
  private static final Pattern MOBILENET = Pattern.compile("mobilenet(?:_?(0\\.25|0\\.5|0\\.75"
      + "|0\\.50|1\\.0))?");

  /** One canonical name per family and depth that {@link #get} knows, as listed above. */
  public static List<String> names() {
    return List.of("mlp", "lenet", "alexnet",
        "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnet200", "resnet269",
        "resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1", "resnet152_v1",
        "resnet200_v1", "resnet269_v1",
        "inception-bn", "mobilenet", "mobilenet0.75", "mobilenet0.5", "mobilenet0.25");
  }

  /**
   * The network {@code name} for {@code numClasses} classes and images of {@code imageShape}
   * (channels, height, width).
   *
   * @throws IllegalArgumentException for an unknown name, or a depth or image shape that
   *     MXNet's definition rejects
   */
  public static Symbol get(String name, int numClasses, Shape imageShape) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    ResNetConfig.checkImage(imageShape);
    String n = name.toLowerCase(Locale.ROOT).replaceAll("(vgg|resnet)[-_]", "$1");
    switch (n) {
      case "mlp":
        return Mlp.get(numClasses);
      case "lenet":
        return LeNet.get(numClasses);
      case "alexnet":
        return AlexNet.get(numClasses);
      case "inception-bn":
      case "inception_bn":
      case "inceptionbn":
        return InceptionBn.get(numClasses, imageShape);
      default:
        break;
    }
    Matcher m = VGG.matcher(n);
    if (m.matches()) {
      return Vgg.get(numClasses, Integer.parseInt(m.group(1)), m.group(2) != null);
    }
    m = RESNET.matcher(n);
    if (m.matches()) {
      int layers = Integer.parseInt(m.group(1));
      return m.group(2) != null
          ? ResNetV1.get(numClasses, layers, imageShape)
          : ResNet.get(numClasses, layers, imageShape);
    }
    m = MOBILENET.matcher(n);
    if (m.matches()) {
      double alpha = m.group(1) == null ? 1.0 : Double.parseDouble(m.group(1));
      return MobileNet.get(numClasses, alpha, imageShape.get(1));
    }
    throw new IllegalArgumentException("unknown network '" + name + "'; known: " + names());
  }
}
