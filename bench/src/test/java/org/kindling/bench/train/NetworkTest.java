package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

class NetworkTest {

  @Test
  void bothNetworksReadTheSame784FloatsPerImage() {
    assertThat(Network.MLP.batchShape(128)).containsExactly(128, 784);
    assertThat(Network.LENET.batchShape(128)).containsExactly(128, 1, 28, 28);
    for (Network n : Network.values()) {
      long perSample = 1;
      for (long d : n.sampleShape()) {
        perSample *= d;
      }
      assertThat(perSample).as(n.id()).isEqualTo(FashionMnist.FEATURES);
    }
  }

  @Test
  void idsParseCaseInsensitivelyAndUnknownOnesAreNamed() {
    assertThat(Network.of(" LeNet ")).isEqualTo(Network.LENET);
    assertThat(Network.of("mlp")).isEqualTo(Network.MLP);
    assertThatThrownBy(() -> Network.of("vgg16"))
        .hasMessageContaining("unknown network 'vgg16'").hasMessageContaining("mlp,lenet");
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

  @Test
  void mlpHasItsLayerSizes() {
    int[] h = Network.MLP_HIDDEN;
    long expected = 784L * h[0] + h[0] + (long) h[0] * h[1] + h[1] + h[1] * 10L + 10;
    assertThat(parameters(KindlingRunner.symbol(Network.MLP), Shape.of(1, 784)))
        .isEqualTo(expected);
  }

  /** Sum of the sizes of a symbol's weights and biases at a data shape. */
  private static long parameters(Symbol net, Shape data) {
    long n = 0;
    for (Map.Entry<String, Shape> e : net.inferShape(Map.of("data", data)).arguments().entrySet()) {
      if (e.getKey().endsWith("_weight") || e.getKey().endsWith("_bias")) {
        n += e.getValue().size();
      }
    }
    return n;
  }
}
