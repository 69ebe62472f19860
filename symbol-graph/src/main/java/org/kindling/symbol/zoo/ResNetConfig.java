package org.kindling.symbol.zoo;

import java.util.Arrays;
import org.kindling.tensor.Shape;

/**
 * The depth rules that both MXNet ResNet scripts ({@code resnet.py} and {@code resnet-v1.py})
 * apply in {@code get_symbol}: for images of height at most 28, three stages with
 * {@code (num_layers - 2) / 9} bottleneck units of filters 16, 64, 128, 256 when
 * {@code num_layers >= 164} and {@code (num_layers - 2) % 9 == 0}, otherwise
 * {@code (num_layers - 2) / 6} basic units of 16, 16, 32, 64 when
 * {@code (num_layers - 2) % 6 == 0} (CIFAR's 20, 32, 44, 56, 110); for taller images four stages
 * with the ImageNet unit counts of 18, 34, 50, 101, 152, 200, 269 layers, bottlenecks from 50
 * on. (The stem is chosen separately, by {@code height <= 32}, so a 32x32 image gets the
 * ImageNet depths with the small 3x3 stem, as in MXNet.)
 *
 * @param units units per stage
 * @param filterList the stem's filters, then each stage's
 * @param bottleNeck bottleneck (1x1-3x3-1x1) units rather than basic (3x3-3x3) ones
 */
public record ResNetConfig(int[] units, int[] filterList, boolean bottleNeck) {
  /** Copies the arrays; {@code filterList} has one more entry than {@code units}. */
  public ResNetConfig {
    units = units.clone();
    filterList = filterList.clone();
    if (filterList.length != units.length + 1) {
      throw new IllegalArgumentException("filter_list " + Arrays.toString(filterList)
          + " needs one entry more than units " + Arrays.toString(units));
    }
  }

  /** The number of stages ({@code num_stages}). */
  public int numStages() {
    return units.length;
  }

  @Override
  public int[] units() {
    return units.clone();
  }

  @Override
  public int[] filterList() {
    return filterList.clone();
  }

  /**
   * MXNet's {@code get_symbol} rules for {@code numLayers} on images of {@code imageShape}
   * (channels, height, width).
   *
   * @throws IllegalArgumentException for a depth MXNet rejects ("no experiments done on
   *     num_layers ...")
   */
  public static ResNetConfig of(int numLayers, Shape imageShape) {
    int height = imageShape.get(1);
    if (height <= 28) {
      int perUnit;
      int[] filterList;
      boolean bottleNeck;
      if ((numLayers - 2) % 9 == 0 && numLayers >= 164) {
        perUnit = (numLayers - 2) / 9;
        filterList = new int[] {16, 64, 128, 256};
        bottleNeck = true;
      } else if ((numLayers - 2) % 6 == 0 && numLayers < 164) {
        perUnit = (numLayers - 2) / 6;
        filterList = new int[] {16, 16, 32, 64};
        bottleNeck = false;
      } else {
        throw noExperiments(numLayers);
      }
      return new ResNetConfig(new int[] {perUnit, perUnit, perUnit}, filterList, bottleNeck);
    }
    int[] filterList = numLayers >= 50
        ? new int[] {64, 256, 512, 1024, 2048} : new int[] {64, 64, 128, 256, 512};
    int[] units = switch (numLayers) {
      case 18 -> new int[] {2, 2, 2, 2};
      case 34, 50 -> new int[] {3, 4, 6, 3};
      case 101 -> new int[] {3, 4, 23, 3};
      case 152 -> new int[] {3, 8, 36, 3};
      case 200 -> new int[] {3, 24, 36, 3};
      case 269 -> new int[] {3, 30, 48, 8};
      default -> throw noExperiments(numLayers);
    };
    return new ResNetConfig(units, filterList, numLayers >= 50);
  }

  private static IllegalArgumentException noExperiments(int numLayers) {
    return new IllegalArgumentException(
        "no experiments done on num_layers " + numLayers + ", you can do it yourself");
  }

  /** {@code (channels, height, width)} of an image shape, checked. */
  static Shape checkImage(Shape imageShape) {
    if (imageShape.ndim() != 3) {
      throw new IllegalArgumentException(
          "image shape " + imageShape + " is not (channels, height, width)");
    }
    return imageShape;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResNetConfig c && Arrays.equals(units, c.units)
        && Arrays.equals(filterList, c.filterList) && bottleNeck == c.bottleNeck;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(units) + Arrays.hashCode(filterList))
        + Boolean.hashCode(bottleNeck);
  }

  @Override
  public String toString() {
    return "ResNetConfig[units=" + Arrays.toString(units) + ", filterList="
        + Arrays.toString(filterList) + ", bottleNeck=" + bottleNeck + "]";
  }
}
