package org.kindling.tensor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The ready queue's wake order and that no operation is lost between parked workers. */
class ReadyQueueTest {
  private static ThreadedOp op(String name, int priority) {
    return ThreadedOp.operation(name, () -> { }, null, ThreadedOp.NO_VARS, ThreadedOp.NO_VARS,
        0, FnProperty.NORMAL, priority);
  }

  /** Starts a thread that takes one operation from {@code q} into {@code got}. */
  private static Thread taker(ReadyQueue q, AtomicReference<ThreadedOp> got) {
    Thread t = new Thread(() -> {
      try {
        got.set(q.take());
      } catch (InterruptedException e) {
        // the test ends it
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitParked(Thread t) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (t.getState() != Thread.State.WAITING) {
      assertTrue(System.nanoTime() < end, t + " never parked");
      Thread.sleep(1);
    }
  }

  @Test
  void theWorkerThatParkedLastTakesTheNextOperation() throws Exception {
    ReadyQueue q = new ReadyQueue();
    AtomicReference<ThreadedOp> first = new AtomicReference<>();
    AtomicReference<ThreadedOp> last = new AtomicReference<>();
    Thread early = taker(q, first);
    awaitParked(early);
    Thread late = taker(q, last);
    awaitParked(late);
    ThreadedOp o = op("a", 0);
    q.offer(o);
    late.join(TimeUnit.SECONDS.toMillis(30));
    assertSame(o, last.get(), "the last-parked worker takes the operation");
    assertEquals(null, first.get());
    assertEquals(Thread.State.WAITING, early.getState(), "the other worker sleeps on");
    ThreadedOp p = op("b", 0);
    q.offer(p);
    early.join(TimeUnit.SECONDS.toMillis(30));
    assertSame(p, first.get());
  }

  @Test
  void aSpinningWorkerTakesTheOperationAndNoParkedOneWakes() throws Exception {
    ReadyQueue q = new ReadyQueue();
    AtomicReference<ThreadedOp> parkedGot = new AtomicReference<>();
    AtomicReference<ThreadedOp> spinnerGot = new AtomicReference<>();
    Thread parked = taker(q, parkedGot);
    awaitParked(parked);
    Thread spinner = new Thread(() -> spinnerGot.set(q.spinPoll(Integer.MAX_VALUE)));
    spinner.setDaemon(true);
    spinner.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (q.spinners() == 0) {
      assertTrue(System.nanoTime() < end, "the spinner never started");
      Thread.onSpinWait();
    }
    ThreadedOp o = op("a", 0);
    q.offer(o);
    spinner.join(TimeUnit.SECONDS.toMillis(30));
    assertSame(o, spinnerGot.get());
    assertEquals(0, q.spinners());
    assertEquals(Thread.State.WAITING, parked.getState(), "the parked worker was not woken");
    // with more operations queued than workers spinning, a parked worker wakes for the rest
    ThreadedOp p = op("b", 0);
    q.offer(p);
    parked.join(TimeUnit.SECONDS.toMillis(30));
    assertSame(p, parkedGot.get());
  }

  @Test
  void interruptedTakeThrowsAndLeavesTheOperationToOthers() throws Exception {
    ReadyQueue q = new ReadyQueue();
    AtomicReference<ThreadedOp> got = new AtomicReference<>();
    CountDownLatch threw = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try {
        q.take();
      } catch (InterruptedException e) {
        threw.countDown();
      }
    });
    t.start();
    awaitParked(t);
    t.interrupt();
    assertTrue(threw.await(30, TimeUnit.SECONDS));
    ThreadedOp o = op("a", 0);
    q.offer(o);
    Thread other = taker(q, got);
    other.join(TimeUnit.SECONDS.toMillis(30));
    assertSame(o, got.get());
  }

  /** Seeded random cases: offers and takers race; every operation is taken exactly once. */
  @Test
  void everyOfferedOperationIsTakenOnceWhateverTheInterleaving() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      ReadyQueue q = new ReadyQueue();
      int workers = 1 + r.nextInt(4);
      int ops = 200 + r.nextInt(800);
      ConcurrentHashMap<ThreadedOp, Boolean> taken = new ConcurrentHashMap<>();
      CountDownLatch all = new CountDownLatch(ops);
      List<Thread> ts = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        boolean spins = r.nextBoolean();
        Thread t = new Thread(() -> {
          try {
            while (true) {
              ThreadedOp o = spins ? q.poll() : null;
              if (o == null) {
                o = q.take();
              }
              assertEquals(null, taken.put(o, Boolean.TRUE), "taken twice: " + o.name);
              all.countDown();
            }
          } catch (InterruptedException e) {
            // done
          }
        });
        t.setDaemon(true);
        t.start();
        ts.add(t);
      }
      List<ThreadedOp> offered = new ArrayList<>();
      for (int i = 0; i < ops; i++) {
        ThreadedOp o = op("op" + i, r.nextInt(8) == 0 ? r.nextInt(5) - 2 : 0);
        offered.add(o);
        q.offer(o);
        if (r.nextInt(16) == 0) {
          Thread.sleep(0, r.nextInt(200_000)); // let workers park between bursts
        }
      }
      assertTrue(all.await(60, TimeUnit.SECONDS),
          "seed " + seed + ": " + all.getCount() + " operations never taken");
      assertEquals(offered.size(), taken.size());
      assertTrue(q.isEmpty());
      for (Thread t : ts) {
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }
}
