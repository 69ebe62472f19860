package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnginesTest {
  @Test
  void threadedKindIsTheThreadedEngine() {
    try (Engine e = Engines.create("threaded")) {
      assertThat(e).isInstanceOf(ThreadedEngine.class);
    }
    try (Engine e = Engines.create("naive")) {
      assertThat(e).isInstanceOf(NaiveEngine.class);
    }
    assertThatThrownBy(() -> Engines.create("turbo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown engine 'turbo'");
  }

  @Test
  void threadCountComesFromTheSystemProperty() {
    String old = System.getProperty("kindling.engine.threads");
    try {
      System.setProperty("kindling.engine.threads", "3");
      try (Engine e = Engines.create("threaded")) {
        assertThat(((ThreadedEngine) e).threads()).isEqualTo(3);
      }
      System.clearProperty("kindling.engine.threads");
      assertThat(Engines.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
      System.setProperty("kindling.engine.threads", "zero");
      assertThatThrownBy(Engines::threads)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("-Dkindling.engine.threads=zero is not a positive integer");
      assertThatThrownBy(() -> new ThreadedEngine(0))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      if (old == null) {
        System.clearProperty("kindling.engine.threads");
      } else {
        System.setProperty("kindling.engine.threads", old);
      }
    }
  }
}
