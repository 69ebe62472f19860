package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.kindling.symbol.optimizer.StateSlices.Slice;

/**
 * The server's shard threads: the parts of a sharded key are summed and updated each on its
 * owner's thread, in parallel, while the state thread waits for all of them (fork-join), so a
 * round's bookkeeping stays on the one state thread and needs no lock. A key held whole by one
 * shard runs on the caller (a hand-off would buy nothing, and the caller waits anyway).
 */
final class ShardPool {
  private final ExecutorService[] threads;

  ShardPool(int shards) {
    threads = new ExecutorService[shards];
    for (int i = 0; i < shards && shards > 1; i++) {
      String name = "kindling-kvstore-shard-" + i;
      threads[i] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * Runs {@code task} for every index of {@code slices} on the slice's owner, waits for all of
   * them (also when one fails, so none still touches the key), then throws the first failure as
   * a {@link KVStoreException} naming the key, the element range and the shard, with the
   * failure as cause (so an {@link Error} is still seen in the cause chain).
   */
  void run(String key, List<Slice> slices, IntConsumer task) {
    if (slices.size() == 1) {
      if (threads.length == 1) {
        task.accept(0);
        return;
      }
      try {
        task.accept(0);
      } catch (RuntimeException | Error e) {
        throw failed(key, slices, 0, e);
      }
      return;
    }
    List<Future<?>> running = new ArrayList<>(slices.size());
    for (int i = 0; i < slices.size(); i++) {
      int index = i;
      running.add(threads[slices.get(i).owner()].submit(() -> task.accept(index)));
    }
    KVStoreException first = null;
    boolean interrupted = false;
    for (int i = 0; i < running.size(); i++) {
      while (true) {
        try {
          running.get(i).get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the part still runs: wait for it, then report
        } catch (ExecutionException e) {
          KVStoreException f = failed(key, slices, i, e.getCause());
          if (first == null) {
            first = f;
          } else {
            first.addSuppressed(f);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first != null) {
      throw first;
    }
  }

  private KVStoreException failed(String key, List<Slice> slices, int i, Throwable cause) {
    Slice s = slices.get(i);
    return new KVStoreException("key '" + key + "' elements [" + s.begin() + ", " + s.end()
        + ") on server shard " + s.owner() + " of " + threads.length + ": "
        + ServerState.describe(cause), cause);
  }

  /** Stops the threads after the tasks they hold. */
  void close() {
    for (ExecutorService t : threads) {
      if (t != null) {
        t.shutdown();
      }
    }
    try {
      for (ExecutorService t : threads) {
        if (t != null && !t.awaitTermination(10, TimeUnit.SECONDS)) {
          t.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
