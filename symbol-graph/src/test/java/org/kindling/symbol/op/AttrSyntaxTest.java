package org.kindling.symbol.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

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

  @Property(tries = 200)
  void tuplesRoundTrip(@ForAll @Size(max = 6) int[] dims) {
    assertThat(AttrSyntax.parseIntTuple(AttrSyntax.formatTuple(dims))).containsExactly(dims);
  }

  @Property(tries = 300)
  void floatsRoundTrip(@ForAll float f) {
    if (Float.isNaN(f)) {
      assertThat(AttrSyntax.parseFloat(AttrSyntax.formatFloat(f))).isNaN();
    } else {
      assertThat(AttrSyntax.parseFloat(AttrSyntax.formatFloat(f))).isEqualTo(f);
    }
  }
}
