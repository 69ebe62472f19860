package org.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {

  @Test
  void rendersHeaderSeparatorAndRows() {
    String t = new MarkdownTable("a", "b").row("1", "2").render();
    assertThat(t).isEqualTo("| a | b |\n|---|---|\n| 1 | 2 |\n");
  }

  @Test
  void pipesAndLineBreaksInCellsCannotBreakTheTable() {
    String line = MarkdownTable.line("failed: a|b\nat x");
    assertThat(line).isEqualTo("| failed: a\\|b at x |\n");
  }

  @Test
  void rowWithTheWrongNumberOfCellsIsRejected() {
    assertThatThrownBy(() -> new MarkdownTable("a", "b").row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells")
        .hasMessageContaining("2 columns");
  }
}
