package org.kindling.symbol.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * Each optimizer, over several steps of two parameters (a weight, which gets weight decay, and a
 * bias, which does not), against MXNet's Python code written out in float64
 * ({@link MxnetPython}): the weights and every state array after every step.
 */
class OptimizersMatchPythonTest {
  /** Kindling computes in float32; the oracle in float64. */
  private static final double TOL = 1e-6;
  private static final int STEPS = 6;
  private static final Map<String, Shape> PARAMS = new LinkedHashMap<>();

  static {
    PARAMS.put("fc1_weight", Shape.of(2, 3));
    PARAMS.put("fc1_bias", Shape.of(3));
  }

  /** One optimizer configuration and its Python counterpart. */
  record Case(String name, Supplier<BaseOptimizer> kindling, MxnetPython.Rule rule,
      Supplier<MxnetPython.Bookkeeping> books) {}

  private static MxnetPython.Bookkeeping fixed(double lr, double wd) {
    return new MxnetPython.Bookkeeping(lr, wd);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("sgd", () -> SGD.builder().learningRate(0.1).wd(0.01).rescaleGrad(0.5)
        .clipGradient(0.6).build(), MxnetPython.sgd(0, 0.5, 0.6), () -> fixed(0.1, 0.01)));
    c.add(new Case("sgd momentum", () -> SGD.builder().learningRate(0.05).momentum(0.9)
        .wd(1e-3).build(), MxnetPython.sgd(0.9, 1, -1), () -> fixed(0.05, 1e-3)));
    c.add(new Case("nag momentum", () -> NAG.builder().learningRate(0.05).momentum(0.9)
        .wd(0.01).clipGradient(1).build(), MxnetPython.nag(0.9, 1, 1), () -> fixed(0.05, 0.01)));
    c.add(new Case("nag without momentum", () -> NAG.builder().learningRate(0.1).wd(0.01)
        .build(), MxnetPython.nag(0, 1, -1), () -> fixed(0.1, 0.01)));
    c.add(new Case("adam", () -> Adam.builder().learningRate(0.01).wd(0.01).rescaleGrad(0.5)
        .clipGradient(1).build(), MxnetPython.adam(0.9, 0.999, 1e-8, 0.5, 1),
        () -> fixed(0.01, 0.01)));
    c.add(new Case("adam from update 5, multipliers", () -> Adam.builder().learningRate(0.02)
        .beta1(0.8).beta2(0.99).epsilon(1e-6).wd(0.1).beginNumUpdate(5)
        .lrMult("fc1_bias", 2).wdMult("fc1_bias", 0.5).build(),
        MxnetPython.adam(0.8, 0.99, 1e-6, 1, -1),
        () -> new MxnetPython.Bookkeeping(0.02, null, 0.1, 5, Map.of("fc1_bias", 2.0),
            Map.of("fc1_bias", 0.5))));
    c.add(new Case("adamw", () -> AdamW.builder().learningRate(0.01).wd(0.1).rescaleGrad(0.5)
        .clipGradient(0.8).build(), MxnetPython.adamw(0.9, 0.999, 1e-6, true, 0.5, 0.8),
        () -> fixed(0.01, 0.1)));
    c.add(new Case("adamw without bias correction", () -> AdamW.builder().learningRate(0.01)
        .wd(0.05).correctBias(false).build(), MxnetPython.adamw(0.9, 0.999, 1e-6, false, 1, -1),
        () -> fixed(0.01, 0.05)));
    c.add(new Case("rmsprop", () -> RMSProp.builder().learningRate(0.01).wd(0.01)
        .clipWeights(1.5).build(), MxnetPython.rmsprop(0.9, 0.9, 1e-8, false, 1.5, 1, -1),
        () -> fixed(0.01, 0.01)));
    c.add(new Case("rmsprop centered", () -> RMSProp.builder().learningRate(0.01).gamma1(0.95)
        .epsilon(1e-4).centered(true).rescaleGrad(0.5).clipGradient(1).build(),
        MxnetPython.rmsprop(0.95, 0.9, 1e-4, true, -1, 0.5, 1), () -> fixed(0.01, 0)));
    c.add(new Case("adagrad", () -> AdaGrad.builder().learningRate(0.1).wd(0.01).rescaleGrad(0.5)
        .clipGradient(1).build(), MxnetPython.adagrad(1e-7, 0.5, 1), () -> fixed(0.1, 0.01)));
    c.add(new Case("adadelta", () -> AdaDelta.builder().wd(0.01).clipGradient(1).build(),
        MxnetPython.adadelta(0.9, 1e-5, 1, 1), () -> fixed(0.01, 0.01)));
    c.add(new Case("signum", () -> Signum.builder().wd(0.01).wdLh(0.01).build(),
        MxnetPython.signum(0.9, 0.01, 1, -1), () -> fixed(0.01, 0.01)));
    c.add(new Case("signsgd", () -> Signum.builder().learningRate(0.05).momentum(0).wd(0.1)
        .build(), MxnetPython.signum(0, 0, 1, -1), () -> fixed(0.05, 0.1)));
    c.add(new Case("lamb", () -> LAMB.builder().learningRate(0.01).wd(0.01).lowerBound(0.1)
        .upperBound(5).clipGradient(1).build(),
        MxnetPython.lamb(0.9, 0.999, 1e-6, 0.1, 5, true, 1, 1), () -> fixed(0.01, 0.01)));
    c.add(new Case("lamb without bias correction", () -> LAMB.builder().learningRate(0.01)
        .wd(0.01).biasCorrection(false).rescaleGrad(0.5).build(),
        MxnetPython.lamb(0.9, 0.999, 1e-6, -1, -1, false, 0.5, -1), () -> fixed(0.01, 0.01)));
    c.add(new Case("sgd with a warmed-up factor schedule", () -> SGD.builder().learningRate(0.1)
        .momentum(0.5).lrScheduler(FactorScheduler.builder(2).factor(0.5).baseLr(0.2)
            .warmupSteps(2).warmupBeginLr(0.05).build()).build(),
        MxnetPython.sgd(0.5, 1, -1), () -> new MxnetPython.Bookkeeping(0, MxnetPython.Schedulers
            .factor(2, 0.5, 1e-8, 0.2, 2, 0.05, "linear", 0.1), 0, 0, Map.of(), Map.of())));
    c.add(new Case("adam with a cosine schedule", () -> Adam.builder().lrScheduler(
        CosineScheduler.builder(5).baseLr(0.05).finalLr(0.001).warmupSteps(2)
            .warmupBeginLr(0.01).build()).build(),
        MxnetPython.adam(0.9, 0.999, 1e-8, 1, -1), () -> new MxnetPython.Bookkeeping(0,
            MxnetPython.Schedulers.cosine(5, 0.05, 0.001, 2, 0.01, "linear", 0.001), 0, 0,
            Map.of(), Map.of())));
    return c;
  }

  @TestFactory
  Stream<DynamicTest> everyStepEqualsPython() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
  }

  private static void run(Case c) {
    BaseOptimizer opt = c.kindling().get();
    MxnetPython.Bookkeeping books = c.books().get();
    Random r = new Random(c.name().hashCode());
    Map<String, NDArray> weights = new LinkedHashMap<>();
    Map<String, double[]> refWeights = new LinkedHashMap<>();
    Map<String, double[][]> refStates = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> p : PARAMS.entrySet()) {
      float[] w = values(r, p.getValue().intSize(), 1);
      weights.put(p.getKey(), NDArray.of(w, p.getValue()));
      refWeights.put(p.getKey(), toDouble(w));
      refStates.put(p.getKey(), new double[c.rule().numStates()][w.length]);
    }
    for (int step = 1; step <= STEPS; step++) {
      for (String key : PARAMS.keySet()) {
        float[] g = values(r, PARAMS.get(key).intSize(), 2);
        try (NDArray grad = NDArray.of(g, PARAMS.get(key))) {
          opt.update(key, weights.get(key), grad);
        }
        c.rule().update(refWeights.get(key), toDouble(g), refStates.get(key), books.next(key));
        String at = c.name() + " step " + step + " '" + key + "'";
        assertClose(weights.get(key).toFloatArray(), refWeights.get(key), at + " weight");
      }
      Map<String, NDArray> states = states(opt);
      for (String key : PARAMS.keySet()) {
        for (int i = 0; i < c.rule().numStates(); i++) {
          String name = "state:" + key + ":" + i;
          assertThat(states).as(c.name() + " saves " + name).containsKey(name);
          assertClose(states.get(name).toFloatArray(), refStates.get(key)[i],
              c.name() + " step " + step + " " + name);
        }
      }
      states.values().forEach(NDArray::close);
    }
    assertThat(opt.numUpdate()).isEqualTo(opt.beginNumUpdate() + STEPS);
    weights.values().forEach(NDArray::close);
  }

  /** The optimizer's state arrays by their names in its state file. */
  static Map<String, NDArray> states(Optimizer opt) {
    try {
      ParamsFile.Contents f = ParamsFile.read(opt.saveStates(), "states");
      Map<String, NDArray> m = new LinkedHashMap<>();
      for (int i = 0; i < f.names().size(); i++) {
        m.put(f.names().get(i), f.arrays().get(i));
      }
      return m;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static float[] values(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  static void assertClose(float[] got, double[] want, String what) {
    assertThat(got).as(what).hasSize(want.length);
    for (int i = 0; i < want.length; i++) {
      assertThat(Math.abs(got[i] - want[i])).as("%s[%d]: got %s, Python %s", what, i, got[i],
          want[i]).isLessThanOrEqualTo(TOL * (1 + Math.abs(want[i])));
    }
  }
}
