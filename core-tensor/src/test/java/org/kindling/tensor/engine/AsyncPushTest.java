package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Asynchronous operations (MXNet's {@code PushAsync}): they end when their completion says. */
class AsyncPushTest {
  private static final long TIMEOUT_S = 20;

  /** Stands for a network client's thread that finishes the work later. */
  private final ExecutorService network = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "network");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void stop() {
    network.shutdownNow();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released: the engine did not run an operation");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void completionFromAnotherThreadReleasesTheVariablesAndHoldsNoWorkerMeanwhile() {
    try (ThreadedEngine one = new ThreadedEngine(1, 1)) {
      Var reply = one.newVar("reply");
      Var other = one.newVar("other");
      float[] cell = new float[1];
      CountDownLatch replyArrives = new CountDownLatch(1);
      List<String> log = Collections.synchronizedList(new ArrayList<>());
      one.pushAsync("pull", done -> network.execute(() -> {
        await(replyArrives);
        cell[0] = 42;
        log.add("reply on " + Thread.currentThread().getName());
        done.done();
      }), List.of(), List.of(reply), FnProperty.IO, 0);
      one.push("useReply", () -> log.add("useReply saw " + cell[0]), List.of(reply), List.of());
      // the pull is in flight: the single compute worker is free for unrelated work
      one.push("unrelated", () -> log.add("unrelated"), List.of(), List.of(other));
      one.waitToRead(other);
      assertThat(log).containsExactly("unrelated");
      replyArrives.countDown();
      one.waitAll();
      assertThat(log).containsExactly("unrelated", "reply on network", "useReply saw 42.0");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void failFromAnotherThreadIsRecordedLikeAThrow(String kind, Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var out = e.newVar("out");
      Var next = e.newVar("next");
      List<String> ran = Collections.synchronizedList(new ArrayList<>());
      e.pushAsync("pull", done -> network.execute(
          () -> done.fail(new java.io.IOException("connection reset"))),
          List.of(), List.of(out), FnProperty.IO, 0);
      e.push("useOut", () -> ran.add("useOut"), List.of(out), List.of(next));
      assertThatThrownBy(() -> e.waitToRead(next))
          .isInstanceOf(EngineException.class)
          .hasMessage("engine operation 'pull' failed: java.io.IOException: connection reset");
      assertThat(ran).isEmpty();
      assertThat(EngineKinds.heldFailures(e)).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void startThatThrowsFailsTheOperationAndCompletingTwiceIsRefused(String kind,
      Supplier<Engine> make) {
    try (Engine e = make.get()) {
      Var a = e.newVar("a");
      e.pushAsync("badStart", done -> {
        throw new IllegalArgumentException("no such key");
      }, List.of(), List.of(a), FnProperty.NORMAL, 0);
      assertThatThrownBy(() -> e.waitToRead(a)).hasRootCauseMessage("no such key");

      Var b = e.newVar("b");
      AtomicReference<Throwable> second = new AtomicReference<>();
      CountDownLatch tried = new CountDownLatch(1);
      e.pushAsync("twice", done -> {
        done.done();
        try {
          done.fail(new IllegalStateException("late"));
        } catch (IllegalStateException ex) {
          second.set(ex);
        }
        tried.countDown();
      }, List.of(), List.of(b), FnProperty.NORMAL, 0);
      e.waitToRead(b); // the first completion counts: b is fine
      await(tried); // start may still be running: the operation ended at done()
      assertThat(second.get()).hasMessage("asynchronous operation 'twice' was already"
          + " completed; call done or fail exactly once");

      // a throw after completing cannot change the outcome
      Var c = e.newVar("c");
      e.pushAsync("throwsAfterDone", done -> {
        done.done();
        throw new IllegalStateException("too late");
      }, List.of(), List.of(c), FnProperty.NORMAL, 0);
      e.waitToRead(c);
      e.waitAll();
    }
  }

  @Test
  void naiveEngineReturnsFromPushOnlyOnceTheOperationCompleted() {
    try (NaiveEngine e = new NaiveEngine()) {
      Var v = e.newVar("v");
      int[] cell = new int[1];
      e.pushAsync("pull", done -> network.execute(() -> {
        cell[0] = 7;
        done.done();
      }), List.of(), List.of(v), FnProperty.IO, 0);
      assertThat(cell[0]).isEqualTo(7);
    }
  }
}
