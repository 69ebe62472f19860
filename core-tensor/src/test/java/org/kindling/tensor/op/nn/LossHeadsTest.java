package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;

/** The loss heads' normalizations and shape rules, with MXNet's numbers worked by hand. */
class LossHeadsTest {
  @Test
  void regressionGradientsAreScaledByGradScaleOverOutputsPerExample() {
    var h = KernelHarness.of(RegressionOutput.LINEAR, new RegressionOutput.Params(3f),
        Shape.of(2, 3), Shape.of(2, 3));
    KernelHarness.set(h.in[0], 1, 2, 3, 4, 5, 6);
    KernelHarness.set(h.in[1], 0, 0, 0, 1, 1, 1);
    h.forward(true, 1);
    double[] dx = KernelHarness.get(h.backward(true, 1, new double[0][], true, true)[0]);
    assertThat(dx).containsExactly(new double[] {1, 2, 3, 3, 4, 5}, within(1e-6)); // x·3/3

    var mae = KernelHarness.of(RegressionOutput.MAE, new RegressionOutput.Params(1f),
        Shape.of(1, 4), Shape.of(1, 4));
    KernelHarness.set(mae.in[0], 1, 2, 3, 4);
    KernelHarness.set(mae.in[1], 0, 2, 5, 4);
    mae.forward(true, 1);
    assertThat(KernelHarness.get(mae.backward(true, 1, new double[0][], true)[0]))
        .as("a zero difference gives -1, as MXNet's minus_sign")
        .containsExactly(0.25, -0.25, -0.25, -0.25);
  }

  @Test
  void logisticRegressionOutputsTheSigmoid() {
    var h = new KernelHarness<>(RegressionOutput.LOGISTIC, RegressionOutput.Params.defaults(),
        new Shape[] {Shape.of(2, 1), null}, new DType[] {DType.FLOAT32, DType.FLOAT32});
    assertThat(h.in[1].shape()).as("(N, 1) data gets an (N,) label").isEqualTo(Shape.of(2));
    KernelHarness.set(h.in[0], 0, 2);
    KernelHarness.set(h.in[1], 1, 0);
    h.forward(true, 1);
    double s = 1 / (1 + Math.exp(-2));
    assertThat(KernelHarness.get(h.out[0])).containsExactly(new double[] {0.5, s}, within(1e-7));
    assertThat(KernelHarness.get(h.backward(true, 1, new double[0][], true)[0]))
        .containsExactly(new double[] {-0.5, s}, within(1e-7));
  }

  @Test
  void aLabelMustMatchTheDataSizeAndFirstExtent() {
    assertThatThrownBy(() -> KernelHarness.of(RegressionOutput.LINEAR,
        RegressionOutput.Params.defaults(), Shape.of(2, 3), Shape.of(3, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label shape");
    assertThat(OpRegistry.get("_sparse_MAERegressionOutput").name())
        .isEqualTo("MAERegressionOutput");
  }

  @Test
  void makeLossNormalizesByRowsOfTheFlattenedDataOrByValidElements() {
    var batch = KernelHarness.of(MakeLoss.OP,
        new MakeLoss.Params(2f, 0f, Normalization.BATCH), Shape.of(2, 3, 4));
    batch.forward(true, 1);
    // MXNet divides by FlatTo2D's first extent: 2·3 rows, not the batch size 2
    assertThat(KernelHarness.get(batch.backward(true, 1, new double[0][], true)[0]))
        .containsOnly((double) (2f / 6));

    var valid = KernelHarness.of(MakeLoss.OP,
        new MakeLoss.Params(1f, 0.5f, Normalization.VALID), Shape.of(5));
    KernelHarness.set(valid.in[0], 0.1, 0.6, 0.5, 2, -1);
    valid.forward(true, 1);
    assertThat(KernelHarness.get(valid.backward(true, 1, new double[0][], true)[0]))
        .as("0.6 and 2 are above 0.5").containsOnly(0.5);

    var none = KernelHarness.of(MakeLoss.OP,
        new MakeLoss.Params(1f, 0.5f, Normalization.VALID), Shape.of(2));
    KernelHarness.set(none.in[0], 0.1, 0.2);
    none.forward(true, 1);
    assertThat(KernelHarness.get(none.backward(true, 1, new double[0][], true)[0]))
        .as("no valid element divides by 1").containsExactly(1, 1);
  }

  @Test
  void makeLossWritesOnesAndBlockGradStopsTheGradient() {
    var ml = KernelHarness.of(MakeLossUnary.OP, org.kindling.tensor.op.NoParams.NONE,
        Shape.of(3));
    KernelHarness.set(ml.in[0], 5, 6, 7);
    ml.forward(true, 1);
    assertThat(KernelHarness.get(ml.out[0])).containsExactly(5, 6, 7);
    assertThat(KernelHarness.get(ml.backward(true, 1, new double[][] {{9, 9, 9}}, true)[0]))
        .containsExactly(1, 1, 1);
    assertThat(MakeLossUnary.OP.outputNames(org.kindling.tensor.op.NoParams.NONE))
        .containsExactly("loss");
    assertThat(BlockGrad.OP.gradient(org.kindling.tensor.op.NoParams.NONE))
        .isEqualTo(OpDef.Gradient.ZERO);
    assertThat(OpRegistry.get("stop_gradient").name()).isEqualTo("BlockGrad");
    assertThat(OpRegistry.get("identity").name()).isEqualTo("_copy");
  }
}
