package org.kindling.tensor.engine;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The engines that tests of shared behaviour run against, and what they hold. */
final class EngineKinds {
  private EngineKinds() {}

  /** Arguments for {@code @MethodSource}: a name and a factory of a fresh engine. */
  static Stream<Arguments> all() {
    return Stream.of(
        Arguments.of("naive", (Supplier<Engine>) NaiveEngine::new),
        Arguments.of("threaded, one worker", (Supplier<Engine>) () -> new ThreadedEngine(1, 1)),
        Arguments.of("threaded, three workers",
            (Supplier<Engine>) () -> new ThreadedEngine(3, 2)));
  }

  /** Failures the engine holds for a later wait. */
  static int heldFailures(Engine e) {
    if (e instanceof ThreadedEngine t) {
      return t.unreportedFailures();
    }
    return ((NaiveEngine) e).unreportedFailures();
  }
}
