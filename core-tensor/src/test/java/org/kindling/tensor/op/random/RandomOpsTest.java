package org.kindling.tensor.op.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.Sample;
import org.kindling.testing.OpRunner;

/**
 * The random samplers, which the generic suite checks only on deterministic configurations:
 * their distributions (moments and ranges over many draws; the tolerances are several standard
 * errors wide, and the seeds are fixed, so the tests are deterministic), reproducibility for a
 * seed, type handling and MXNet's parameter rules.
 */
class RandomOpsTest {
  private static final int N = 40_000;

  private static <P extends Record> double[] draw(OpDef<P> op, P p, long seed) {
    return new OpRunner<>(op, Sample.of(p)).forward(new double[0][], false, seed)[0];
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  @Test
  void uniformFillsItsIntervalWithTheRightMoments() {
    double[] x = draw(RandomUniform.OP, RandomUniform.Params.of(-1f, 3f, N), 11);
    for (double v : x) {
      assertThat(v).isGreaterThanOrEqualTo(-1).isLessThan(3);
    }
    assertThat(mean(x)).isCloseTo(1.0, within(0.04));
    assertThat(variance(x)).isCloseTo(16.0 / 12, within(0.04));
    // each quarter of the interval gets a quarter of the draws
    int low = 0;
    for (double v : x) {
      low += v < 0 ? 1 : 0;
    }
    assertThat(low / (double) N).isCloseTo(0.25, within(0.01));
  }

  @Test
  void normalHasTheRequestedMeanAndSpread() {
    double[] x = draw(RandomNormal.OP, RandomNormal.Params.of(2f, 0.5f, N), 12);
    assertThat(mean(x)).isCloseTo(2.0, within(0.01));
    assertThat(Math.sqrt(variance(x))).isCloseTo(0.5, within(0.01));
    int inOneSigma = 0;
    for (double v : x) {
      inOneSigma += Math.abs(v - 2) < 0.5 ? 1 : 0;
    }
    assertThat(inOneSigma / (double) N).isCloseTo(0.6827, within(0.012));
  }

  @Test
  void bernoulliFrequenciesFollowProbOrLogit() {
    assertThat(mean(draw(NpiBernoulli.OP, NpiBernoulli.Params.prob(0.3f, N), 13)))
        .isCloseTo(0.3, within(0.012));
    // sigmoid(-1) = 0.2689
    assertThat(mean(draw(NpiBernoulli.OP, NpiBernoulli.Params.logit(-1f, N), 14)))
        .isCloseTo(0.2689, within(0.012));
    double[] x = draw(NpiBernoulli.OP, NpiBernoulli.Params.prob(0.5f, 1000), 15);
    for (double v : x) {
      assertThat(v).isIn(0.0, 1.0);
    }
  }

  @Test
  void bernoulliFromAnInputBroadcastsItsProbabilitiesOrLogits() {
    int rows = 20_000;
    OpRunner<NpiBernoulli.Params> r = new OpRunner<>(NpiBernoulli.OP,
        Sample.of(NpiBernoulli.Params.fromInput(false).withSize(rows, 2), Shape.of(1, 2)));
    double[] y = r.forward(new double[][] {{0.2, 0.9}}, false, 16)[0];
    double c0 = 0;
    double c1 = 0;
    for (int i = 0; i < rows; i++) {
      c0 += y[2 * i];
      c1 += y[2 * i + 1];
    }
    assertThat(c0 / rows).isCloseTo(0.2, within(0.015));
    assertThat(c1 / rows).isCloseTo(0.9, within(0.012));
    OpRunner<NpiBernoulli.Params> logits = new OpRunner<>(NpiBernoulli.OP,
        Sample.of(NpiBernoulli.Params.fromInput(true).withSize(rows), Shape.of(1)));
    assertThat(mean(logits.forward(new double[][] {{2}}, false, 17)[0]))
        .isCloseTo(1 / (1 + Math.exp(-2)), within(0.012));
    assertThatThrownBy(() -> r.forward(new double[][] {{0.2, 1.5}}, false, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probs");
  }

  @Test
  void theSameSeedGivesTheSameDrawsAndAnotherSeedOthers() {
    RandomNormal.Params p = RandomNormal.Params.of(0f, 1f, 64);
    assertThat(draw(RandomNormal.OP, p, 5)).containsExactly(draw(RandomNormal.OP, p, 5));
    assertThat(draw(RandomNormal.OP, p, 5)).isNotEqualTo(draw(RandomNormal.OP, p, 6));
    RandomUniform.Params u = RandomUniform.Params.of(0f, 1f, 64);
    assertThat(draw(RandomUniform.OP, u, 5)).containsExactly(draw(RandomUniform.OP, u, 5));
  }

  @Test
  void imperativeCallsDependOnTheGlobalSeedAndTheirOrderOnly() {
    RandomUniform.Params p = RandomUniform.Params.of(0f, 1f, 16);
    Randoms.seed(42);
    float[][] first = drawTwice(p);
    Randoms.seed(42);
    float[][] again = drawTwice(p);
    assertThat(again[0]).containsExactly(first[0]);
    assertThat(again[1]).containsExactly(first[1]);
    assertThat(first[0]).isNotEqualTo(first[1]);
  }

  private static float[][] drawTwice(RandomUniform.Params p) {
    try (NDArray a = Imperative.call(RandomUniform.OP, p);
        NDArray b = Imperative.call(RandomUniform.OP, p)) {
      return new float[][] {a.toFloatArray(), b.toFloatArray()};
    }
  }

  @Test
  void outputTypesFollowSampleOpType() {
    OpRunner<RandomUniform.Params> f64 = new OpRunner<>(RandomUniform.OP,
        Sample.of(RandomUniform.Params.of(0f, 1f, 8).withDtype(SampleDType.FLOAT64)));
    for (double v : f64.forward(new double[0][], false, 3)[0]) {
      assertThat(v).isBetween(0.0, 1.0);
    }
    try (NDArray h = Imperative.call(RandomNormal.OP,
        RandomNormal.Params.of(0f, 1f, 4).withDtype(SampleDType.FLOAT16))) {
      assertThat(h.dtype()).isEqualTo(DType.FLOAT16);
    }
    try (NDArray b = Imperative.call(NpiBernoulli.OP,
        NpiBernoulli.Params.prob(0.5f, 3).withDtype(NpiBernoulli.OutType.BOOL))) {
      assertThat(b.dtype()).isEqualTo(DType.BOOL);
    }
  }

  @Test
  void mxnetsParameterRulesAreEnforced() {
    assertThatThrownBy(() -> RandomUniform.Params.of(2f, 1f, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low");
    assertThatThrownBy(() -> RandomNormal.Params.of(0f, 0f, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale");
    assertThatThrownBy(() -> NpiBernoulli.Params.prob(1.5f, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probs");
    // an empty shape is unknown in legacy shape mode
    assertThatThrownBy(() -> Imperative.call(RandomUniform.OP, RandomUniform.Params.of(0f, 1f)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot infer");
    // random values have no float64 reference
    assertThatThrownBy(() -> RandomNormal.OP.reference(RandomNormal.Params.of(0f, 1f, 2),
        new Shape[0], new double[0][], false)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void attributesParseAsMxnetWritesThem() {
    assertThat(OpRegistry.get("uniform")).isEqualTo(RandomUniform.OP);
    assertThat(OpRegistry.get("random_normal")).isEqualTo(RandomNormal.OP);
    RandomUniform.Params u = RandomUniform.OP.parseAttrs("u",
        Map.of("low", "-1", "high", "1", "shape", "(2, 3)", "dtype", "float64"));
    assertThat(u).isEqualTo(new RandomUniform.Params(-1f, 1f, new int[] {2, 3}, "",
        SampleDType.FLOAT64));
    // as Python's mx.npx.random.bernoulli writes the node
    Map<String, String> attrs = new HashMap<>(Map.of("prob", "0.3", "logit", "None",
        "size", "(2,)", "ctx", "cpu", "dtype", "float32", "is_logit", "False"));
    NpiBernoulli.Params b = NpiBernoulli.OP.parseAttrs("b", attrs);
    assertThat(b.probValue()).isEqualTo(0.3f);
    assertThat(NpiBernoulli.OP.inputNames(b)).isEmpty();
    assertThat(NpiBernoulli.OP.toAttrs(b)).containsEntry("logit", "None")
        .containsEntry("is_logit", "False");
    attrs.remove("is_logit");
    assertThatThrownBy(() -> NpiBernoulli.OP.parseAttrs("b", attrs))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is_logit");
    NpiBernoulli.Params t = NpiBernoulli.OP.parseAttrs("b", Map.of("prob", "None",
        "logit", "None", "is_logit", "True"));
    assertThat(NpiBernoulli.OP.inputNames(t)).containsExactly("input1");
  }
}
