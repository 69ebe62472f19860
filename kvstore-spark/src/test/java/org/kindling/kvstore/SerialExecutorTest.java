package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server state's executor: tasks in order, one at a time, on the submitting threads. */
@Timeout(30)
class SerialExecutorTest {

  @Test
  void aTaskSubmittedWhileNoneRunsRunsAtOnceOnTheSubmittingThread() {
    SerialExecutor ex = new SerialExecutor();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Boolean> inside = new AtomicReference<>();
    ex.execute(() -> {
      ranOn.set(Thread.currentThread());
      inside.set(ex.inside());
    });
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    assertThat(inside.get()).isTrue();
    assertThat(ex.inside()).isFalse();
  }

  @Test
  void aTaskSubmittedFromInsideRunsAfterTheCurrentOneNotWithinIt() {
    SerialExecutor ex = new SerialExecutor();
    List<String> order = new ArrayList<>();
    ex.execute(() -> {
      order.add("outer start");
      ex.execute(() -> order.add("inner"));
      order.add("outer end");
    });
    assertThat(order).containsExactly("outer start", "outer end", "inner");
  }

  /**
   * While one thread runs a task, another's submission is only queued: the running thread runs
   * it, after its own, and the submitter returns without waiting.
   */
  @Test
  void aTaskSubmittedWhileAnotherRunsIsRunByThatThreadInOrder() throws Exception {
    SerialExecutor ex = new SerialExecutor();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Thread> queuedRanOn = new AtomicReference<>();
    Thread runner = new Thread(() -> ex.execute(() -> {
      started.countDown();
      await(release);
      order.add("first");
    }));
    runner.start();
    started.await();
    ex.execute(() -> {
      order.add("second");
      queuedRanOn.set(Thread.currentThread());
    });
    ex.execute(() -> order.add("third"));
    assertThat(order).isEmpty(); // queued, not run here
    release.countDown();
    runner.join();
    assertThat(order).containsExactly("first", "second", "third");
    assertThat(queuedRanOn.get()).isSameAs(runner);
  }

  @Test
  void tasksOfManyThreadsNeverOverlapAndAllRun() throws Exception {
    SerialExecutor ex = new SerialExecutor();
    AtomicInteger inTask = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] count = new int[1]; // written by tasks only: the executor orders them
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          ex.execute(() -> {
            if (inTask.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            count[0]++;
            inTask.decrementAndGet();
          });
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    ex.shutdown();
    assertThat(ex.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps.get()).isZero();
    // no lost task, no lost write: awaitIdle read the running flag the last task released
    assertThat(count[0]).isEqualTo(80_000);
  }

  @Test
  void aFailingTaskDoesNotStopTheOnesQueuedAfterIt() {
    SerialExecutor ex = new SerialExecutor();
    List<String> order = new ArrayList<>();
    ex.execute(() -> {
      ex.execute(() -> order.add("after"));
      throw new IllegalStateException("test failure");
    });
    assertThat(order).containsExactly("after");
  }

  @Test
  void afterShutdownSubmissionsAreRefusedAndAwaitIdleWaitsForTheRunningTask() throws Exception {
    SerialExecutor ex = new SerialExecutor();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Boolean> idleFromInside = new AtomicReference<>();
    Thread runner = new Thread(() -> ex.execute(() -> {
      started.countDown();
      await(release);
      try {
        idleFromInside.set(ex.awaitIdle(1, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    runner.start();
    started.await();
    ex.shutdown();
    assertThatThrownBy(() -> ex.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("shut down");
    assertThat(ex.awaitIdle(50, TimeUnit.MILLISECONDS)).isFalse(); // the task still runs
    release.countDown();
    assertThat(ex.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
    runner.join();
    assertThat(idleFromInside.get()).isFalse(); // it would have waited for itself
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
