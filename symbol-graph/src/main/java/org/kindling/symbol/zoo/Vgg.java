package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * VGG as in MXNet's {@code example/image-classification/symbols/vgg.py} (float32): five blocks
 * of 3x3 convolutions ({@code conv<i>_<j>}, optionally followed by a default BatchNorm
 * {@code bn<i>_<j>}) and relu ({@code relu<i>_<j>}), each block ended by a 2x2 max pooling
 * ({@code pool<i>}), then {@code flatten}, {@code fc6}/{@code fc7} of 4096 with relu and
 * dropout 0.5, {@code fc8} to the classes and {@code softmax}. VGG-16 on 3x224x224 with 1000
 * classes has 138,357,544 parameters.
 */
public final class Vgg {
  private Vgg() {}

  /** The depths MXNet defines: 11, 13, 16 and 19. */
  public static final int[] DEPTHS = {11, 13, 16, 19};

  private static final int[] FILTERS = {64, 128, 256, 512, 512};

  /** Convolutions per block for a depth. */
  static int[] layers(int numLayers) {
    return switch (numLayers) {
      case 11 -> new int[] {1, 1, 2, 2, 2};
      case 13 -> new int[] {2, 2, 2, 2, 2};
      case 16 -> new int[] {2, 2, 3, 3, 3};
      case 19 -> new int[] {2, 2, 4, 4, 4};
      default -> throw new IllegalArgumentException(
          "Invalide num_layers " + numLayers + ". Possible choices are 11,13,16,19.");
    };
  }

  /**
   * {@code vgg.get_symbol(num_classes, num_layers, batch_norm)}.
   *
   * @throws IllegalArgumentException for a depth other than 11, 13, 16, 19
   */
  public static Symbol get(int numClasses, int numLayers, boolean batchNorm) {
    int[] layers = layers(numLayers);
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    Symbol feature = feature(nn, data, layers, FILTERS, batchNorm);
    Symbol classifier = classifier(nn, feature, numClasses);
    return nn.softmaxOutput("softmax", classifier);
  }

  private static Symbol feature(Layers nn, Symbol x, int[] layers, int[] filters,
      boolean batchNorm) {
    for (int i = 0; i < layers.length; i++) {
      for (int j = 0; j < layers[i]; j++) {
        String ij = (i + 1) + "_" + (j + 1);
        x = nn.conv(x).kernel(3, 3).pad(1, 1).numFilter(filters[i]).name("conv" + ij).build();
        if (batchNorm) {
          x = nn.bn(x).name("bn" + ij).build();
        }
        x = nn.relu("relu" + ij, x);
      }
      x = nn.pool(x).type(PoolType.MAX).kernel(2, 2).stride(2, 2).name("pool" + (i + 1))
          .build();
    }
    return x;
  }

  private static Symbol classifier(Layers nn, Symbol x, int numClasses) {
    Symbol flatten = nn.flatten("flatten", x);
    Symbol fc6 = nn.fc("fc6", flatten, 4096);
    Symbol relu6 = nn.relu("relu6", fc6);
    Symbol drop6 = nn.dropout("drop6", relu6, 0.5f);
    Symbol fc7 = nn.fc("fc7", drop6, 4096);
    Symbol relu7 = nn.relu("relu7", fc7);
    Symbol drop7 = nn.dropout("drop7", relu7, 0.5f);
    return nn.fc("fc8", drop7, numClasses);
  }
}
