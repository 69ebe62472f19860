package org.kindling.tensor.op;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kindling.tensor.NDArray;
import org.kindling.testing.OpCase;
import org.kindling.testing.OpRunner;

/**
 * The suites every registered operator goes through, built from its own declarations: each
 * sample's forward kernel against the float64 reference (special values included), the backward
 * kernel against central differences of the reference (WRITE and ADD), the imperative path
 * through the engine, and the parameters' round trip through attribute strings. A new operator
 * is covered by being registered.
 */
class OperatorSuiteTest {
  private static final double FORWARD_RTOL = 1e-5;
  private static final double FORWARD_ATOL = 1e-5;
  /** F(6x6,3x3)'s documented error bound in units of float32's roundoff times max S. */
  private static final double WINOGRAD_BOUND = 384;
  private static final double GRAD_RTOL = 2e-3;
  private static final double GRAD_ATOL = 2e-4;

  @Test
  void theRegistryFindsEveryOperatorAndAlias() {
    assertThat(OpRegistry.all()).extracting(OpDef::name)
        .contains("FullyConnected", "Activation", "SoftmaxOutput", "Flatten", "Reshape",
            "elemwise_add");
    assertThat(OpRegistry.get("_Plus").name()).isEqualTo("elemwise_add");
    assertThat(OpRegistry.get("Softmax").name()).isEqualTo("SoftmaxOutput");
    for (OpDef<?> op : OpRegistry.all()) {
      assertThat(op.samples()).as("%s declares samples", op).isNotEmpty();
      assertThat(OpRegistry.factories(op)).as("%s has kernels", op).isNotEmpty();
    }
  }

  @TestFactory
  Stream<DynamicTest> forwardMatchesTheReference() {
    return OpCase.all().map(c -> DynamicTest.dynamicTest(c.name(), () -> forward(c)));
  }

  private static <P extends Record> void forward(OpCase<P> c) {
    boolean train = c.sample().train();
    for (boolean specials : new boolean[] {false, true}) {
      // on NaN/Inf the default kernels only (OpRunner#onDefaultKernels says why)
      OpRunner<P> run = specials ? OpRunner.onDefaultKernels(c.op(), c.sample())
          : new OpRunner<>(c.op(), c.sample());
      double[][] in = run.inputs(new Random(c.seed() + (specials ? 1 : 0)), specials);
      double[][] refIn = OpRunner.deepCopy(in);
      double[][] absIn = abs(in);
      double[][] got = run.forward(in, train, c.seed());
      double[][] want = c.op().reference(c.sample().params(), c.sample().shapes(), refIn, train);
      int visible = run.op().numVisibleOutputs();
      boolean winograd = run.implementation().startsWith("Winograd");
      for (int k = 0; k < visible; k++) {
        String what = c.name() + " output " + k + (specials ? " (with NaN/Inf/-0 inputs)" : "");
        if (winograd) {
          // auto takes Winograd where it timed faster: hold it to its documented bound
          // (docs/winograd.md), E <= 384 u max S with S the convolution of the magnitudes
          double[] s = c.op().reference(c.sample().params(), c.sample().shapes(), absIn, train)[k];
          assertClose(got[k], want[k], WINOGRAD_BOUND * 0x1p-24 * maxAbs(s), 0, what);
        } else {
          assertClose(got[k], want[k], FORWARD_ATOL, FORWARD_RTOL, what);
        }
      }
      for (int i : run.op().mutableInputs()) {
        assertClose(in[i], refIn[i], FORWARD_ATOL, FORWARD_RTOL, c.name() + " updated input " + i);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> backwardMatchesCentralDifferences() {
    return OpCase.all()
        .filter(c -> c.sample().gradientCheck()
            && c.op().gradient(paramsOf(c)) == OpDef.Gradient.DIFFERENTIABLE)
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> backward(c)));
  }

  @SuppressWarnings("unchecked")
  private static <P extends Record> P paramsOf(OpCase<?> c) {
    return (P) c.sample().params();
  }

  private static <P extends Record> void backward(OpCase<P> c) {
    OpRunner<P> run = new OpRunner<>(c.op(), c.sample());
    P p = c.sample().params();
    boolean train = c.sample().train();
    Random r = new Random(c.seed());
    double[][] in = run.inputs(r, false);
    int n = in.length;
    GradReq[] req = new GradReq[n];
    for (int i = 0; i < n; i++) {
      boolean differentiable = !c.sample().domains()[i].integral()
          && !run.op().mutableInputs().contains(i);
      req[i] = differentiable ? GradReq.WRITE : GradReq.NULL;
    }
    boolean loss = !c.op().backwardDeps(p).outputGrads();
    int visible = run.op().numVisibleOutputs();
    double[][] w = new double[run.outShapes().length][];
    for (int k = 0; k < visible; k++) {
      w[k] = new double[run.outShapes()[k].intSize()];
      for (int j = 0; j < w[k].length; j++) {
        w[k][j] = r.nextDouble() * 2 - 1;
      }
    }
    double[][] got = run.backward(in, w, req, null, train, c.seed());
    for (int i = 0; i < n; i++) {
      if (req[i] == GradReq.NULL) {
        continue;
      }
      double[] numeric = new double[in[i].length];
      for (int j = 0; j < numeric.length; j++) {
        double eps = 1e-5 * Math.max(1, Math.abs(in[i][j]));
        numeric[j] = (objective(c, in, i, j, eps, w, loss) - objective(c, in, i, j, -eps, w, loss))
            / (2 * eps);
      }
      assertClose(got[i], numeric, GRAD_ATOL, GRAD_RTOL, c.name() + " gradient of input " + i
          + " '" + run.op().inputNames().get(i) + "'");
    }
    // ADD accumulates onto what the buffers held
    GradReq[] add = req.clone();
    double[][] initial = new double[n][];
    for (int i = 0; i < n; i++) {
      if (add[i] == GradReq.WRITE) {
        add[i] = GradReq.ADD;
        initial[i] = new double[in[i].length];
        Arrays.fill(initial[i], 0.25);
      }
    }
    double[][] added = run.backward(in, w, add, initial, train, c.seed());
    for (int i = 0; i < n; i++) {
      if (add[i] == GradReq.ADD) {
        double[] expected = got[i].clone();
        for (int j = 0; j < expected.length; j++) {
          expected[j] += 0.25;
        }
        assertClose(added[i], expected, 1e-6, 1e-6, c.name() + " grad_req add of input " + i);
      }
    }
  }

  /** Σ w·y over the visible outputs (or the loss), with input (i, j) moved by {@code delta}. */
  private static <P extends Record> double objective(OpCase<P> c, double[][] in, int i, int j,
      double delta, double[][] w, boolean loss) {
    double[][] x = OpRunner.deepCopy(in);
    x[i][j] += delta;
    P p = c.sample().params();
    if (loss) {
      return c.op().referenceLoss(p, c.sample().shapes(), x);
    }
    double[][] y = c.op().reference(p, c.sample().shapes(), x, c.sample().train());
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      if (w[k] == null) {
        continue;
      }
      for (int m = 0; m < w[k].length; m++) {
        s += w[k][m] * y[k][m];
      }
    }
    return s;
  }

