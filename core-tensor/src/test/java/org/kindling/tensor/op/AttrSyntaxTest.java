package org.kindling.tensor.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.kindling.testing.Gen;
import org.kindling.testing.SeededProperty;

class AttrSyntaxTest {
  @Test
  void tuplesParseInEveryFrontEndSpelling() {
    assertThat(AttrSyntax.parseIntTuple("(3, 3)")).containsExactly(3, 3);
    assertThat(AttrSyntax.parseIntTuple("(2,)")).containsExactly(2);
    assertThat(AttrSyntax.parseIntTuple("(-1)")).containsExactly(-1);
    assertThat(AttrSyntax.parseIntTuple("()")).isEmpty();
    assertThat(AttrSyntax.parseIntTuple("[3,3]")).containsExactly(3, 3);
    assertThat(AttrSyntax.parseIntTuple("3")).containsExactly(3);
    assertThat(AttrSyntax.parseIntTuple("(2L, 3L)")).containsExactly(2, 3);
    assertThatThrownBy(() -> AttrSyntax.parseIntTuple("(2, x)")).hasMessageContaining("'x'");
    assertThatThrownBy(() -> AttrSyntax.parseIntTuple("(2, 3")).hasMessageContaining(")");
  }

  @Test
  void booleansAcceptDmlcSpellings() {
    assertThat(AttrSyntax.parseBool("True")).isTrue();
    assertThat(AttrSyntax.parseBool("FALSE")).isFalse();
    assertThat(AttrSyntax.parseBool("1")).isTrue();
    assertThat(AttrSyntax.parseBool("0")).isFalse();
    assertThatThrownBy(() -> AttrSyntax.parseBool("yes")).hasMessageContaining("'yes'");
  }

  @Test
  void floatsFormatLikePythonStr() {
    assertThat(AttrSyntax.formatFloat(1f)).isEqualTo("1.0");
    assertThat(AttrSyntax.formatFloat(0.5f)).isEqualTo("0.5");
    assertThat(AttrSyntax.formatFloat(0.0001f)).isEqualTo("0.0001");
    assertThat(AttrSyntax.formatFloat(1e-5f)).isEqualTo("1e-05");
    assertThat(AttrSyntax.formatFloat(-1f)).isEqualTo("-1.0");
    assertThat(AttrSyntax.formatFloat(0.9f)).isEqualTo("0.9");
    assertThat(AttrSyntax.formatFloat(2.5e-7f)).isEqualTo("2.5e-07");
    assertThat(AttrSyntax.parseFloat("1e-05")).isEqualTo(1e-5f);
    assertThatThrownBy(() -> AttrSyntax.parseFloat("1.0f")).hasMessageContaining("'1.0f'");
  }

  @Test
  void tuplesRoundTrip() {
    SeededProperty.check(200, r -> Gen.anyInts(r, 0, 6), dims ->
        assertThat(AttrSyntax.parseIntTuple(AttrSyntax.formatTuple(dims))).containsExactly(dims));
  }

  @Test
  void floatsRoundTrip() {
    SeededProperty.check(300, Gen::anyFloat, f -> {
      float back = AttrSyntax.parseFloat(AttrSyntax.formatFloat(f));
      // bit-exact: -0.0 stays -0.0, and every NaN reads back as a NaN
      if (Float.isNaN(f)) {
        assertThat(back).isNaN();
      } else {
        assertThat(Float.floatToIntBits(back)).isEqualTo(Float.floatToIntBits(f));
      }
    });
  }
}
