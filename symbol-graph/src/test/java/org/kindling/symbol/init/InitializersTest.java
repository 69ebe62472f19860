package org.kindling.symbol.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.init.Xavier.FactorType;
import org.kindling.symbol.init.Xavier.RandomType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/** Creating initializers from specs, as {@code mx.init.create}, and back with dumps(). */
class InitializersTest {
  private static final List<WeightInitializer> ALL = List.of(
      new Zero(), new One(), new Constant(-1.5), new Uniform(0.2, 4), new Normal(0.3, 4),
      new Xavier(RandomType.GAUSSIAN, FactorType.OUT, 2.34, 4),
      new MSRAPrelu(FactorType.IN, 0.1, 4), new Bilinear(), new LSTMBias(0.5));

  private static float[] weight(WeightInitializer init) {
    NDArray w = NDArray.zeros(4, 2, 2, 2);
    init.init("a_weight", w);
    return w.toFloatArray();
  }

  @Test
  void dumpsMatchesMxnetsJson() {
    // mx.init.Normal(0.5).dumps(), mx.init.Zero().dumps(), mx.init.MSRAPrelu().dumps()
    assertThat(new Normal(0.5, 0).dumps()).isEqualTo("[\"normal\", {\"sigma\": 0.5}]");
    assertThat(new Zero().dumps()).isEqualTo("[\"zero\", {}]");
    assertThat(new MSRAPrelu(0).dumps())
        .isEqualTo("[\"msraprelu\", {\"factor_type\": \"avg\", \"slope\": 0.25}]");
    // mx.init.Xavier(factor_type="in", magnitude=2.34).dumps() (rnd_type first in Python 3.7+)
    assertThat(new Xavier(RandomType.UNIFORM, FactorType.IN, 2.34, 0).dumps()).isEqualTo(
        "[\"xavier\", {\"rnd_type\": \"uniform\", \"factor_type\": \"in\", \"magnitude\": 2.34}]");
    assertThat(new Xavier(0).toString())
        .isEqualTo("xavier(rnd_type=uniform, factor_type=avg, magnitude=3.0)");
  }

  @Test
  void everyInitializerRoundTripsThroughBothTextForms() {
    for (WeightInitializer init : ALL) {
      WeightInitializer fromJson = Initializers.create(init.dumps(), init.seed());
      WeightInitializer fromCall = Initializers.create(init.toString(), init.seed());
      assertThat(fromJson.spec()).as(init.dumps()).isEqualTo(init.spec());
      assertThat(fromCall.spec()).as(init.toString()).isEqualTo(init.spec());
      assertThat(fromJson.getClass()).isEqualTo(init.getClass());
      assertThat(weight(fromJson)).as(init.toString()).containsExactly(weight(init));
      assertThat(weight(fromCall)).as(init.toString()).containsExactly(weight(init));
    }
    assertThat(Initializers.names()).containsExactly("bilinear", "constant", "lstmbias",
        "msraprelu", "normal", "one", "ones", "uniform", "xavier", "zero", "zeros");
  }

  @Test
  void specsTakeMxnetsNamesAliasesDefaultsAndTypes() {
    assertThat(Initializers.create("xavier", 1).spec()).isEqualTo(new Xavier(1).spec());
    assertThat(Initializers.create("Xavier(rnd_type=gaussian,factor_type=in,magnitude=2)", 1)
        .spec()).isEqualTo(new Xavier(RandomType.GAUSSIAN, FactorType.IN, 2, 1).spec());
    assertThat(Initializers.create("normal(sigma=0.01)", 1)).isInstanceOf(Normal.class);
    assertThat(Initializers.create("zeros", 1)).isInstanceOf(Zero.class);
    assertThat(Initializers.create("ones", 1)).isInstanceOf(One.class);
    // MXNet's LeakyReLU writes an __init__ with the class name's capital letter
    assertThat(Initializers.create("[\"Constant\", {\"value\": 0.25}]", 1).spec())
        .isEqualTo(new Constant(0.25).spec());
    assertThat(Initializers.create("{\"initializer\": \"uniform\", \"scale\": 1}", 1).spec())
        .isEqualTo(new Uniform(1, 1).spec());
    // the seed drives the draws: same spec, same seed, same values
    assertThat(weight(Initializers.create("normal(sigma=1)", 7)))
        .containsExactly(weight(new Normal(1, 7)))
        .isNotEqualTo(weight(new Normal(1, 8)));
  }

  @Test
  void badSpecsAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> Initializers.create("xavier(magnitud=2)", 1))
        .hasMessageContaining("unknown key 'magnitud'")
        .hasMessageContaining("rnd_type, factor_type, magnitude");
    assertThatThrownBy(() -> Initializers.create("xavier(rnd_type=normal)", 1))
        .hasMessageContaining("rnd_type").hasMessageContaining("'normal'")
        .hasMessageContaining("'gaussian'");
    assertThatThrownBy(() -> Initializers.create("xavier(magnitude=-1)", 1))
        .hasMessageContaining("magnitude").hasMessageContaining("> 0");
    assertThatThrownBy(() -> Initializers.create("normal(sigma=wide)", 1))
        .hasMessageContaining("sigma").hasMessageContaining("'wide'");
    assertThatThrownBy(() -> Initializers.create("constant", 1))
        .hasMessageContaining("required key 'value'");
    assertThatThrownBy(() -> Initializers.create("orthogonal", 1))
        .hasMessageContaining("'orthogonal'").hasMessageContaining("not implemented");
    assertThatThrownBy(() -> Initializers.create("gaussian", 1))
        .hasMessageContaining("'gaussian' is unknown").hasMessageContaining("xavier");
  }
}
