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
  void threadedEngineTakesItsWorkersFromTheThreadBudget() {
    String oldWorkers = System.getProperty(ThreadBudget.ENGINE_THREADS);
    String oldIo = System.getProperty(ThreadBudget.IO_THREADS);
    try {
      System.setProperty(ThreadBudget.ENGINE_THREADS, "3");
      System.setProperty(ThreadBudget.IO_THREADS, "2");
      try (Engine e = Engines.create("threaded")) {
        assertThat(((ThreadedEngine) e).threads()).isEqualTo(3);
        assertThat(((ThreadedEngine) e).ioThreads()).isEqualTo(2);
      }
      System.setProperty(ThreadBudget.ENGINE_THREADS, "zero");
      assertThatThrownBy(() -> Engines.create("threaded"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("-Dkindling.engine.threads=zero is not a positive integer");
      assertThatThrownBy(() -> new ThreadedEngine(0, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ThreadedEngine(1, 0))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      restore(ThreadBudget.ENGINE_THREADS, oldWorkers);
      restore(ThreadBudget.IO_THREADS, oldIo);
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
