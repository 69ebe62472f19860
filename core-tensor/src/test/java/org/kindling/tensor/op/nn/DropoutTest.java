package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

/** Dropout's random training behaviour, which the generic suite (no seeds in references) skips. */
class DropoutTest {
  private static KernelHarness<Dropout.Params> run(Dropout.Params p, Shape s, boolean train,
      long seed) {
    KernelHarness<Dropout.Params> h = KernelHarness.of(Dropout.OP, p, s);
    double[] x = new double[s.intSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + (i % 7);
    }
    KernelHarness.set(h.in[0], x);
    h.forward(train, seed);
    return h;
  }

  @Test
  void trainingKeepsAboutOneMinusPOfTheElementsScaledByItsInverse() {
    var h = run(Dropout.Params.of(0.3f), Shape.of(200, 500), true, 42);
    double[] x = KernelHarness.get(h.in[0]);
    double[] y = KernelHarness.get(h.out[0]);
    double[] mask = KernelHarness.get(h.out[1]);
    float scale = 1f / (1f - 0.3f);
    int kept = 0;
    for (int i = 0; i < mask.length; i++) {
      assertThat(mask[i]).isIn(0.0, (double) scale);
      assertThat(y[i]).isEqualTo((double) (float) (x[i] * mask[i]));
      kept += mask[i] != 0 ? 1 : 0;
    }
    assertThat(kept / (double) mask.length).isCloseTo(0.7, within(0.01));
  }

  @Test
  void theSameSeedGivesTheSameMaskAndAnotherSeedAnother() {
    Shape s = Shape.of(64, 64);
    double[] a = KernelHarness.get(run(Dropout.Params.of(0.5f), s, true, 7).out[1]);
    double[] b = KernelHarness.get(run(Dropout.Params.of(0.5f), s, true, 7).out[1]);
    double[] c = KernelHarness.get(run(Dropout.Params.of(0.5f), s, true, 8).out[1]);
    assertThat(a).containsExactly(b);
    assertThat(Arrays.equals(a, c)).isFalse();
  }

  @Test
  void axesShareOneMaskValueAlongThem() {
    Shape s = Shape.of(4, 3, 5);
    var h = run(Dropout.Params.of(0.5f).withAxes(1), s, true, 3);
    assertThat(h.out[1].shape()).isEqualTo(Shape.of(4, 1, 5));
    double[] x = KernelHarness.get(h.in[0]);
    double[] y = KernelHarness.get(h.out[0]);
    double[] mask = KernelHarness.get(h.out[1]);
    for (int n = 0; n < 4; n++) {
      for (int c = 0; c < 3; c++) {
        for (int w = 0; w < 5; w++) {
          int i = (n * 3 + c) * 5 + w;
          assertThat(y[i]).isEqualTo(x[i] * mask[n * 5 + w]);
        }
      }
    }
    assertThat(Arrays.stream(mask).distinct().count()).as("some kept, some dropped").isEqualTo(2);
  }

  @Test
  void backwardMultipliesByTheMaskIncludingSharedAxes() {
    Shape s = Shape.of(3, 4, 2);
    for (Dropout.Params p : new Dropout.Params[] {Dropout.Params.of(0.4f),
        Dropout.Params.of(0.4f).withAxes(0, 2)}) {
      var h = run(p, s, true, 11);
      double[] dy = new double[s.intSize()];
      for (int i = 0; i < dy.length; i++) {
        dy[i] = i - 10;
      }
      // the backward call's training flag does not matter: the mask says what forward did
      boolean trainFlag = p.axes().length == 0;
      double[] dx = KernelHarness.get(h.backward(trainFlag, 11, new double[][] {dy}, true)[0]);
      double[] y = KernelHarness.get(h.out[0]);
      double[] x = KernelHarness.get(h.in[0]);
      for (int i = 0; i < dx.length; i++) {
        // y = x·m, so the mask at i is y/x (x is never 0 here)
        assertThat(dx[i]).isCloseTo(dy[i] * (y[i] / x[i]), within(1e-5));
      }
    }
  }

  @Test
  void inferenceIsTheIdentityUnlessModeIsAlways() {
    Shape s = Shape.of(10, 10);
    var infer = run(Dropout.Params.of(0.5f), s, false, 1);
    assertThat(KernelHarness.get(infer.out[0])).containsExactly(KernelHarness.get(infer.in[0]));
    double[] dx = KernelHarness.get(
        infer.backward(false, 1, new double[][] {KernelHarness.get(infer.in[0])}, true)[0]);
    assertThat(dx).containsExactly(KernelHarness.get(infer.in[0]));

    var always = run(Dropout.Params.of(0.5f).withMode(Dropout.Mode.ALWAYS), s, false, 1);
    assertThat(KernelHarness.get(always.out[1])).contains(0.0, 2.0);
  }

  @Test
  void pOfOneGivesNanAsInMxnet() {
    // MXNet computes the mask as keep * (1/0): 0 * inf = NaN
    var h = run(Dropout.Params.of(1f), Shape.of(4), true, 1);
    assertThat(Arrays.stream(KernelHarness.get(h.out[0])).allMatch(Double::isNaN)).isTrue();
  }

  @Test
  void parametersFollowMxnet() {
    Dropout.Params p = Dropout.OP.parseAttrs("d", Map.of("p", "0.2", "axes", "(1, 2)",
        "cudnn_off", "None", "mode", "always"));
    assertThat(p).isEqualTo(Dropout.Params.of(0.2f).withAxes(1, 2)
        .withMode(Dropout.Mode.ALWAYS));
    assertThat(Dropout.OP.numVisibleOutputs(p)).isEqualTo(1);
    assertThatThrownBy(() -> Dropout.OP.parseAttrs("d", Map.of("p", "1.5")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p");
    assertThatThrownBy(() -> KernelHarness.of(Dropout.OP, Dropout.Params.of(0.5f).withAxes(2),
        Shape.of(3, 4))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("axes");
  }
}