  @TestFactory
  Stream<DynamicTest> imperativeCallsGiveTheKernelsResults() {
    return OpCase.all().filter(c -> c.index() == 0 && !c.sample().train())
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> imperative(c)));
  }

  private static <P extends Record> void imperative(OpCase<P> c) {
    OpRunner<P> run = new OpRunner<>(c.op(), c.sample());
    double[][] in = run.inputs(new Random(c.seed()), false);
    NDArray[] arrays = new NDArray[in.length];
    for (int i = 0; i < in.length; i++) {
      arrays[i] = NDArray.zeros(c.sample().shapes()[i], c.sample().types()[i]);
      for (int j = 0; j < in[i].length; j++) {
        arrays[i].view().setDouble(j, in[i][j]);
      }
    }
    double[][] want = run.forward(OpRunner.deepCopy(in), false, 1);
    List<NDArray> out = Imperative.invoke(run.op(), false, arrays);
    assertThat(out).hasSize(run.op().numVisibleOutputs());
    for (int k = 0; k < out.size(); k++) {
      float[] got = out.get(k).toFloatArray();
      double[] g = new double[got.length];
      for (int j = 0; j < g.length; j++) {
        g[j] = got[j];
      }
      assertClose(g, OpRunner.roundTo(want[k], out.get(k).dtype()), 0, 0, c.name());
      out.get(k).close();
    }
    for (NDArray a : arrays) {
      a.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> parametersRoundTripThroughAttributeStrings() {
    return OpCase.all().map(c -> DynamicTest.dynamicTest(c.name(), () -> roundTrip(c)));
  }

  private static <P extends Record> void roundTrip(OpCase<P> c) {
    Map<String, String> attrs = c.op().toAttrs(c.sample().params());
    P back = c.op().parseAttrs("node", attrs);
    assertThat(c.op().toAttrs(back)).isEqualTo(attrs);
    assertThat(back).isEqualTo(c.sample().params());
  }

  private static double[][] abs(double[][] in) {
    double[][] a = OpRunner.deepCopy(in);
    for (double[] x : a) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.abs(x[i]);
      }
    }
    return a;
  }

  private static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  static void assertClose(double[] actual, double[] expected, double atol, double rtol,
      String what) {
    assertThat(actual).as("%s: length", what).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      double a = actual[i];
      double e = expected[i];
      if (Double.isNaN(e) || Double.isNaN(a)) {
        assertThat(Double.isNaN(a)).as("%s[%d]: got %s, expected %s", what, i, a, e)
            .isEqualTo(Double.isNaN(e));
        continue;
      }
      if (Double.isInfinite(e) || Double.isInfinite(a)) {
        assertThat(a).as("%s[%d]", what, i).isEqualTo(e);
        continue;
      }
      double tol = atol + rtol * Math.abs(e);
      assertThat(Math.abs(a - e)).as("%s[%d]: got %s, expected %s", what, i, a, e)
          .isLessThanOrEqualTo(tol);
    }
  }
}
