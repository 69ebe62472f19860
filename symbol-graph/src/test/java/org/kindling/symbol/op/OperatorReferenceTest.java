package org.kindling.symbol.op;

import static org.kindling.symbol.op.GradientAssert.assertClose;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

/** Every forward kernel against the operator's naive float64 reference kernel. */
class OperatorReferenceTest {
  private final SplittableRandom rnd = new SplittableRandom(7);

  private <P> void check(Operator<P> op, P params, Shape... inShapes) {
    check(1e-5, op, params, inShapes);
  }

  /** {@code atol} covers float32 accumulation over long dot products. */
  private <P> void check(double atol, Operator<P> op, P params, Shape... inShapes) {
    OpHarness<P> h = new OpHarness<>(op, params, inShapes);
    float[][] in = new float[inShapes.length][];
    double[][] din = new double[inShapes.length][];
    for (int i = 0; i < in.length; i++) {
      in[i] = TestData.uniform(rnd, inShapes[i].intSize(), -3, 3);
      if (op == Operators.SOFTMAX_OUTPUT && i == 1) {
        in[i] = new float[inShapes[i].intSize()]; // labels do not affect forward
      }
      din[i] = TestData.toDouble(in[i]);
    }
    float[][] actual = h.forward(in);
    double[][] expected = h.op.referenceForward(inShapes, din);
    for (int k = 0; k < expected.length; k++) {
      assertClose(actual[k], expected[k], atol, 1e-5, op + " " + params + " output " + k);
    }
  }

  @Test
  void fullyConnectedMatchesReference() {
    check(Operators.FULLY_CONNECTED, FullyConnected.Params.of(7), Shape.of(5, 3, 4),
        Shape.of(7, 12), Shape.of(7));
    check(Operators.FULLY_CONNECTED, FullyConnected.Params.of(7).withNoBias(true),
        Shape.of(5, 12), Shape.of(7, 12));
    check(Operators.FULLY_CONNECTED, FullyConnected.Params.of(3).withFlatten(false),
        Shape.of(2, 5, 4), Shape.of(3, 4), Shape.of(3));
    // MXNet also accepts a (num_hidden, 1) bias
    check(Operators.FULLY_CONNECTED, FullyConnected.Params.of(3), Shape.of(4, 2),
        Shape.of(3, 2), Shape.of(3, 1));
  }

  @Test
  void fullyConnectedMatchesReferenceAtTheMlpTrainingSize() {
    check(5e-4, Operators.FULLY_CONNECTED, FullyConnected.Params.of(256), Shape.of(128, 784),
        Shape.of(256, 784), Shape.of(256));
  }

  @Test
  void activationsMatchReference() {
    for (Activation.ActType t : Activation.ActType.values()) {
      check(Operators.ACTIVATION, new Activation.Params(t), Shape.of(4, 9));
    }
  }

  @Test
  void softrelu_isLinearAboveTwenty() {
    OpHarness<Activation.Params> h = new OpHarness<>(Operators.ACTIVATION,
        new Activation.Params(Activation.ActType.SOFTRELU), Shape.of(2));
    float[] y = h.forward(new float[][] {{25f, 0f}})[0];
    assertClose(y, new double[] {25.0, Math.log(2)}, 1e-6, 1e-6, "softrelu");
  }

  @Test
  void softmaxOutputMatchesReferenceInEveryLayout() {
    SoftmaxOutput.Params d = SoftmaxOutput.Params.defaults();
    check(Operators.SOFTMAX_OUTPUT, d, Shape.of(6, 10), Shape.of(6));
    check(Operators.SOFTMAX_OUTPUT, d.withMultiOutput(true), Shape.of(2, 3, 5),
        Shape.of(2, 5));
    check(Operators.SOFTMAX_OUTPUT, d.withPreserveShape(true), Shape.of(2, 3, 5),
        Shape.of(2, 3));
  }

  @Test
  void copyLikeOperatorsMatchReference() {
    check(Operators.FLATTEN, NoParams.NONE, Shape.of(2, 3, 4));
    check(Operators.RESHAPE, Reshape.Params.of(4, -1), Shape.of(2, 3, 4));
    check(Operators.ELEMWISE_ADD, NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4));
  }

  @Test
  void everyRegisteredOperatorHasAReferenceKernelTest() {
    // Guards this file: a new operator must be added to the checks above.
    org.assertj.core.api.Assertions.assertThat(Operators.all())
        .containsExactlyInAnyOrderElementsOf(List.of(Operators.FULLY_CONNECTED,
            Operators.ACTIVATION, Operators.SOFTMAX_OUTPUT, Operators.FLATTEN, Operators.RESHAPE,
            Operators.ELEMWISE_ADD));
  }
}
