package org.kindling.tensor.winograd;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs one Winograd call on several threads ({@code kindling.cpu.threads}, as oneDNN's calls
 * use that many OpenMP threads): the caller runs worker 0 and pooled daemon threads the others.
 * The pool grows to the most workers ever asked for at once and keeps idle threads for a minute.
 */
final class Workers {
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kindling-winograd");
    t.setDaemon(true);
    return t;
  });

  private Workers() {}

  /**
   * Runs {@code body.accept(w)} for every {@code w < n} at once and returns when all are done.
   *
   * @throws RuntimeException or Error: the first one a worker threw (the others are added to it
   *     as suppressed)
   */
  static void run(int n, IntConsumer body) {
    if (n <= 1) {
      body.accept(0);
      return;
    }
    Future<?>[] others = new Future<?>[n - 1];
    for (int w = 1; w < n; w++) {
      int worker = w;
      others[w - 1] = POOL.submit(() -> body.accept(worker));
    }
    Throwable failure = null;
    try {
      body.accept(0);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> f : others) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the workers write into the caller's buffers: wait for them
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          } else {
            failure.addSuppressed(e.getCause());
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }
}
