package org.kindling.symbol.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

/**
 * Every network family and depth of the zoo at its usual input, with MXNet 1.9.1's parameter and
 * auxiliary-state counts (every argument but {@code data} and {@code softmax_label}; auxiliary
 * states apart): the cases of {@code ZooTest}, which checks Kindling's counts, and of it/'s
 * {@code ZooMatchesMxnetIT}, which checks MXNet's own. Published counts that agree are listed in
 * {@code ZooTest}. Also the values both give a network's arrays ({@link #initial}).
 */
public final class ZooCases {
  /** MNIST images: 1 x 28 x 28. */
  public static final Shape MNIST = Shape.of(1, 28, 28);
  /** ImageNet images: 3 x 224 x 224. */
  public static final Shape IMAGENET = Shape.of(3, 224, 224);
  /** CIFAR images cropped to 28 x 28, as MXNet's image-classification example trains them. */
  public static final Shape CIFAR28 = Shape.of(3, 28, 28);
  /** CIFAR images: 3 x 32 x 32. */
  public static final Shape CIFAR32 = Shape.of(3, 32, 32);

  private ZooCases() {}

  /**
   * A network at a canonical input with its expected parameter and auxiliary-state counts.
   *
   * @param name the zoo's name ({@link Zoo#get})
   * @param classes the number of classes
   * @param image one image's shape (channels, height, width)
   * @param params parameter elements
   * @param aux auxiliary-state elements
   */
  public record Case(String name, int classes, Shape image, long params, long aux) {
    /** The network. */
    public Symbol symbol() {
      return Zoo.get(name, classes, image);
    }

    /** A data shape of {@code batch} images. */
    public Shape data(int batch) {
      return Shape.of(batch, image.get(0), image.get(1), image.get(2));
    }

    @Override
    public String toString() {
      return name + " " + image;
    }
  }

  /** Every network family and depth at its usual input, with MXNet's counts. */
  public static List<Case> canonical() {
    List<Case> c = new ArrayList<>(List.of(
        new Case("mlp", 10, MNIST, 109_386, 0),
        new Case("lenet", 10, MNIST, 431_080, 0),
        new Case("alexnet", 1000, IMAGENET, 50_844_008, 0),
        new Case("vgg11", 1000, IMAGENET, 132_863_336, 0),
        new Case("vgg13", 1000, IMAGENET, 133_047_848, 0),
        new Case("vgg16", 1000, IMAGENET, 138_357_544, 0),
        new Case("vgg19", 1000, IMAGENET, 143_667_240, 0),
        new Case("vgg11_bn", 1000, IMAGENET, 132_868_840, 5_504),
        new Case("vgg13_bn", 1000, IMAGENET, 133_053_736, 5_888),
        new Case("vgg16_bn", 1000, IMAGENET, 138_365_992, 8_448),
        new Case("vgg19_bn", 1000, IMAGENET, 143_678_248, 11_008),
        new Case("resnet18", 1000, IMAGENET, 11_691_950, 7_942),
        new Case("resnet34", 1000, IMAGENET, 21_800_110, 15_366),
        new Case("resnet50", 1000, IMAGENET, 25_549_486, 45_574),
        new Case("resnet101", 1000, IMAGENET, 44_541_614, 97_798),
        new Case("resnet152", 1000, IMAGENET, 60_185_262, 143_878),
        new Case("resnet200", 1000, IMAGENET, 64_666_286, 168_454),
        new Case("resnet269", 1000, IMAGENET, 102_065_838, 245_254),
        new Case("resnet18_v1", 1000, IMAGENET, 11_693_736, 9_728),
        new Case("resnet34_v1", 1000, IMAGENET, 21_801_896, 17_152),
        new Case("resnet50_v1", 1000, IMAGENET, 25_557_032, 53_120),
        new Case("resnet101_v1", 1000, IMAGENET, 44_549_160, 105_344),
        new Case("resnet152_v1", 1000, IMAGENET, 60_192_808, 151_424),
        new Case("resnet20", 10, CIFAR28, 272_544, 1_382),
        new Case("resnet56", 10, CIFAR28, 855_840, 4_070),
        new Case("resnet110", 10, CIFAR28, 1_730_784, 8_102),
        new Case("resnet164", 10, CIFAR28, 1_703_264, 24_230),
        new Case("resnet20_v1", 10, CIFAR28, 272_762, 1_600),
        new Case("resnet164_v1", 10, CIFAR28, 1_704_154, 25_120),
        new Case("resnet18", 10, CIFAR32, 11_176_272, 7_814),
        new Case("resnet18_v1", 10, CIFAR32, 11_178_186, 9_728),
        new Case("mobilenet", 1000, IMAGENET, 4_231_976, 21_888),
        new Case("mobilenet0.25", 1000, IMAGENET, 470_072, 5_472)));
    c.add(new Case("inception-bn", 1000, IMAGENET, 11_295_240, 20_032));
    c.add(new Case("inception-bn", 10, CIFAR28, 1_652_826, 3_424));
    return c;
  }

  /**
   * Random initial values for the array {@code name}, scaled so that deep networks keep
   * activations of order one: He-style uniform weights, gammas and moving variances in
   * [0.5, 1.5], other vectors in [-0.1, 0.1], data in [-1, 1]; zeros for {@code softmax_label}.
   */
  public static float[] initial(String name, Shape shape, SplittableRandom rnd) {
    int n = shape.intSize();
    float[] v = new float[n];
    double lo;
    double hi;
    if (name.equals("softmax_label")) {
      return v;
    } else if (name.equals("data")) {
      lo = -1;
      hi = 1;
    } else if (name.endsWith("_weight")) {
      double fanIn = (double) n / shape.get(0);
      hi = Math.sqrt(6 / fanIn);
      lo = -hi;
    } else if (name.endsWith("_gamma") || name.endsWith("_moving_var")) {
      lo = 0.5;
      hi = 1.5;
    } else {
      lo = -0.1;
      hi = 0.1;
    }
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(lo, hi);
    }
    return v;
  }
}
