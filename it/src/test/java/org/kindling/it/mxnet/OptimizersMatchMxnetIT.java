package org.kindling.it.mxnet;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kindling.symbol.optimizer.AdaDelta;
import org.kindling.symbol.optimizer.AdaGrad;
import org.kindling.symbol.optimizer.Adam;
import org.kindling.symbol.optimizer.AdamW;
import org.kindling.symbol.optimizer.BaseOptimizer;
import org.kindling.symbol.optimizer.LAMB;
import org.kindling.symbol.optimizer.NAG;
import org.kindling.symbol.optimizer.RMSProp;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.symbol.optimizer.Signum;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * Each Kindling optimizer over several updates of a weight (with weight decay) and a bias
 * (without, as MXNet's Module names them) against the calls MXNet 1.9.1's Python optimizer makes
 * for the same settings, run in MXNet through its C API ({@link MxImperative}): its update
 * operators ({@code sgd_mom_update}, {@code adam_update}, {@code lamb_update_phase1}, {@code
 * norm}, ...) with the attributes Python passes (the bias correction folded into Adam's rate,
 * clipping only when given, ...), or, for AdaGrad and AdaDelta, the NDArray operators Python's
 * arithmetic runs. After every update the weights and every state array must agree, within
 * the operator suite's tolerance ({@link OperatorsMatchMxnetIT#RTOL}, {@code ATOL}).
 *
 * <p>The learning rate is fixed and every weight is counted one update per step, so that
 * MXNet's side needs only {@code t}; schedules and multipliers are checked against MXNet's
 * Python code in symbol-graph's tests.
 */
class OptimizersMatchMxnetIT {
  private static final int STEPS = 5;
  private static final Map<String, int[]> PARAMS = new LinkedHashMap<>();

  static {
    PARAMS.put("fc1_weight", new int[] {3, 4});
    PARAMS.put("fc1_bias", new int[] {4});
  }

  @BeforeAll
  static void onlyInTheOracleJvm() {
    OperatorsMatchMxnetIT.onlyInTheOracleJvm();
  }

  /** One MXNet update of one weight, as Python's {@code update()} makes it. */
  @FunctionalInterface
  interface MxStep {
    /**
     * @param states the state arrays (replaced in place where MXNet returns new arrays)
     * @return the new weight
     */
    Pointer apply(MxImperative.Arena mx, Pointer w, Pointer g, Pointer[] states, double lr,
        double wd, int t);
  }

  record Case(String name, BaseOptimizer kindling, int numStates, MxStep mx) {}

  private static String f(double v) {
    return Double.toString(v);
  }

  private static Map<String, String> attrs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Pointer one(MxImperative.Arena mx, String op, Map<String, String> attrs,
      Pointer... in) {
    return mx.invoke(op, attrs, in)[0];
  }

  private static Pointer scalar(MxImperative.Arena mx, String op, Pointer a, double s) {
    return one(mx, op, attrs("scalar", f(s)), a);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("sgd, clipped", SGD.builder().learningRate(0.1).wd(0.01).rescaleGrad(0.5)
        .clipGradient(0.6).build(), 0, (mx, w, g, st, lr, wd, t) -> one(mx, "sgd_update",
            attrs("lr", f(lr), "wd", f(wd), "rescale_grad", "0.5", "clip_gradient", "0.6"), w, g)));
    c.add(new Case("sgd momentum", SGD.builder().learningRate(0.05).momentum(0.9).wd(1e-3)
        .build(), 1, (mx, w, g, st, lr, wd, t) -> one(mx, "sgd_mom_update",
            attrs("lr", f(lr), "momentum", "0.9", "wd", f(wd), "rescale_grad", "1.0"),
            w, g, st[0])));
    c.add(new Case("nag momentum", NAG.builder().learningRate(0.05).momentum(0.9).wd(0.01)
        .clipGradient(1).build(), 1, (mx, w, g, st, lr, wd, t) -> one(mx, "nag_mom_update",
            attrs("lr", f(lr), "momentum", "0.9", "wd", f(wd), "rescale_grad", "1.0",
                "clip_gradient", "1.0"), w, g, st[0])));
    c.add(new Case("adam", Adam.builder().learningRate(0.01).wd(0.01).rescaleGrad(0.5)
        .clipGradient(1).build(), 2, (mx, w, g, st, lr, wd, t) -> {
          double lrT = lr * Math.sqrt(1. - Math.pow(0.999, t)) / (1. - Math.pow(0.9, t));
          return one(mx, "adam_update", attrs("lr", f(lrT), "beta1", "0.9", "beta2", "0.999",
              "epsilon", "1e-08", "wd", f(wd), "rescale_grad", "0.5", "clip_gradient", "1.0"),
              w, g, st[0], st[1]);
        }));
    c.add(new Case("adamw", AdamW.builder().learningRate(0.01).wd(0.1).rescaleGrad(0.5)
        .clipGradient(0.8).build(), 2, (mx, w, g, st, lr, wd, t) -> {
          double eta = lr * Math.sqrt(1. - Math.pow(0.999, t)) / (1. - Math.pow(0.9, t));
          Pointer rescale = mx.array(new int[] {1}, 0, new double[] {0.5});
          return one(mx, "_adamw_update", attrs("lr", "1", "beta1", "0.9", "beta2", "0.999",
              "epsilon", "1e-06", "wd", f(wd), "eta", f(eta), "clip_gradient", "0.8"),
              w, g, st[0], st[1], rescale);
        }));
    c.add(new Case("rmsprop", RMSProp.builder().learningRate(0.01).wd(0.01).clipWeights(1.5)
        .build(), 1, (mx, w, g, st, lr, wd, t) -> one(mx, "rmsprop_update",
            attrs("lr", f(lr), "gamma1", "0.9", "epsilon", "1e-08", "wd", f(wd),
                "rescale_grad", "1.0", "clip_weights", "1.5"), w, g, st[0])));
    c.add(new Case("rmsprop centered", RMSProp.builder().learningRate(0.01).gamma1(0.95)
        .epsilon(1e-4).centered(true).rescaleGrad(0.5).clipGradient(1).build(), 3,
        (mx, w, g, st, lr, wd, t) -> one(mx, "rmspropalex_update",
            attrs("lr", f(lr), "gamma1", "0.95", "gamma2", "0.9", "epsilon", "0.0001",
                "wd", f(wd), "rescale_grad", "0.5", "clip_gradient", "1.0"),
            w, g, st[0], st[1], st[2])));
    c.add(new Case("signum", Signum.builder().wd(0.01).wdLh(0.01).build(), 1,
        (mx, w, g, st, lr, wd, t) -> one(mx, "signum_update", attrs("lr", f(lr),
            "momentum", "0.9", "wd", f(wd), "rescale_grad", "1.0", "wd_lh", "0.01"), w, g, st[0])));
    c.add(new Case("signsgd", Signum.builder().learningRate(0.05).momentum(0).wd(0.1).build(), 0,
        (mx, w, g, st, lr, wd, t) -> one(mx, "signsgd_update",
            attrs("lr", f(lr), "wd", f(wd), "rescale_grad", "1.0"), w, g)));
    c.add(new Case("lamb", LAMB.builder().learningRate(0.01).wd(0.01).lowerBound(0.1)
        .upperBound(5).clipGradient(1).build(), 2, (mx, w, g, st, lr, wd, t) -> {
          Pointer upd = one(mx, "lamb_update_phase1", attrs("beta1", "0.9", "beta2", "0.999",
              "epsilon", "1e-06", "t", Integer.toString(t), "bias_correction", "True",
              "wd", f(wd), "rescale_grad", "1.0", "clip_gradient", "1.0"), w, g, st[0], st[1]);
          Pointer r1 = one(mx, "norm", Map.of(), w);
          Pointer r2 = one(mx, "norm", Map.of(), upd);
          return one(mx, "lamb_update_phase2", attrs("lr", f(lr), "lower_bound", "0.1",
              "upper_bound", "5.0"), w, upd, r1, r2);
        }));
    c.add(new Case("adagrad", AdaGrad.builder().learningRate(0.1).wd(0.01).rescaleGrad(0.5)
        .clipGradient(1).build(), 1, (mx, w, g, st, lr, wd, t) -> {
          // grad = grad * rescale_grad; grad = clip(grad, -c, c); history[:] += square(grad)
          Pointer gr = one(mx, "clip", attrs("a_min", "-1.0", "a_max", "1.0"),
              scalar(mx, "_mul_scalar", g, 0.5));
          st[0] = one(mx, "broadcast_add", Map.of(), st[0], one(mx, "square", Map.of(), gr));
          // div = grad / sqrt(history + eps); weight[:] += (div + weight * wd) * -lr
          Pointer div = one(mx, "broadcast_div", Map.of(), gr,
              one(mx, "sqrt", Map.of(), scalar(mx, "_plus_scalar", st[0], 1e-7)));
          Pointer change = scalar(mx, "_mul_scalar", one(mx, "broadcast_add", Map.of(), div,
              scalar(mx, "_mul_scalar", w, wd)), -lr);
          return one(mx, "broadcast_add", Map.of(), w, change);
        }));
    c.add(new Case("adadelta", AdaDelta.builder().wd(0.01).clipGradient(1).build(), 2,
        (mx, w, g, st, lr, wd, t) -> {
          double rho = 0.9;
          double eps = 1e-5;
          Pointer gr = one(mx, "clip", attrs("a_min", "-1.0", "a_max", "1.0"),
              scalar(mx, "_mul_scalar", g, 1.0));
          // acc_g[:] *= rho; acc_g[:] += (1. - rho) * grad * grad
          st[0] = one(mx, "broadcast_add", Map.of(), scalar(mx, "_mul_scalar", st[0], rho),
              one(mx, "broadcast_mul", Map.of(), scalar(mx, "_mul_scalar", gr, 1. - rho), gr));
          // current_delta = sqrt(acc_delta + eps) / sqrt(acc_g + eps) * grad
          Pointer delta = one(mx, "broadcast_mul", Map.of(), one(mx, "broadcast_div", Map.of(),
              one(mx, "sqrt", Map.of(), scalar(mx, "_plus_scalar", st[1], eps)),
              one(mx, "sqrt", Map.of(), scalar(mx, "_plus_scalar", st[0], eps))), gr);
          st[1] = one(mx, "broadcast_add", Map.of(), scalar(mx, "_mul_scalar", st[1], rho),
              one(mx, "broadcast_mul", Map.of(), scalar(mx, "_mul_scalar", delta, 1. - rho),
                  delta));
          // weight[:] -= current_delta + wd * weight
          return one(mx, "broadcast_sub", Map.of(), w, one(mx, "broadcast_add", Map.of(), delta,
              scalar(mx, "_mul_scalar", w, wd)));
        }));
    return c;
  }

  @TestFactory
  Stream<DynamicTest> everyUpdateEqualsMxnets() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
  }

  private static void run(Case c) throws IOException {
    OperatorsMatchMxnetIT.Problems problems = new OperatorsMatchMxnetIT.Problems(c.name()
        + " (" + c.kindling().spec() + ")");
    Random r = new Random(c.name().hashCode());
    try (MxImperative.Arena mx = new MxImperative.Arena()) {
      Map<String, NDArray> kWeights = new LinkedHashMap<>();
      Map<String, Pointer> mxWeights = new LinkedHashMap<>();
      Map<String, Pointer[]> mxStates = new LinkedHashMap<>();
      for (Map.Entry<String, int[]> p : PARAMS.entrySet()) {
        double[] w = values(r, size(p.getValue()), 1);
        kWeights.put(p.getKey(), NDArray.of(floats(w), Shape.of(p.getValue())));
        mxWeights.put(p.getKey(), mx.array(p.getValue(), 0, w));
        Pointer[] st = new Pointer[c.numStates()];
        for (int i = 0; i < st.length; i++) {
          st[i] = mx.array(p.getValue(), 0, new double[w.length]);
        }
        mxStates.put(p.getKey(), st);
      }
      for (int t = 1; t <= STEPS; t++) {
        for (String key : PARAMS.keySet()) {
          int[] shape = PARAMS.get(key);
          double[] g = values(r, size(shape), 2);
          try (NDArray grad = NDArray.of(floats(g), Shape.of(shape))) {
            c.kindling().update(key, kWeights.get(key), grad);
          }
          // MXNet's Module gives weights wd_mult 1 and biases 0
          double wd = key.endsWith("_weight") ? c.kindling().wd() : 0;
          Pointer w = c.mx().apply(mx, mxWeights.get(key), mx.array(shape, 0, g),
              mxStates.get(key), c.kindling().learningRate(), wd, t);
          mxWeights.put(key, w);
          problems.values("update " + t + " weight '" + key + "'",
              toDouble(kWeights.get(key).toFloatArray()), mx.read(w).values(), false);
        }
        compareStates(problems, t, c, mx, mxStates);
      }
      kWeights.values().forEach(NDArray::close);
    }
    problems.throwIfAny();
  }

  private static void compareStates(OperatorsMatchMxnetIT.Problems problems, int t, Case c,
      MxImperative.Arena mx, Map<String, Pointer[]> mxStates) throws IOException {
    ParamsFile.Contents saved = ParamsFile.read(c.kindling().saveStates(), "states");
    Map<String, NDArray> byName = new LinkedHashMap<>();
    for (int i = 0; i < saved.names().size(); i++) {
      byName.put(saved.names().get(i), saved.arrays().get(i));
    }
    for (Map.Entry<String, Pointer[]> e : mxStates.entrySet()) {
      for (int i = 0; i < c.numStates(); i++) {
        String name = "state:" + e.getKey() + ":" + i;
        NDArray k = byName.get(name);
        if (k == null) {
          problems.add("update " + t + ": Kindling saved no '" + name + "'");
          continue;
        }
        problems.values("update " + t + " " + name, toDouble(k.toFloatArray()),
            mx.read(e.getValue()[i]).values(), false);
      }
    }
    byName.values().forEach(NDArray::close);
  }

  private static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Values in {@code [-scale, scale)}, as float32 (both sides get the same floats). */
  private static double[] values(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
