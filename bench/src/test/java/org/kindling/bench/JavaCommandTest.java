package org.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JavaCommandTest {
  @Test
  void runsTheMainClassWithThisJvmsClassPath() {
    List<String> cmd = JavaCommand.of("a.B", List.of("--epochs", "1"));
    assertThat(cmd.get(0)).endsWith("/bin/java");
    assertThat(cmd.subList(cmd.size() - 5, cmd.size()))
        .containsExactly("-cp", System.getProperty("java.class.path"), "a.B", "--epochs", "1");
  }
}
