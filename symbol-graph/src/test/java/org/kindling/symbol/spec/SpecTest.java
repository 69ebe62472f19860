package org.kindling.symbol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.Param;

class SpecTest {
  @Test
  void theCallFormReadsNamesKeysAndValues() {
    Spec s = Spec.parse(" xavier ( rnd_type = gaussian , factor_type=in,magnitude=2, ) ", "x");
    assertThat(s.name()).isEqualTo("xavier");
    assertThat(s.args()).containsExactly(Map.entry("rnd_type", "gaussian"),
        Map.entry("factor_type", "in"), Map.entry("magnitude", "2"));
    assertThat(Spec.parse("zeros", "x")).isEqualTo(Spec.of("zeros"));
    assertThat(Spec.parse("zeros()", "x")).isEqualTo(Spec.of("zeros"));
    assertThat(Spec.parse("f(a='x, y', b=\"it's\", c=(2, 3), d=[1,2])", "x").args())
        .containsExactly(Map.entry("a", "x, y"), Map.entry("b", "it's"),
            Map.entry("c", "(2, 3)"), Map.entry("d", "[1,2]"));
  }

  @Test
  void theJsonFormsReadTypedValues() {
    Spec s = Spec.parse(
        "[\"xavier\", {\"rnd_type\": \"gaussian\", \"magnitude\": 2.34, \"n\": 3, "
            + "\"flag\": true, \"none\": null}]", "initializer");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("rnd_type", "gaussian");
    expected.put("magnitude", 2.34);
    expected.put("n", 3);
    expected.put("flag", true);
    expected.put("none", null);
    assertThat(s).isEqualTo(new Spec("xavier", expected));
    assertThat(Spec.parse("{\"metric\": \"acc\", \"axis\": 1}", "metric"))
        .isEqualTo(Spec.of("acc", "axis", 1));
  }

  @Test
  void toJsonWritesWhatPythonsJsonDumpsWrites() {
    // json.dumps(["xavier", {"rnd_type": "uniform", "factor_type": "in", "magnitude": 2.34}])
    assertThat(Spec.of("xavier", "rnd_type", "uniform", "factor_type", "in", "magnitude", 2.34)
        .toJson()).isEqualTo(
            "[\"xavier\", {\"rnd_type\": \"uniform\", \"factor_type\": \"in\", "
                + "\"magnitude\": 2.34}]");
    assertThat(Spec.of("zero").toJson()).isEqualTo("[\"zero\", {}]");
    // json.dumps(["f", {"a": 1e-12, "b": 3.0, "c": None, "d": False, "e": "q\"\u00e9\n"}])
    assertThat(Spec.of("f", "a", 1e-12, "b", 3.0, "c", null, "d", false, "e", "q\"\u00e9\n")
        .toJson()).isEqualTo("[\"f\", {\"a\": 1e-12, \"b\": 3.0, \"c\": null, \"d\": false, "
            + "\"e\": \"q\\\"\\u00e9\\n\"}]");
    assertThat(Spec.of("f", "x", Double.NaN, "y", Double.NEGATIVE_INFINITY).toJson())
        .isEqualTo("[\"f\", {\"x\": NaN, \"y\": -Infinity}]");
  }

  @Test
  void bothFormsRoundTrip() {
    Spec s = Spec.of("f", "a", "plain", "b", "needs, quoting", "c", 0.5, "d", true, "e", null,
        "g", "it's");
    Spec fromJson = Spec.parse(s.toJson(), "x");
    assertThat(fromJson).isEqualTo(s);
    Spec fromCall = Spec.parse(s.toString(), "x");
    assertThat(fromCall.toString()).isEqualTo(s.toString());
    assertThat(s.toString())
        .isEqualTo("f(a=plain, b='needs, quoting', c=0.5, d=True, e=None, g='it\\'s')");
  }

  @Test
  void syntaxErrorsNameTheTextAndTheProblem() {
    assertThatThrownBy(() -> Spec.parse("xavier(magnitude)", "initializer"))
        .hasMessageContaining("initializer spec 'xavier(magnitude)'")
        .hasMessageContaining("'=' after key 'magnitude'");
    assertThatThrownBy(() -> Spec.parse("xavier(magnitude=2", "initializer"))
        .hasMessageContaining("expected ',' or ')' after the value of 'magnitude'");
    assertThatThrownBy(() -> Spec.parse("xavier(", "initializer"))
        .hasMessageContaining("missing ')'");
    assertThatThrownBy(() -> Spec.parse("normal(sigma=1, sigma=2)", "initializer"))
        .hasMessageContaining("'sigma' is given twice");
    assertThatThrownBy(() -> Spec.parse("normal(sigma=1) extra", "initializer"))
        .hasMessageContaining("unexpected text");
    assertThatThrownBy(() -> Spec.parse("normal(sigma=)", "initializer"))
        .hasMessageContaining("expected a value");
    assertThatThrownBy(() -> Spec.parse("f(a='open)", "initializer"))
        .hasMessageContaining("unterminated string");
    assertThatThrownBy(() -> Spec.parse("", "metric")).hasMessageContaining("expected a name");
    assertThatThrownBy(() -> Spec.parse("[\"xavier\"]", "initializer"))
        .hasMessageContaining("[\"name\", {\"key\": value, ...}]");
    assertThatThrownBy(() -> Spec.parse("[\"xavier\", {\"a\": [1]}]", "initializer"))
        .hasMessageContaining("'a'").hasMessageContaining("array");
    assertThatThrownBy(() -> Spec.parse("[\"x\", {\"a\": 1, \"a\": 2}]", "initializer"))
        .hasMessageContaining("not valid JSON").hasMessageContaining("\"a\"");
    assertThatThrownBy(() -> Spec.parse("{\"axis\": 1}", "metric"))
        .hasMessageContaining("\"metric\"");
  }

  @Test
  void readingChecksKeysAndValuesAgainstTheDeclaration() {
    Param<Double> sigma = Param.doubleParam("sigma", 0.01).checked(v -> v >= 0, ">= 0");
    Param<Integer> k = Param.requiredInt("k");
    List<Param<?>> declared = List.of(sigma, k);
    SpecValues v = Spec.parse("normal(k=3)", "x").read(declared);
    assertThat(v.get(sigma)).isEqualTo(0.01);
    assertThat(v.get(k)).isEqualTo(3);
    assertThat(Spec.of("normal", "sigma", 2, "k", 1).read(declared).get(sigma)).isEqualTo(2.0);
    assertThatThrownBy(() -> Spec.parse("normal(sigm=1)", "x").read(declared))
        .hasMessage("normal: unknown key 'sigm' (keys: sigma, k)");
    assertThatThrownBy(() -> Spec.parse("normal(sigma=abc, k=1)", "x").read(declared)
        .get(sigma)).hasMessageContaining("normal: parameter sigma")
        .hasMessageContaining("'abc'");
    assertThatThrownBy(() -> Spec.parse("normal(sigma=-1, k=1)", "x").read(declared)
        .get(sigma)).hasMessageContaining("sigma").hasMessageContaining(">= 0");
    assertThatThrownBy(() -> Spec.parse("normal", "x").read(declared).get(k))
        .hasMessage("normal: required key 'k' (int) is missing");
  }
}
