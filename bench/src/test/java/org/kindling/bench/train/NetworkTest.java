package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

class NetworkTest {

  @Test
  void mlpAndLenetReadThe784FloatsOfAnImageUnchanged() {
    assertThat(Network.MLP.batchShape(128)).containsExactly(128, 784);
    assertThat(Network.LENET.batchShape(128)).containsExactly(128, 1, 28, 28);
    float[] pixels = new float[2 * FashionMnist.FEATURES];
    assertThat(Network.MLP.input(pixels, 2)).isSameAs(pixels);
    assertThat(Network.LENET.input(pixels, 2)).isSameAs(pixels);
  }

  @Test
  void resnetReadsEachImagePaddedTo32SquareOnThreeChannels() {
    assertThat(Network.RESNET18.batchShape(4)).containsExactly(4, 3, 32, 32);
    float[] pixels = new float[2 * FashionMnist.FEATURES];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = i + 1;
    }
    float[] x = Network.RESNET18.input(pixels, 2);
    assertThat(x).hasSize(2 * 3 * 32 * 32);
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int col = 0; col < 32; col++) {
            boolean inside = y >= 2 && y < 30 && col >= 2 && col < 30;
            float expected = inside ? pixels[n * 784 + (y - 2) * 28 + col - 2] : 0f;
            assertThat(x[((n * 3 + c) * 32 + y) * 32 + col])
                .as("image %d channel %d (%d, %d)", n, c, y, col).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void idsParseCaseInsensitivelyAndUnknownOnesAreNamed() {
    assertThat(Network.of(" LeNet ")).isEqualTo(Network.LENET);
    assertThat(Network.of("mlp")).isEqualTo(Network.MLP);
    assertThatThrownBy(() -> Network.of("vgg16"))
        .hasMessageContaining("unknown network 'vgg16'").hasMessageContaining("mlp,lenet,resnet18");
  }

  /**
   * The peers build LeNet from {@link Network}'s constants; Kindling takes the zoo's. Both must
   * describe the same network: the parameter counts the peers print must match Kindling's.
   */
  @Test
  void lenetConstantsGiveTheZooNetworksParameterCount() {
    int k = Network.LENET_KERNEL * Network.LENET_KERNEL;
    int[] f = Network.LENET_FILTERS;
    // 28 -conv5-> 24 -pool2-> 12 -conv5-> 8 -pool2-> 4
    int side = ((28 - Network.LENET_KERNEL + 1) / Network.LENET_POOL - Network.LENET_KERNEL + 1)
        / Network.LENET_POOL;
    long fromConstants = (long) f[0] * k + f[0]
        + (long) f[1] * f[0] * k + f[1]
        + (long) f[1] * side * side * Network.LENET_HIDDEN + Network.LENET_HIDDEN
        + (long) Network.LENET_HIDDEN * FashionMnist.CLASSES + FashionMnist.CLASSES;
    assertThat(fromConstants).isEqualTo(parameters(KindlingRunner.symbol(Network.LENET),
        Shape.of(1, 1, 28, 28)));
    assertThat(fromConstants).isEqualTo(431_080);
  }

  /**
   * The peers build ResNet-18 from {@link Network}'s constants ({@code DjlResNet}); Kindling
   * takes the zoo's {@code resnet18_v1}: the count from the constants must be the zoo's.
   */
  @Test
  void resnetConstantsGiveTheZooNetworksParameterCount() {
    int[] f = Network.RESNET_FILTERS;
    long bn = 2; // gamma and beta per channel
    long n = 3L * f[0] * 9 + bn * f[0]; // stem
    int in = f[0];
    for (int filters : f) {
      // first unit: two 3x3 convolutions, two BatchNorms, the 1x1 projection and its BatchNorm
      n += (long) in * filters * 9 + (long) filters * filters * 9 + 2 * bn * filters
          + (long) in * filters + bn * filters;
      for (int u = 1; u < Network.RESNET_UNITS; u++) {
        n += 2L * filters * filters * 9 + 2 * bn * filters;
      }
      in = filters;
    }
    n += (long) in * FashionMnist.CLASSES + FashionMnist.CLASSES;
    assertThat(parameters(KindlingRunner.symbol(Network.RESNET18), Shape.of(1, 3, 32, 32)))
        .isEqualTo(n);
    assertThat(n).isEqualTo(11_178_186);
  }

  @Test
  void mlpHasItsLayerSizes() {
    int[] h = Network.MLP_HIDDEN;
    long expected = 784L * h[0] + h[0] + (long) h[0] * h[1] + h[1] + h[1] * 10L + 10;
    assertThat(parameters(KindlingRunner.symbol(Network.MLP), Shape.of(1, 784)))
        .isEqualTo(expected);
  }

  /** Sum of the sizes of a symbol's weights, biases, gammas and betas at a data shape. */
  private static long parameters(Symbol net, Shape data) {
    long n = 0;
    for (Map.Entry<String, Shape> e : net.inferShape(Map.of("data", data)).arguments().entrySet()) {
      String k = e.getKey();
      if (k.endsWith("_weight") || k.endsWith("_bias") || k.endsWith("_gamma")
          || k.endsWith("_beta")) {
        n += e.getValue().size();
      }
    }
    return n;
  }
}
