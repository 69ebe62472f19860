package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#runOnCaller} (decision 0074): inside it a threaded engine runs an operation
 * whose variables are free on the pushing thread, inside the push; everything else keeps its
 * usual path and semantics.
 */
class RunOnCallerTest {
  /** Only a guard against a deadlocked engine hanging the build; no timing is asserted. */
  private static final Duration DEADLOCK_GUARD = Duration.ofSeconds(60);

  @Test
  void anOperationWithFreeVariablesRunsOnTheCallerInsideThePush() {
    try (ThreadedEngine e = new ThreadedEngine(1, 1)) {
      Var v = e.newVar("v");
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      e.runOnCaller(() -> e.push("inline", () -> ranOn.set(Thread.currentThread()),
          List.of(), List.of(v)));
      // set before the push returned: no wait needed
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
      e.waitToRead(v);
    }
  }

  @Test
  void outsideTheScopeOperationsRunOnAWorker() {
    try (ThreadedEngine e = new ThreadedEngine(1, 1)) {
      Var v = e.newVar("v");
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      e.runOnCaller(() -> { });
      e.push("queued", () -> ranOn.set(Thread.currentThread()), List.of(), List.of(v));
      e.waitToRead(v);
      assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
      assertThat(ranOn.get().getName()).contains("-worker-0");
    }
  }

  @Test
  void anOperationThatMustWaitGoesToAWorkerAfterItsDependency() {
    assertTimeoutPreemptively(DEADLOCK_GUARD, () -> {
      try (ThreadedEngine e = new ThreadedEngine(1, 1)) {
        Var v = e.newVar("v");
        CountDownLatch release = new CountDownLatch(1);
        StringBuilder order = new StringBuilder();
        e.push("first", () -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
          order.append("first;");
        }, List.of(), List.of(v));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        e.runOnCaller(() -> e.push("second", () -> {
          order.append("second;");
          ranOn.set(Thread.currentThread());
        }, List.of(), List.of(v)));
        // 'first' holds v: 'second' cannot have run inside the push
        assertThat(ranOn.get()).isNull();
        release.countDown();
        e.waitToRead(v);
        assertThat(order.toString()).isEqualTo("first;second;");
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
      }
    });
  }

  @Test
  void aFailureInsideAnInlineOperationIsRecordedAndReportedByTheWait() {
    try (ThreadedEngine e = new ThreadedEngine(1, 1)) {
      Var v = e.newVar("v");
      Var w = e.newVar("w");
      StringBuilder ran = new StringBuilder();
      e.runOnCaller(() -> {
        e.push("bad", () -> {
          throw new IllegalArgumentException("boom");
        }, List.of(), List.of(v));
        // reads the failed variable: skipped, and carries the failure on to w
        e.push("after", () -> ran.append("after"), List.of(v), List.of(w));
      });
      assertThat(ran.toString()).isEmpty();
      assertThatThrownBy(() -> e.waitToRead(w)).isInstanceOf(EngineException.class)
          .hasRootCauseMessage("boom");
      assertThat(e.unreportedFailures()).isZero();
    }
  }

  @Test
  void aWaitInsideAnInlineOperationIsRefused() {
    try (ThreadedEngine e = new ThreadedEngine(1, 1)) {
      Var v = e.newVar("v");
      Var idle = e.newVar("idle");
      e.runOnCaller(() -> e.push("waits", () -> e.waitToRead(idle), List.of(), List.of(v)));
      assertThatThrownBy(() -> e.waitToRead(v)).isInstanceOf(EngineException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .rootCause().hasMessageContaining("inside engine operation 'waits' is not allowed");
      // after the scope the thread is an ordinary caller again: its waits are allowed
      e.waitToRead(idle);
    }
  }

  @Test
  void runOnCallerInsideAnOperationIsRefused() {
    try (ThreadedEngine e = new ThreadedEngine(1, 1)) {
      Var v = e.newVar("v");
      e.push("outer", () -> e.runOnCaller(() -> { }), List.of(), List.of(v));
      assertThatThrownBy(() -> e.waitToRead(v)).isInstanceOf(EngineException.class)
          .rootCause().hasMessageContaining("runOnCaller inside engine operation 'outer'");
    }
  }

  @Test
  void theNaiveEngineJustRunsTheBody() {
    try (NaiveEngine e = new NaiveEngine()) {
      Var v = e.newVar("v");
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      e.runOnCaller(() -> e.push("op", () -> ranOn.set(Thread.currentThread()), List.of(),
          List.of(v)));
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }
  }
}
