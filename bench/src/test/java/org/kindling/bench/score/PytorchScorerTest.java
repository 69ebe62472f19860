package org.kindling.bench.score;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.symbol.module.Module;
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

  /**
   * A pass closes each intermediate after its last reader: what stays open in the pass's
   * manager are the output and the small constants (BatchNorm's fixed gamma, a bias-free
   * convolution's zero bias), no activation but the data (VGG-16's at batch 128 held 15 GB).
   */
  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "inception-bn", "alexnet"})
  void aPassKeepsNoActivationOpen(String network) {
    try (ForwardScore kindling = new ForwardScore(network, 2, 5);
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager(Device.cpu())) {
      Module module = kindling.module();
      Map<String, NDArray> params = new HashMap<>();
      for (String p : module.paramNames()) {
        params.put(p, DjlArrays.copy(manager, module.executor().argDict().get(p)));
      }
      for (String p : module.auxNames()) {
        params.put(p, DjlArrays.copy(manager, module.executor().auxDict().get(p)));
      }
      DjlGraph graph = new DjlGraph(module.symbol().toJson(), params);
      NDArray data = DjlArrays.input(manager, kindling);
      try (NDManager pass = manager.newSubManager()) {
        data.tempAttach(pass);
        NDArray out = graph.forward(data);
        List<NDArray> open = pass.getManagedArrays();
        assertThat(open).as("the output").contains(out);
        long activations = open.stream().filter(a -> a.getShape().dimension() == 4).count();
        assertThat(activations).as(network + ": 4-d arrays open after the pass (the data)")
            .isEqualTo(1);
        assertThat(out.getShape().get(0)).isEqualTo(2);
      }
    }
  }
}
