package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/** softmax and log_softmax on MXNet's documented examples, lengths and special values. */
class SoftmaxOpTest {
  @Test
  void matchesMxnetsDocumentedExamples() {
    var h = KernelHarness.of(SoftmaxOp.OP, SoftmaxOp.Params.of(0), Shape.of(2, 3));
    KernelHarness.set(h.in[0], 1, 1, 1, 1, 1, 1);
    h.forward(false, 1);
    assertThat(KernelHarness.get(h.out[0])).containsOnly(0.5);

    var log = KernelHarness.of(LogSoftmax.OP, SoftmaxOp.Params.of(-1), Shape.of(3));
    KernelHarness.set(log.in[0], 1, 2, 0.1);
    log.forward(false, 1);
    assertThat(KernelHarness.get(log.out[0])).containsExactly(
        new double[] {-1.41702998, -0.41702995, -2.31702995}, within(1e-6));
  }

  @Test
  void aLengthMasksTheTailOfEachRow() {
    var h = new KernelHarness<>(SoftmaxOp.OP, SoftmaxOp.Params.of(-1).withUseLength(true),
        new Shape[] {Shape.of(2, 4), null}, new DType[] {DType.FLOAT32, DType.INT32});
    assertThat(h.in[1].shape()).isEqualTo(Shape.of(2));
    KernelHarness.set(h.in[0], 1, 2, 3, 4, 1, 2, 3, 4);
    KernelHarness.set(h.in[1], 2, 0);
    h.forward(false, 1);
    double e = Math.exp(1);
    assertThat(KernelHarness.get(h.out[0])).containsExactly(
        new double[] {1 / (1 + e), e / (1 + e), 0, 0, 0, 0, 0, 0}, within(1e-6));
    assertThatThrownBy(() -> KernelHarness.of(LogSoftmax.OP,
        SoftmaxOp.Params.of(-1).withUseLength(true), Shape.of(2, 4), Shape.of(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use_length");
  }

  @Test
  void aNanOrPositiveInfinityMakesItsWholeRowNan() {
    var h = KernelHarness.of(SoftmaxOp.OP, SoftmaxOp.Params.of(-1), Shape.of(3, 3));
    KernelHarness.set(h.in[0], 1, Double.NaN, 2, 1, Double.POSITIVE_INFINITY, 2, 0,
        Double.NEGATIVE_INFINITY, 0);
    h.forward(false, 1);
    double[] y = KernelHarness.get(h.out[0]);
    for (int i = 0; i < 6; i++) {
      assertThat(y[i]).isNaN();
    }
    assertThat(new double[] {y[6], y[7], y[8]}).containsExactly(0.5, 0, 0.5);
  }

  @Test
  void temperatureDividesTheLogits() {
    var h = KernelHarness.of(SoftmaxOp.OP, SoftmaxOp.Params.of(-1).withTemperature(2.0),
        Shape.of(2));
    KernelHarness.set(h.in[0], 0, 2);
    h.forward(false, 1);
    double e = Math.exp(1);
    assertThat(KernelHarness.get(h.out[0]))
        .containsExactly(new double[] {1 / (1 + e), e / (1 + e)}, within(1e-6));
    SoftmaxOp.Params p = SoftmaxOp.OP.parseAttrs("s",
        Map.of("temperature", "None", "dtype", "None", "use_length", "False", "axis", "1"));
    assertThat(p).isEqualTo(new SoftmaxOp.Params(1, null, null, false));
  }
}
