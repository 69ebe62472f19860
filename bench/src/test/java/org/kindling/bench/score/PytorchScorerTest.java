package org.kindling.bench.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.symbol.zoo.ForwardScore;

/**
 * PyTorch (through DJL) runs Kindling's graph with Kindling's weights and gives Kindling's
 * output: the networks cover every operator {@link DjlGraph} maps (depthwise convolution,
 * BatchNorm with fix_gamma, LRN, Dropout, Concat, average and global pooling, addition, copy).
 */
class PytorchScorerTest {
  private static final PytorchScorer PYTORCH = new PytorchScorer(2);

  @ParameterizedTest
  @ValueSource(strings = {"mobilenet0.25", "alexnet", "resnet18", "inception-bn"})
  void pytorchGivesKindlingsOutput(String network) throws Exception {
    try (ForwardScore kindling = new ForwardScore(network, 1, 5);
        PeerNet pytorch = PYTORCH.open(kindling)) {
      kindling.forwardOnce();
      float[] want = kindling.output();
      float[] got = pytorch.forward();
      assertThat(got).hasSameSizeAs(want);
      double diff = 0;
      double scale = 0;
      for (int i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(want[i] - got[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      assertThat(diff / scale).as(network).isLessThan(1e-4);
      // the relative check is not vacuous: the probabilities are not all equal
      assertThat(scale).isGreaterThan(1.0 / want.length);
    }
  }
}
