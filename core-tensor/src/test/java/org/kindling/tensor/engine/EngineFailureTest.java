package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failures under both engines, as MXNet handles them: recorded on the written variables, passed
 * on by operations that use them, rethrown by the first wait that sees them and then released.
 */
class EngineFailureTest {

  private static void boom(Engine e, String name, Var out, String message) {
    e.push(name, () -> {
      throw new IllegalStateException(message);
    }, List.of(), List.of(out));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void firstWaitRethrowsTheFailureThenTheVariableWorksAgain(String kind, Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var v = e.newVar("v");
      int[] cell = {1};
      boom(e, "boom", v, "kernel failed");
      // pushed before the failure is reported: skipped, as it would use a failed input
      e.push("pushedBefore", () -> cell[0] = 2, List.of(), List.of(v));
      assertThatThrownBy(() -> e.waitToRead(v))
          .isInstanceOf(EngineException.class)
          .hasMessage("engine operation 'boom' failed: java.lang.IllegalStateException: kernel"
              + " failed")
          .hasRootCauseMessage("kernel failed");
      assertThat(EngineKinds.heldFailures(e)).isZero(); // released once reported
      assertThatCode(() -> e.waitToRead(v)).doesNotThrowAnyException();
      assertThatCode(e::waitAll).doesNotThrowAnyException();
      e.push("pushedAfter", () -> cell[0] *= 10, List.of(), List.of(v));
      e.waitToRead(v);
      assertThat(cell[0]).isEqualTo(10);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void skippedOperationsPassTheFailureOnAndOneReportReleasesAll(String kind,
      Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var a = e.newVar("a");
      Var b = e.newVar("b");
      Var c = e.newVar("c");
      List<String> ran = Collections.synchronizedList(new ArrayList<>());
      boom(e, "boom", a, "bad input");
      e.push("useA", () -> ran.add("useA"), List.of(a), List.of(b));
      e.push("useB", () -> ran.add("useB"), List.of(b), List.of(c));
      assertThatThrownBy(() -> e.waitToWrite(c))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("'boom'")
          .hasRootCauseMessage("bad input");
      assertThat(ran).isEmpty();
      // the failure was reported through c: a and b no longer throw, nothing is held
      assertThatCode(() -> e.waitToRead(a)).doesNotThrowAnyException();
      assertThatCode(() -> e.waitToRead(b)).doesNotThrowAnyException();
      assertThatCode(e::waitAll).doesNotThrowAnyException();
      assertThat(EngineKinds.heldFailures(e)).isZero();
      e.push("useAAgain", () -> ran.add("useAAgain"), List.of(a), List.of(b));
      e.waitAll();
      assertThat(ran).containsExactly("useAAgain");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void waitAllReportsTheFirstFailureInPushOrderAndClearsTheRest(String kind,
      Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var a = e.newVar("a");
      Var b = e.newVar("b");
      boom(e, "first", a, "one");
      boom(e, "second", b, "two");
      e.push("noOutputs", () -> {
        throw new IllegalStateException("three");
      }, List.of(), List.of());
      assertThatThrownBy(e::waitAll).hasMessageContaining("'first'").hasRootCauseMessage("one");
      assertThat(EngineKinds.heldFailures(e)).isZero();
      assertThatCode(() -> e.waitToRead(b)).doesNotThrowAnyException();
      assertThatCode(e::waitAll).doesNotThrowAnyException();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void aFailureReplacedOnItsVariableIsStillReportedByWaitAll(String kind,
      Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var a = e.newVar("a");
      Var b = e.newVar("b");
      boom(e, "failA", a, "one");
      boom(e, "failB", b, "two");
      // skipped because of b's failure, which replaces a's (as in MXNet's OnComplete)
      e.push("bIntoA", () -> {}, List.of(b), List.of(a));
      assertThatThrownBy(() -> e.waitToRead(a)).hasRootCauseMessage("two");
      assertThatThrownBy(e::waitAll).hasRootCauseMessage("one");
      assertThat(EngineKinds.heldFailures(e)).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void failuresNeverWaitedForDoNotAccumulate(String kind, Supplier<Engine> make)
      throws InterruptedException {
    try (Engine e = make.get()) {
      int n = 50;
      CountDownLatch deleted = new CountDownLatch(n);
      // temporaries that fail and are deleted unread, as a task that gives up would leave them
      for (int i = 0; i < n; i++) {
        Var t = e.newVar("t" + i);
        boom(e, "boom" + i, t, "lost " + i);
        e.deleteVar(t, deleted::countDown);
      }
      // failures that are reported are released at once
      for (int i = 0; i < n; i++) {
        Var t = e.newVar("r" + i);
        boom(e, "seen" + i, t, "seen");
        assertThatThrownBy(() -> e.waitToRead(t)).isInstanceOf(EngineException.class);
      }
      assertThat(deleted.await(20, TimeUnit.SECONDS)).as("deletions ran").isTrue();
      // only waitAll could report the deleted ones, and it reports the earliest only
      assertThat(EngineKinds.heldFailures(e)).isEqualTo(1);
      assertThatThrownBy(e::waitAll).hasRootCauseMessage("lost 0");
      assertThat(EngineKinds.heldFailures(e)).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void deleteVarRunsAfterAFailedOperationAndForgetsItsFailureForWaits(String kind,
      Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var v = e.newVar("v");
      Var other = e.newVar("other");
      AtomicBoolean released = new AtomicBoolean();
      boom(e, "boom", v, "x");
      e.deleteVar(v, () -> released.set(true));
      e.push("unrelated", () -> {}, List.of(), List.of(other));
      assertThatCode(() -> e.waitToRead(other)).doesNotThrowAnyException();
      assertThatThrownBy(e::waitAll).hasRootCauseMessage("x");
      assertThat(released).isTrue();
    }
  }
}
