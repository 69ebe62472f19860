package org.kindling.symbol.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientCompressionTest {
  @Test
  void readsMxnetsCompressionParams() {
    GradientCompression gc = GradientCompression.parse(Map.of("type", "2bit", "threshold", "2"));

    assertThat(gc).isEqualTo(GradientCompression.twoBit(2f));
    assertThat(gc.enabled()).isTrue();
    assertThat(GradientCompression.parse(gc.params())).isEqualTo(gc);
    assertThat(GradientCompression.parse(Map.of("type", "2bit")).threshold())
        .as("MXNet's default").isEqualTo(0.5f);
    assertThat(GradientCompression.parse(Map.of("type", "none")).enabled()).isFalse();
  }

  @Test
  void fp16IsKindlingsFloat16TransportWithoutAThreshold() {
    GradientCompression gc = GradientCompression.parse(Map.of("type", "fp16"));

    assertThat(gc).isEqualTo(GradientCompression.fp16());
    assertThat(gc.enabled()).isTrue();
    assertThat(gc.params()).containsExactly(Map.entry("type", "fp16"));
    assertThat(GradientCompression.parse(gc.params())).isEqualTo(gc);
    assertThat(gc).hasToString("fp16");
    assertThatThrownBy(() -> GradientCompression.parse(Map.of("type", "fp16", "threshold", "1")))
        .hasMessageContaining("'threshold' belongs to 2bit; fp16 has none");
  }

  @Test
  void badParametersAreRefusedNamingThem() {
    assertThatThrownBy(() -> GradientCompression.parse(Map.of("threshold", "1")))
        .hasMessageContaining("'type' is required");
    assertThatThrownBy(() -> GradientCompression.parse(Map.of("type", "1bit")))
        .hasMessageContaining("'type' must be '2bit', 'fp16' or 'none', got '1bit'");
    assertThatThrownBy(() -> GradientCompression.parse(Map.of("type", "2bit", "treshold", "1")))
        .hasMessageContaining("unknown gradient compression parameter 'treshold'");
    for (String bad : new String[] {"0", "-0.5", "NaN", "Infinity"}) {
      assertThatThrownBy(() -> GradientCompression.parse(Map.of("type", "2bit", "threshold", bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'threshold' must be a finite number > 0");
    }
    assertThatThrownBy(() -> GradientCompression.parse(Map.of("type", "2bit", "threshold", "x")))
        .hasMessageContaining("'threshold' must be a number, got 'x'");
  }
}
