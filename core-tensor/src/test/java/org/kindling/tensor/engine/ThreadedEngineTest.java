package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadedEngineTest {
  /** Generous bound for latches: only reached if the engine is broken (then the test fails). */
  private static final long TIMEOUT_S = 20;

  private final ThreadedEngine engine = new ThreadedEngine(2, 1);

  @AfterEach
  void close() {
    engine.close();
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
  void writeAfterReadsWaitsForBothReads() {
    Var v = engine.newVar("v");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger readsDone = new AtomicInteger();
    AtomicInteger seenByWrite = new AtomicInteger(-1);
    for (int i = 0; i < 2; i++) {
      engine.push("read", () -> {
        await(release);
        readsDone.incrementAndGet();
      }, List.of(v), List.of());
    }
    engine.push("write", () -> seenByWrite.set(readsDone.get()), List.of(), List.of(v));
    release.countDown();
    engine.waitAll();
    assertThat(seenByWrite.get()).isEqualTo(2);
  }

  @Test
  void readsOfOneVariableRunConcurrently() throws Exception {
    Var v = engine.newVar("v");
    // each read waits for the other to start: only possible if both run at the same time
    CyclicBarrier both = new CyclicBarrier(2);
    AtomicInteger met = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      engine.push("read", () -> {
        try {
          both.await(TIMEOUT_S, TimeUnit.SECONDS);
          met.incrementAndGet();
        } catch (Exception e) {
          throw new IllegalStateException("reads did not overlap", e);
        }
      }, List.of(v), List.of());
    }
    engine.waitAll();
    assertThat(met.get()).isEqualTo(2);
  }

  @Test
  void writeBlocksLaterReadsAndWrites() {
    Var v = engine.newVar("v");
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean written = new AtomicBoolean();
    List<Boolean> seen = Collections.synchronizedList(new ArrayList<>());
    engine.push("write", () -> {
      await(release);
      written.set(true);
    }, List.of(), List.of(v));
    engine.push("read", () -> seen.add(written.get()), List.of(v), List.of());
    engine.push("write2", () -> seen.add(written.get()), List.of(), List.of(v));
    release.countDown();
    engine.waitToRead(v);
    assertThat(seen).containsExactly(true, true);
  }

  @Test
  void operationsOnDisjointVariablesDoNotWaitForEachOther() {
    Var a = engine.newVar("a");
    Var b = engine.newVar("b");
    CountDownLatch release = new CountDownLatch(1);
    engine.push("blocked", () -> await(release), List.of(), List.of(a));
    AtomicBoolean ran = new AtomicBoolean();
    engine.push("free", () -> ran.set(true), List.of(), List.of(b));
    engine.waitToRead(b); // returns while 'blocked' still holds a
    assertThat(ran).isTrue();
    release.countDown();
    engine.waitAll();
  }

  @Test
  void waitToReadSeesTheWriteAndWaitToWriteSeesTheReads() {
    Var v = engine.newVar("v");
    int[] cell = new int[1];
    for (int i = 0; i < 100; i++) {
      engine.push("inc", () -> cell[0]++, List.of(), List.of(v));
    }
    engine.waitToRead(v);
    assertThat(cell[0]).isEqualTo(100);
    AtomicInteger reads = new AtomicInteger();
    for (int i = 0; i < 10; i++) {
      engine.push("read", reads::incrementAndGet, List.of(v), List.of());
    }
    engine.waitToWrite(v);
    assertThat(reads.get()).isEqualTo(10);
  }

  @Test
  void nestedPushFromInsideAnOperationDoesNotDeadlock() {
    try (ThreadedEngine one = new ThreadedEngine(1, 1)) {
      Var a = one.newVar("a");
      Var b = one.newVar("b");
      int[] cells = new int[2];
      // the outer op holds a; the nested op writes a too and must run after the outer one
      one.push("outer", () -> {
        cells[0] = 1;
        one.push("inner-a", () -> cells[0] *= 10, List.of(), List.of(a));
        one.push("inner-b", () -> cells[1] = cells[0] + 1, List.of(a), List.of(b));
      }, List.of(), List.of(a));
      one.waitAll();
      assertThat(cells).containsExactly(10, 11);
    }
  }

  @Test
  void readyOperationsStartHighestPriorityFirstThenInPushOrder() {
    try (ThreadedEngine one = new ThreadedEngine(1, 1)) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      one.push("blocker", () -> {
        started.countDown();
        await(release);
      }, List.of(), List.of(one.newVar("b")));
      await(started); // the only worker is busy: what follows is ready and queued
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      int[] priorities = {0, 5, -3, 5, 1, 0};
      Var[] vars = new Var[priorities.length];
      for (int i = 0; i < priorities.length; i++) {
        vars[i] = one.newVar("v" + i);
        String name = "p" + priorities[i] + "#" + i;
        one.push(name, () -> order.add(name), List.of(), List.of(vars[i]), FnProperty.NORMAL,
            priorities[i]);
      }
      // a high priority does not jump dependencies: it becomes ready when p0#0 finishes
      one.push("dependent", () -> order.add("dependent"), List.of(vars[0]), List.of(),
          FnProperty.NORMAL, 100);
      release.countDown();
      one.waitAll();
      assertThat(order)
          .containsExactly("p5#1", "p5#3", "p1#4", "p0#0", "dependent", "p0#5", "p-3#2");
    }
  }

  @Test
  void ioOperationsRunOnTheirOwnPoolWhileEveryComputeWorkerIsBusy() {
    try (ThreadedEngine one = new ThreadedEngine(1, 1)) {
      CountDownLatch ioRan = new CountDownLatch(1);
      AtomicReference<String> computeThread = new AtomicReference<>();
      AtomicReference<String> ioThread = new AtomicReference<>();
      // the only compute worker blocks until the I/O operation ran: on a shared pool it never
      // would, and the latch would time out
      one.push("compute", () -> {
        computeThread.set(Thread.currentThread().getName());
        await(ioRan);
      }, List.of(), List.of(one.newVar("a")));
      one.push("io", () -> {
        ioThread.set(Thread.currentThread().getName());
        ioRan.countDown();
      }, List.of(), List.of(one.newVar("b")), FnProperty.IO, 0);
      one.waitAll();
      assertThat(computeThread.get()).contains("-worker-");
      assertThat(ioThread.get()).contains("-io-");
      assertThat(one.threads()).isEqualTo(1);
      assertThat(one.ioThreads()).isEqualTo(1);
    }
  }

  @Test
  void interruptedWaitThrowsAndLeavesTheVariableUsable() throws Exception {
    Var v = engine.newVar("v");
    CountDownLatch release = new CountDownLatch(1);
    engine.push("slow", () -> await(release), List.of(), List.of(v));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread waiter = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        engine.waitToRead(v);
      } catch (Throwable t) {
        thrown.set(t);
      }
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    waiter.start();
    waiter.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    assertThat(thrown.get())
        .isInstanceOf(EngineException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(stillInterrupted).isTrue();
    release.countDown();
    AtomicBoolean ran = new AtomicBoolean();
    engine.push("after", () -> ran.set(true), List.of(), List.of(v));
    engine.waitToWrite(v);
    assertThat(ran).isTrue();
  }

  @Test
  void rejectsVariablesListedTwiceOrFromAnotherEngine() {
    Var v = engine.newVar("v");
    assertThatThrownBy(() -> engine.push("dup", () -> {}, List.of(v), List.of(v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'v' is listed twice (in reads and writes");
    assertThatThrownBy(() -> engine.push("dup", () -> {}, List.of(), List.of(v, v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in writes");
    Var foreign = new NaiveEngine().newVar("foreign");
    assertThatThrownBy(() -> engine.push("x", () -> {}, List.of(foreign), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'foreign' was not created by this engine");
  }

  @Test
  void closeWaitsForWorkAndThenRefusesPushes() {
    ThreadedEngine e = new ThreadedEngine(2, 1);
    Var v = e.newVar("v");
    int[] cell = new int[1];
    for (int i = 0; i < 1000; i++) {
      e.push("inc", () -> cell[0]++, List.of(), List.of(v));
    }
    e.close();
    e.close(); // idempotent
    assertThat(cell[0]).isEqualTo(1000);
    assertThatThrownBy(() -> e.push("late", () -> {}, List.of(), List.of(v)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void manyProducersPushingConcurrentlyKeepPerVariableOrder() throws Exception {
    int producers = 4;
    int perProducer = 2000;
    Var[] vars = new Var[producers];
    int[][] seq = new int[producers][1];
    AtomicInteger outOfOrder = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    Var shared = engine.newVar("shared");
    for (int p = 0; p < producers; p++) {
      vars[p] = engine.newVar("v" + p);
      int id = p;
      threads.add(new Thread(() -> {
        for (int i = 0; i < perProducer; i++) {
          int expected = i;
          engine.push("step", () -> {
            if (seq[id][0]++ != expected) {
              outOfOrder.incrementAndGet();
            }
          }, List.of(shared), List.of(vars[id]));
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    engine.waitAll();
    assertThat(outOfOrder.get()).isZero();
    for (int[] s : seq) {
      assertThat(s[0]).isEqualTo(perProducer);
    }
  }

  @Test
  void aChainOfDependentOperationsStaysOnTheWorkerThatRanItsHead() {
    Var v = engine.newVar("v");
    CountDownLatch pushed = new CountDownLatch(1);
    AtomicReference<Thread> head = new AtomicReference<>();
    List<Thread> ran = Collections.synchronizedList(new ArrayList<>());
    // the head waits until the whole chain is queued on v: each link then becomes ready when
    // its predecessor finishes, and the worker that ran the predecessor keeps it
    engine.push("head", () -> {
      head.set(Thread.currentThread());
      await(pushed);
    }, List.of(), List.of(v));
    for (int i = 0; i < 200; i++) {
      engine.push("link" + i, () -> ran.add(Thread.currentThread()), List.of(), List.of(v));
    }
    pushed.countDown();
    engine.waitAll();
    assertThat(ran).hasSize(200).containsOnly(head.get());
  }

  @Test
  void operationsMadeReadyTogetherStillRunOnTwoWorkersAtOnce() {
    Var v = engine.newVar("v");
    CountDownLatch pushed = new CountDownLatch(1);
    engine.push("head", () -> await(pushed), List.of(), List.of(v));
    // both reads become ready when the head finishes; each waits for the other to start, so
    // the worker that keeps one must leave the other to the idle worker
    CyclicBarrier both = new CyclicBarrier(2);
    AtomicInteger met = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      engine.push("read" + i, () -> {
        try {
          both.await(TIMEOUT_S, TimeUnit.SECONDS);
          met.incrementAndGet();
        } catch (Exception e) {
          throw new IllegalStateException("the two successors did not overlap", e);
        }
      }, List.of(v), List.of(engine.newVar("out" + i)));
    }
    pushed.countDown();
    engine.waitAll();
    assertThat(met.get()).isEqualTo(2);
  }

  @Test
  void aSuccessorIsNotKeptAheadOfAnOperationQueuedBeforeIt() {
    try (ThreadedEngine one = new ThreadedEngine(1, 1)) {
      Var v = one.newVar("v");
      CountDownLatch release = heldHead(one, v);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      one.push("successor", () -> order.add("successor"), List.of(v), List.of());
      one.push("queued", () -> order.add("queued"), List.of(), List.of(one.newVar("q")));
      release.countDown();
      one.waitAll();
      assertThat(order).containsExactly("queued", "successor");
    }
  }

  @Test
  void theKeptSuccessorIsTheHighestPriorityOneTheFinishMadeReady() {
    try (ThreadedEngine one = new ThreadedEngine(1, 1)) {
      Var v = one.newVar("v");
      CountDownLatch release = heldHead(one, v);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      int[] priorities = {0, 3, 1};
      for (int p : priorities) {
        one.push("p" + p, () -> order.add("p" + p), List.of(v), List.of(one.newVar("o" + p)),
            FnProperty.NORMAL, p);
      }
      release.countDown();
      one.waitAll();
      assertThat(order).containsExactly("p3", "p1", "p0");
    }
  }

  /**
   * Pushes a "head" operation writing {@code v} on {@code engine} and waits until it runs; it
   * finishes when the returned latch is counted down, so what is pushed meanwhile waits.
   */
  private static CountDownLatch heldHead(ThreadedEngine engine, Var v) {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    engine.push("head", () -> {
      started.countDown();
      await(release);
    }, List.of(), List.of(v));
    await(started);
    return release;
  }
}
