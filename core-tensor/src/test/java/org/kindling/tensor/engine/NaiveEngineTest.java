package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaiveEngineTest {
  private final NaiveEngine engine = new NaiveEngine();

  @Test
  void runsOperationsAtOnceInProgramOrderIncludingNestedPushes() {
    Var v = engine.newVar("v");
    List<String> log = new ArrayList<>();
    engine.push("outer", () -> {
      log.add("outer");
      engine.push("inner", () -> log.add("inner"), List.of(), List.of(v));
    }, List.of(), List.of(engine.newVar("w")));
    log.add("after");
    assertThat(log).containsExactly("outer", "inner", "after");
  }

  @Test
  void rejectsForeignAndDuplicateVariables() {
    Var v = engine.newVar("v");
    assertThatThrownBy(() -> engine.push("dup", () -> {}, List.of(v), List.of(v)))
        .isInstanceOf(IllegalArgumentException.class);
    try (ThreadedEngine other = new ThreadedEngine(1, 1)) {
      Var foreign = other.newVar("foreign");
      assertThatThrownBy(() -> engine.waitToRead(foreign))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'foreign' was not created by this engine");
    }
  }
}
