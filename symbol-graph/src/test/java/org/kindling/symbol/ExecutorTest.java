package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.storage.Storage;

/** Executor forward/backward of a small MLP against an independent float64 implementation. */
class ExecutorTest {
  private static final int N = 8;
  private static final int D = 12;
  private static final int H1 = 10;
  private static final int H2 = 6;
  private static final int C = 4;

  private final SplittableRandom rnd = new SplittableRandom(3);

  static Symbol mlp() {
    Symbol x = Symbol.variable("data");
    Symbol h = Symbol.activation("relu1", Symbol.fullyConnected("fc1", x, H1), ActType.RELU);
    h = Symbol.activation("tanh2", Symbol.fullyConnected("fc2", h, H2), ActType.TANH);
    return Symbol.softmaxOutput("softmax", Symbol.fullyConnected("fc3", h, C));
  }

  private double[] random(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextDouble(-1, 1);
    }
    return a;
  }

  private static float[] f(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  /** y (n×o) = x (n×k) · wᵀ (w is o×k) + b. */
  private static double[] affine(double[] x, double[] w, double[] b, int n, int k, int o) {
    double[] y = new double[n * o];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < o; c++) {
        double s = b[c];
        for (int j = 0; j < k; j++) {
          s += x[r * k + j] * w[c * k + j];
        }
        y[r * o + c] = s;
      }
    }
    return y;
  }

  /** Gradients of an affine layer: returns {dx, dw, db}. */
  private static double[][] affineBack(double[] dy, double[] x, double[] w, int n, int k, int o) {
    double[] dx = new double[n * k];
    double[] dw = new double[o * k];
    double[] db = new double[o];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < o; c++) {
        double g = dy[r * o + c];
        db[c] += g;
        for (int j = 0; j < k; j++) {
          dx[r * k + j] += g * w[c * k + j];
          dw[c * k + j] += g * x[r * k + j];
        }
      }
    }
    return new double[][] {dx, dw, db};
  }

  private static void assertClose(NDArray actual, double[] expected, String what) {
    float[] a = actual.toFloatArray();
    assertThat(a).as(what).hasSize(expected.length);
    for (int i = 0; i < a.length; i++) {
      assertThat((double) a[i]).as("%s[%d]", what, i)
          .isCloseTo(expected[i], within(1e-5 + 1e-4 * Math.abs(expected[i])));
    }
  }

  @Test
  void mlpForwardAndBackwardMatchFloat64Reference() {
    double[] x = random(N * D);
    double[] w1 = random(H1 * D);
    double[] b1 = random(H1);
    double[] w2 = random(H2 * H1);
    double[] b2 = random(H2);
    double[] w3 = random(C * H2);
    double[] b3 = random(C);
    double[] label = new double[N];
    for (int i = 0; i < N; i++) {
      label[i] = rnd.nextInt(C);
    }

    Executor ex = mlp().simpleBind(Map.of("data", Shape.of(N, D)),
        Map.of("fc1_weight", GradReq.WRITE, "fc1_bias", GradReq.WRITE,
            "fc2_weight", GradReq.WRITE, "fc2_bias", GradReq.WRITE,
            "fc3_weight", GradReq.WRITE, "fc3_bias", GradReq.WRITE));
    Map<String, double[]> values = Map.of("data", x, "fc1_weight", w1, "fc1_bias", b1,
        "fc2_weight", w2, "fc2_bias", b2, "fc3_weight", w3, "fc3_bias", b3,
        "softmax_label", label);
    values.forEach((k, v) -> ex.argDict().get(k).set(f(v)));
    ex.forward(true);
    ex.backward();

    double[] z1 = affine(x, w1, b1, N, D, H1);
    double[] a1 = z1.clone();
    for (int i = 0; i < a1.length; i++) {
      a1[i] = Math.max(0, a1[i]);
    }
    double[] z2 = affine(a1, w2, b2, N, H1, H2);
    double[] a2 = new double[z2.length];
    for (int i = 0; i < a2.length; i++) {
      a2[i] = Math.tanh(z2[i]);
    }
    double[] z3 = affine(a2, w3, b3, N, H2, C);
    double[] p = new double[z3.length];
    double[] dz3 = new double[z3.length];
    for (int r = 0; r < N; r++) {
      double sum = 0;
      for (int c = 0; c < C; c++) {
        sum += Math.exp(z3[r * C + c]);
      }
      for (int c = 0; c < C; c++) {
        p[r * C + c] = Math.exp(z3[r * C + c]) / sum;
        dz3[r * C + c] = p[r * C + c] - (c == (int) label[r] ? 1 : 0);
      }
    }
    double[][] g3 = affineBack(dz3, a2, w3, N, H2, C);
    double[] dz2 = g3[0].clone();
    for (int i = 0; i < dz2.length; i++) {
      dz2[i] *= 1 - a2[i] * a2[i];
    }
    double[][] g2 = affineBack(dz2, a1, w2, N, H1, H2);
    double[] dz1 = g2[0].clone();
    for (int i = 0; i < dz1.length; i++) {
      dz1[i] = z1[i] > 0 ? dz1[i] : 0;
    }
    double[][] g1 = affineBack(dz1, x, w1, N, D, H1);

    assertClose(ex.outputs().get(0), p, "softmax output");
    Map<String, NDArray> grads = ex.gradDict();
    assertThat(grads).doesNotContainKeys("data", "softmax_label");
    assertClose(grads.get("fc3_weight"), g3[1], "fc3_weight grad");
    assertClose(grads.get("fc3_bias"), g3[2], "fc3_bias grad");
    assertClose(grads.get("fc2_weight"), g2[1], "fc2_weight grad");
    assertClose(grads.get("fc2_bias"), g2[2], "fc2_bias grad");
    assertClose(grads.get("fc1_weight"), g1[1], "fc1_weight grad");
    assertClose(grads.get("fc1_bias"), g1[2], "fc1_bias grad");
  }

  @Test
  void dataGradientIsComputedWhenRequested() {
    Symbol s = Symbol.softmaxOutput("sm", Symbol.fullyConnected("fc", Symbol.variable("data"), 3));
    Executor ex = s.simpleBind(Map.of("data", Shape.of(2, 4)), GradReq.WRITE);
    double[] x = random(8);
    double[] w = random(12);
    ex.argDict().get("data").set(f(x));
    ex.argDict().get("fc_weight").set(f(w));
    ex.argDict().get("sm_label").set(new float[] {2, 0});
    ex.forward(true);
    ex.backward();
    float[] prob = ex.outputs().get(0).toFloatArray();
    double[] dz = new double[6];
    for (int i = 0; i < 6; i++) {
      dz[i] = prob[i] - ((i < 3 ? 2 : 0) == i % 3 ? 1 : 0);
    }
    double[][] g = affineBack(dz, x, w, 2, 4, 3);
    assertClose(ex.gradDict().get("data"), g[0], "data grad");
    assertClose(ex.gradDict().get("sm_label"), new double[2], "label grad");
  }

  /**
   * An internal output over the largest array (VGG-16's conv1_1 at batch 256 is 3.1 GiB) fails
   * the binding with the node, its bytes and the batch that fits, before anything of its size
   * is allocated (it failed with "integer overflow" in the memory blocks).
   */
  @Test
  void anOutputLargerThanOneArrayFailsTheBindingNamingTheNodeAndTheBatchThatFits() {
    Symbol s = Symbol.fullyConnected("wide", Symbol.variable("data"), 1000);
    int rows = 600_000; // (600000, 1000) float32 = 2.4e9 bytes
    assertThatThrownBy(() -> s.simpleBind(Map.of("data", Shape.of(rows, 1)), GradReq.NULL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the output of node 'wide' (FullyConnected), (600000, 1000)"
            + " float32, is 2400000000 bytes (2.2 GiB)")
        .hasMessageContaining("at most " + Storage.MAX_ARRAY_BYTES + " bytes")
        .hasMessageContaining("its first axis fits at most "
            + Storage.MAX_ARRAY_BYTES / 4000);
  }

  @Test
  void addRequestAccumulatesAcrossBackwardPasses() {
    Symbol s = Symbol.softmaxOutput("sm", Symbol.fullyConnected("fc", Symbol.variable("data"), 3));
    Executor write = s.simpleBind(Map.of("data", Shape.of(4, 5)),
        Map.of("fc_weight", GradReq.WRITE));
    Executor add = s.simpleBind(Map.of("data", Shape.of(4, 5)),
        Map.of("fc_weight", GradReq.ADD));
    float[] x = f(random(20));
    float[] w = f(random(15));
    for (Executor e : List.of(write, add)) {
      e.argDict().get("data").set(x);
      e.argDict().get("fc_weight").set(w);
      e.argDict().get("sm_label").set(new float[] {0, 1, 2, 1});
      e.forward(true);
      e.backward();
      e.forward(true);
      e.backward();
    }
    float[] once = write.gradDict().get("fc_weight").toFloatArray();
    double[] twice = new double[once.length];
    for (int i = 0; i < once.length; i++) {
      twice[i] = 2.0 * once[i];
    }
    assertClose(add.gradDict().get("fc_weight"), twice, "accumulated grad");
  }

  @Test
  void sharedInputsAccumulateTheirGradients() {
    Symbol x = Symbol.variable("x");
    Symbol y = Symbol.elemwiseAdd("twice", x, x);
    Executor ex = y.simpleBind(Map.of("x", Shape.of(2, 3)), GradReq.WRITE);
    ex.argDict().get("x").set(new float[] {1, 2, 3, 4, 5, 6});
    ex.forward(true);
    ex.backward(); // a non-loss head gets a gradient of ones
    assertClose(ex.gradDict().get("x"), new double[] {2, 2, 2, 2, 2, 2}, "d(x+x)/dx");
    NDArray og = NDArray.of(new float[] {1, -1, 0.5f, 0, 2, 3}, Shape.of(2, 3));
    ex.forward(true);
    ex.backward(List.of(og));
    assertClose(ex.gradDict().get("x"), new double[] {2, -2, 1, 0, 4, 6}, "with head grad");
    assertClose(ex.outputs().get(0), new double[] {2, 4, 6, 8, 10, 12}, "x+x");
  }

  @Test
  void aValueUsedTwiceGetsTheSumOfBothPaths() {
    Symbol x = Symbol.variable("x");
    Symbol a = Symbol.activation("a", x, ActType.TANH);
    Symbol y = Symbol.elemwiseAdd("y", a, Symbol.activation("b", a, ActType.RELU));
    Executor ex = y.simpleBind(Map.of("x", Shape.of(4)), GradReq.WRITE);
    float[] xv = {-1f, -0.2f, 0.3f, 2f};
    ex.argDict().get("x").set(xv);
    ex.forward(true);
    ex.backward();
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      double t = Math.tanh(xv[i]);
      expected[i] = (1 + (t > 0 ? 1 : 0)) * (1 - t * t);
    }
    assertClose(ex.gradDict().get("x"), expected, "two paths");
  }

  @Test
  void inferenceForwardMatchesTrainingForward() {
    Executor ex = mlp().simpleBind(Map.of("data", Shape.of(N, D)), GradReq.NULL);
    ex.argDict().forEach((k, v) -> v.set(f(random((int) v.size()))));
    ex.argDict().get("softmax_label").set(new float[N]);
    ex.forward(false);
    float[] infer = ex.outputs().get(0).toFloatArray();
    ex.forward(true);
    assertThat(ex.outputs().get(0).toFloatArray()).containsExactly(infer);
    assertThat(ex.gradDict()).isEmpty();
    assertThat(ex.gradArrays()).containsOnlyNulls();
  }

  @Test
  void bindRejectsMissingOrMisshapedArrays() {
    Symbol s = Symbol.softmaxOutput("sm", Symbol.fullyConnected("fc", Symbol.variable("data"), 3));
    Map<String, NDArray> args = new HashMap<>();
    args.put("data", NDArray.zeros(2, 4));
    args.put("fc_weight", NDArray.zeros(3, 4));
    args.put("fc_bias", NDArray.zeros(3));
    assertThatThrownBy(() -> s.bind(args, Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("sm_label");
    args.put("sm_label", NDArray.zeros(2));
    args.put("fc_weight", NDArray.zeros(3, 5));
    assertThatThrownBy(() -> s.bind(args, Map.of(), Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fc' (FullyConnected)")
        .hasMessageContaining("weight")
        .hasMessageContaining("(3, 5)");
    args.put("fc_weight", NDArray.zeros(3, 4));
    assertThatThrownBy(() -> s.bind(args, Map.of("fc_weight", args.get("fc_weight")),
            Map.of(), Map.of()))
        .hasMessageContaining("shares storage");
    assertThatThrownBy(() -> s.bind(args, Map.of(), Map.of("fc_bias", GradReq.WRITE), Map.of()))
        .hasMessageContaining("no gradient array");
    Executor ok = s.bind(args, Map.of("fc_bias", NDArray.zeros(3)), Map.of(), Map.of());
    assertThat(ok.gradReqs()).containsEntry("fc_bias", GradReq.WRITE)
        .containsEntry("fc_weight", GradReq.NULL);
    assertThatThrownBy(ok::backward).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("forward");
  }
}
