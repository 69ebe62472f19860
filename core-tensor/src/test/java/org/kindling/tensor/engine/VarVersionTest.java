package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Var#version()}: a write renews the stamp before anything after it runs, a read leaves it,
 * {@code waitToWrite} renews it (the caller writes directly next), and stamps never repeat across
 * variables, so contents derived from a stamp can be kept while it stays.
 */
class VarVersionTest {
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void writesRenewTheStampAndReadsKeepIt(String kind, Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var a = e.newVar("a");
      Var b = e.newVar("b");
      assertThat(a.version()).isNotEqualTo(b.version());
      long fresh = a.version();
      AtomicLong seenByReader = new AtomicLong();
      AtomicLong seenAfterWrite = new AtomicLong();
      e.push("read", () -> seenByReader.set(a.version()), List.of(a), List.of());
      e.push("write", () -> { }, List.of(), List.of(a));
      e.push("read again", () -> seenAfterWrite.set(a.version()), List.of(a), List.of());
      e.waitAll();
      assertThat(seenByReader).as("a read sees the stamp of the contents it reads")
          .hasValue(fresh);
      assertThat(seenAfterWrite.get()).as("a read after a write sees a new stamp")
          .isNotEqualTo(fresh);
      assertThat(a.version()).isEqualTo(seenAfterWrite.get());
      long afterWrite = a.version();
      e.waitToRead(a);
      assertThat(a.version()).isEqualTo(afterWrite);
      e.waitToWrite(a);
      assertThat(a.version()).as("waitToWrite: the caller writes next").isNotEqualTo(afterWrite)
          .isNotEqualTo(fresh).isNotEqualTo(b.version());
    }
  }
}
