package org.kindling.kvstore;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its tasks one at a time, in the order they were submitted, on the threads that submit
 * them (decision 0077): a thread that submits while no task runs runs it at once, and then every
 * task the other threads queued meanwhile, before it returns; a thread that submits while
 * another runs tasks only queues its own, which that thread runs next. So the tasks never
 * overlap, each sees what the ones before it wrote (the queue and the running flag order them),
 * and no thread is woken for them: the kvstore server's Netty I/O threads run its state's tasks
 * themselves, and the one that receives a sync round's last push completes the round and writes
 * the replies.
 *
 * <p>A task that submits another (from inside) queues it; it runs after the current one. A task
 * that throws is logged and does not stop the others (the server's tasks catch their own
 * failures; this is the last guard). After {@link #shutdown()} submissions are refused; the
 * tasks already queued still run.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  /** The thread running tasks now, or null. */
  private volatile Thread runner;
  private volatile boolean shutdown;

  /**
   * Runs {@code task} after every task submitted before it: here and now if no task runs.
   *
   * @throws RejectedExecutionException after {@link #shutdown()}
   */
  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("the kvstore server's state is shut down");
    }
    tasks.add(task);
    drain();
  }

  /** True on the thread that runs this executor's tasks now (inside a task). */
  boolean inside() {
    return runner == Thread.currentThread();
  }

  /** Refuses new tasks; the queued ones still run. */
  void shutdown() {
    shutdown = true;
  }

  /**
   * After {@link #shutdown()}: waits until no task runs or is queued, at most {@code timeout};
   * returns at once (false) if called from inside a task, which would wait for itself.
   *
   * @return true if none runs or is queued
   */
  boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    if (inside()) {
      return false;
    }
    long end = System.nanoTime() + unit.toNanos(timeout);
    synchronized (this) {
      while (running.get() || !tasks.isEmpty()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // drain() notifies when it stops running tasks
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return true;
  }

  private void drain() {
    // a thread that finds the queue non-empty after it stopped running must try again: a task
    // queued between its last poll and its release of the flag would otherwise wait for the
    // next submission
    while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
      runner = Thread.currentThread();
      try {
        for (Runnable t; (t = tasks.poll()) != null; ) {
          try {
            t.run();
          } catch (Throwable e) {
            LOG.error("kvstore server: a state task failed", e);
          }
        }
      } finally {
        runner = null;
        running.set(false);
      }
      if (shutdown) {
        synchronized (this) {
          notifyAll();
        }
      }
    }
  }
}
