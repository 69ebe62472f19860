package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpRegistry;

/**
 * BatchNorm's stateful behaviour, which the generic suite cannot see: what the hidden outputs
 * hold, and that the moving statistics change in the training backward pass (as in MXNet 1.9.1's
 * CPU and oneDNN kernels), not in the forward pass.
 */
class BatchNormTest {
  // data (N=2, C=2, W=2): channel 0 holds 1, 2, 5, 6; channel 1 holds 3, 4, 7, 8
  private static final double[] DATA = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final double EPS = (float) 1e-3;

  private static KernelHarness<BatchNorm.Params> harness(BatchNorm.Params p) {
    Shape c = Shape.of(2);
    KernelHarness<BatchNorm.Params> h =
        KernelHarness.of(BatchNorm.OP, p, Shape.of(2, 2, 2), c, c, c, c);
    KernelHarness.set(h.in[0], DATA);
    KernelHarness.set(h.in[1], 2, 3); // gamma
    KernelHarness.set(h.in[2], 0.5, -0.5); // beta
    KernelHarness.set(h.in[3], 1, -1); // moving mean
    KernelHarness.set(h.in[4], 4, 9); // moving var
    return h;
  }

  @Test
  void trainingForwardUsesBatchStatisticsAndLeavesTheMovingStatisticsAlone() {
    var h = harness(BatchNorm.Params.defaults().withFixGamma(false));
    h.forward(true, 1);
    // both channels: mean 3.5 / 5.5, biased variance 4.25
    double inv = 1 / Math.sqrt(4.25 + EPS);
    assertThat(KernelHarness.get(h.out[1])).containsExactly(new double[] {3.5, 5.5},
        within(1e-6));
    assertThat(KernelHarness.get(h.out[2])).as("the hidden 'var' output is 1/sqrt(var + eps)")
        .containsExactly(new double[] {inv, inv}, within(1e-6));
    assertThat(KernelHarness.get(h.out[0])[0]).isCloseTo((1 - 3.5) * inv * 2 + 0.5,
        within(1e-5));
    assertThat(KernelHarness.get(h.in[3])).containsExactly(1, -1);
    assertThat(KernelHarness.get(h.in[4])).containsExactly(4, 9);
  }

  @Test
  void theTrainingBackwardPassUpdatesTheMovingStatisticsWithMomentum() {
    var h = harness(BatchNorm.Params.defaults());
    h.forward(true, 1);
    h.backward(true, 1, new double[][] {new double[8]}, true, true, true);
    // moving = moving * 0.9 + batch * 0.1, with the biased batch variance recovered from invstd
    assertThat(KernelHarness.get(h.in[3]))
        .containsExactly(new double[] {1 * 0.9 + 3.5 * 0.1, -1 * 0.9 + 5.5 * 0.1}, within(1e-5));
    assertThat(KernelHarness.get(h.in[4]))
        .containsExactly(new double[] {4 * 0.9 + 4.25 * 0.1, 9 * 0.9 + 4.25 * 0.1}, within(1e-4));
  }

  @Test
  void globalStatisticsAndInferenceNeverUpdateTheMovingStatistics() {
    var global = harness(BatchNorm.Params.defaults().withUseGlobalStats(true));
    global.forward(true, 1);
    global.backward(true, 1, new double[][] {new double[8]}, true, true, true);
    assertThat(KernelHarness.get(global.in[3])).containsExactly(1, -1);
    assertThat(KernelHarness.get(global.in[4])).containsExactly(4, 9);

    var infer = harness(BatchNorm.Params.defaults());
    infer.forward(false, 1);
    infer.backward(false, 1, new double[][] {new double[8]}, true, true, true);
    assertThat(KernelHarness.get(infer.in[3])).containsExactly(1, -1);
    assertThat(KernelHarness.get(infer.in[4])).containsExactly(4, 9);
  }

  @Test
  void inferenceNormalizesWithTheMovingStatisticsAndReportsThemInTheHiddenOutputs() {
    var h = harness(BatchNorm.Params.defaults().withFixGamma(false));
    h.forward(false, 1);
    assertThat(KernelHarness.get(h.out[1])).containsExactly(1, -1);
    assertThat(KernelHarness.get(h.out[2])).containsExactly(
        new double[] {1 / Math.sqrt(4 + EPS), 1 / Math.sqrt(9 + EPS)}, within(1e-6));
    // element 2 is channel 1: (3 - (-1)) / sqrt(9 + eps) * 3 - 0.5
    assertThat(KernelHarness.get(h.out[0])[2])
        .isCloseTo(4 / Math.sqrt(9 + EPS) * 3 - 0.5, within(1e-5));
  }

  @Test
  void fixGammaIgnoresGammaGivesItNoGradientAndDoesNotWriteIt() {
    var h = harness(BatchNorm.Params.defaults());
    h.forward(true, 1);
    double inv = 1 / Math.sqrt(4.25 + EPS);
    assertThat(KernelHarness.get(h.out[0])[0]).isCloseTo((1 - 3.5) * inv + 0.5, within(1e-5));
    var g = h.backward(true, 1, new double[][] {{1, 2, 3, 4, 5, 6, 7, 8}}, true, true, true);
    assertThat(KernelHarness.get(g[1])).containsExactly(0, 0);
    assertThat(KernelHarness.get(g[2])).containsExactly(1 + 2 + 5 + 6, 3 + 4 + 7 + 8);
    assertThat(KernelHarness.get(h.in[1])).containsExactly(2, 3);
  }

  @Test
  void parsesMxnetAttributesAndShowsMeanAndVarOnlyWhenAsked() {
    var op = OpRegistry.get("_npx_batch_norm");
    assertThat(op).isEqualTo(BatchNorm.OP);
    BatchNorm.Params p = BatchNorm.OP.parseAttrs("bn", Map.of("eps", "1e-05",
        "fix_gamma", "False", "axis", "-1", "output_mean_var", "True",
        "min_calib_range", "None"));
    assertThat(p.eps()).isEqualTo(1e-5);
    assertThat(p.axis()).isEqualTo(-1);
    assertThat(p.minCalibRange()).isNull();
    assertThat(BatchNorm.OP.numVisibleOutputs(p)).isEqualTo(3);
    assertThat(BatchNorm.OP.numVisibleOutputs(BatchNorm.Params.defaults())).isEqualTo(1);
    assertThat(BatchNorm.OP.defaults()).isEqualTo(BatchNorm.Params.defaults());
    assertThat(BatchNorm.OP.toAttrs(BatchNorm.Params.defaults())).isEmpty();
    assertThat(BatchNorm.OP.mutableInputs(p)).containsExactlyInAnyOrder(3, 4);
  }

  @Test
  void aChannelAxisOutOfRangeIsNamed() {
    assertThatThrownBy(() -> KernelHarness.of(BatchNorm.OP,
        BatchNorm.Params.defaults().withAxis(3), Shape.of(2, 2, 2), null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis");
  }
}
