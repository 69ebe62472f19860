package org.kindling.symbol.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamParsingTest {
  @Test
  void absentKeysTakeMxnetDefaults() {
    FullyConnected.Params p =
        Operators.FULLY_CONNECTED.parseAttrs("fc1", Map.of("num_hidden", "10"));
    assertThat(p).isEqualTo(new FullyConnected.Params(10, false, true));
    SoftmaxOutput.Params s = Operators.SOFTMAX_OUTPUT.parseAttrs("softmax", Map.of());
    assertThat(s).isEqualTo(SoftmaxOutput.Params.defaults());
    assertThat(s.gradScale()).isEqualTo(1f);
    assertThat(s.ignoreLabel()).isEqualTo(-1f);
    assertThat(s.normalization()).isEqualTo(SoftmaxOutput.Normalization.NULL);
  }

  @Test
  void valuesUseMxnetAttributeSyntax() {
    FullyConnected.Params p = Operators.FULLY_CONNECTED.parseAttrs("fc",
        Map.of("num_hidden", "4", "no_bias", "True", "flatten", "false"));
    assertThat(p).isEqualTo(new FullyConnected.Params(4, true, false));
    SoftmaxOutput.Params s = Operators.SOFTMAX_OUTPUT.parseAttrs("sm",
        Map.of("grad_scale", "1e-05", "use_ignore", "1", "normalization", "valid",
            "ignore_label", "3"));
    assertThat(s.gradScale()).isEqualTo(1e-5f);
    assertThat(s.useIgnore()).isTrue();
    assertThat(s.normalization()).isEqualTo(SoftmaxOutput.Normalization.VALID);
    assertThat(s.ignoreLabel()).isEqualTo(3f);
  }

  @Test
  void hiddenKeysAreIgnored() {
    FullyConnected.Params p = Operators.FULLY_CONNECTED.parseAttrs("fc1",
        Map.of("num_hidden", "3", "__lr_mult__", "2", "__ctx_group__", "dev1"));
    assertThat(p.numHidden()).isEqualTo(3);
  }

  @Test
  void unknownKeyIsAnErrorNamingOperatorNodeAndKey() {
    assertThatThrownBy(() -> Operators.FULLY_CONNECTED.parseAttrs("fc1",
            Map.of("num_hidden", "3", "num_hiden", "4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FullyConnected node 'fc1'")
        .hasMessageContaining("unknown parameter 'num_hiden'")
        .hasMessageContaining("num_hidden, no_bias, flatten");
  }

  @Test
  void missingRequiredAndBadValuesAreErrorsNamingTheParameter() {
    assertThatThrownBy(() -> Operators.FULLY_CONNECTED.parseAttrs("fc2", Map.of()))
        .hasMessageContaining("fc2").hasMessageContaining("required parameter 'num_hidden'");
    assertThatThrownBy(() -> Operators.FULLY_CONNECTED.parseAttrs("fc2",
            Map.of("num_hidden", "0")))
        .hasMessageContaining("num_hidden").hasMessageContaining(">= 1");
    assertThatThrownBy(() -> Operators.FULLY_CONNECTED.parseAttrs("fc2",
            Map.of("num_hidden", "2.5")))
        .hasMessageContaining("num_hidden").hasMessageContaining("'2.5'");
    assertThatThrownBy(() -> Operators.ACTIVATION.parseAttrs("a1", Map.of("act_type", "gelu")))
        .hasMessageContaining("Activation node 'a1'")
        .hasMessageContaining("'relu'").hasMessageContaining("'gelu'");
    assertThatThrownBy(() -> Operators.FULLY_CONNECTED.parseAttrs("fc2",
            Map.of("num_hidden", "2", "no_bias", "yes")))
        .hasMessageContaining("no_bias");
  }

  @Test
  void toAttrsWritesRequiredAndNonDefaultParametersAsPythonWould() {
    assertThat(Operators.FULLY_CONNECTED.toAttrs(FullyConnected.Params.of(128)))
        .containsExactly(Map.entry("num_hidden", "128"));
    assertThat(Operators.FULLY_CONNECTED.toAttrs(
            FullyConnected.Params.of(8).withNoBias(true).withFlatten(false)))
        .containsExactly(Map.entry("flatten", "False"), Map.entry("no_bias", "True"),
            Map.entry("num_hidden", "8"));
    assertThat(Operators.SOFTMAX_OUTPUT.toAttrs(SoftmaxOutput.Params.defaults()
            .withGradScale(0.5f).withNormalization(SoftmaxOutput.Normalization.BATCH)))
        .containsExactly(Map.entry("grad_scale", "0.5"), Map.entry("normalization", "batch"));
    assertThat(Operators.RESHAPE.toAttrs(Reshape.Params.of(-1)))
        .containsExactly(Map.entry("shape", "(-1,)"));
  }

  @Test
  void parsedAttrsRoundTripThroughToAttrs() {
    SoftmaxOutput.Params p = SoftmaxOutput.Params.defaults().withIgnoreLabel(0f)
        .withSmoothAlpha(0.1f).withMultiOutput(true);
    Map<String, String> attrs = Operators.SOFTMAX_OUTPUT.toAttrs(p);
    assertThat(Operators.SOFTMAX_OUTPUT.parseAttrs("s", attrs)).isEqualTo(p);
  }

  @Test
  void registryResolvesCanonicalNamesAndAliases() {
    assertThat(OperatorRegistry.find("Softmax")).contains(Operators.SOFTMAX_OUTPUT);
    assertThat(OperatorRegistry.find("flatten")).contains(Operators.FLATTEN);
    assertThat(OperatorRegistry.find("_Plus")).contains(Operators.ELEMWISE_ADD);
    assertThat(OperatorRegistry.find("_plus")).contains(Operators.ELEMWISE_ADD);
    assertThat(OperatorRegistry.find("_add")).contains(Operators.ELEMWISE_ADD);
    assertThat(OperatorRegistry.find("elemwise_add")).contains(Operators.ELEMWISE_ADD);
    assertThat(OperatorRegistry.find("Convolution")).isEmpty();
  }
}
