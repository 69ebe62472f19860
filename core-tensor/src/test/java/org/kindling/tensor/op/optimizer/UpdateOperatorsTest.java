package org.kindling.tensor.op.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.OpInstance;

/**
 * What the generic operator suites cannot express about the update operators: the in-place
 * call optimizers make through the engine (weight as its own output, states carried from one
 * call to the next), AdamW's skip rule, and the float16-only multi-precision kernels.
 */
class UpdateOperatorsTest {
  private static NDArray array(float... v) {
    return NDArray.of(v, Shape.of(v.length));
  }

  private static void assertValues(NDArray a, double... expected) {
    float[] v = a.toFloatArray();
    assertThat(v).hasSize(expected.length);
    for (int i = 0; i < v.length; i++) {
      assertThat((double) v[i]).as("[%d]", i).isCloseTo(expected[i], within(1e-6));
    }
  }

  @Test
  void inPlaceUpdatesCarryTheStatesFromCallToCall() {
    AdamUpdate.Params p = new AdamUpdate.Params(0.1f, 0.5f, 0.75f, 1e-8f, 0f, 1f, -1f, true);
    OpInstance<AdamUpdate.Params> op = OpInstance.of(AdamUpdate.OP, p);
    NDArray w = array(1f, -2f);
    NDArray g = array(0.5f, 1f);
    NDArray mean = array(0f, 0f);
    NDArray var = array(0f, 0f);
    double[][] ref = {{1, -2}, {0.5, 1}, {0, 0}, {0, 0}};
    for (int step = 0; step < 3; step++) {
      Imperative.invokeInto(op, false, new NDArray[] {w, g, mean, var}, new NDArray[] {w});
      ref[0] = AdamUpdate.OP.reference(p, null, ref, false)[0];
    }
    assertValues(w, ref[0]);
    assertValues(mean, ref[2]);
    assertValues(var, ref[3]);
  }

  @Test
  void adamwSkipsTheWholeUpdateWhenTheScaleIsZeroNanOrInfinite() {
    AdamwUpdate.Params p = new AdamwUpdate.Params(1f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.5f, -1f);
    for (float scale : new float[] {0f, Float.NaN, Float.POSITIVE_INFINITY}) {
      NDArray w = array(1f, -2f);
      NDArray mean = array(0.25f, 0.5f);
      NDArray var = array(1f, 2f);
      Imperative.invokeInto(OpInstance.of(AdamwUpdate.OP, p), false,
          new NDArray[] {w, array(3f, 4f), mean, var, array(scale)}, new NDArray[] {w});
      assertValues(w, 1, -2);
      assertValues(mean, 0.25, 0.5);
      assertValues(var, 1, 2);
      // a separate output receives the unchanged weight
      NDArray out = Imperative.call(AdamwUpdate.OP, p, w, array(3f, 4f), mean, var,
          array(scale));
      assertValues(out, 1, -2);
    }
  }

  @Test
  void adamwReadsTheFirstElementOfTheScale() {
    AdamwUpdate.Params p = new AdamwUpdate.Params(1f, 0.5f, 0.5f, 0f, 0f, 0.1f, -1f);
    NDArray w = Imperative.call(AdamwUpdate.OP, p, array(1f), array(2f), array(0f), array(0f),
        NDArray.of(new float[] {0.5f, 7f}, Shape.of(2)));
    // g = 0.5·2 = 1: mean = 0.5, var = 0.5, w = 1 - 0.1·0.5/sqrt(0.5)
    assertValues(w, 1 - 0.1 * 0.5 / Math.sqrt(0.5));
  }

  @Test
  void multiPrecisionUpdatesWriteTheMasterCopyAndAHalfWeight() {
    SgdUpdate.Params p = new SgdUpdate.Params(0.5f, 0f, 1f, -1f, true);
    NDArray w16 = array(1f, 2f).astype(DType.FLOAT16);
    NDArray g16 = array(0.001f, -1f).astype(DType.FLOAT16);
    NDArray w32 = array(1.0001f, 2f);
    Imperative.invokeInto(OpInstance.of(MpSgdUpdate.OP, p), false,
        new NDArray[] {w16, g16, w32}, new NDArray[] {w16});
    double g0 = g16.toFloatArray()[0];
    assertValues(w32, (float) (1.0001f - 0.5f * (float) g0), 2.5);
    assertThat(w16.dtype()).isEqualTo(DType.FLOAT16);
    assertValues(w16, MultiPrecision.asHalf(w32.toFloatArray()[0]), 2.5);
  }

  @Test
  void multiPrecisionOperatorsRefuseFloat32Weights() {
    SgdUpdate.Params p = new SgdUpdate.Params(0.5f, 0f, 1f, -1f, true);
    assertThatThrownBy(() -> Imperative.call(MpSgdUpdate.OP, p, array(1f), array(1f), array(1f)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mp_sgd_update");
  }

  @Test
  void lambPhaseTwoRefusesNormsWhoseFirstDimensionIsNotOne() {
    LambUpdatePhase2.Params p = new LambUpdatePhase2.Params(0.1f, -1f, -1f);
    assertThatThrownBy(() -> Imperative.call(LambUpdatePhase2.OP, p, array(1f, 2f),
        array(1f, 2f), array(1f, 2f), array(1f)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r1'");
  }
}
