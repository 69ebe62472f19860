package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Runs one task per worker rank on its own thread, as W executors would. */
final class Workers {
  private Workers() {}

  /**
   * Runs {@code task(rank)} for every rank concurrently and returns the results by rank. If
   * tasks fail, the first rank's failure is thrown with the others' suppressed: a rank that
   * failed first often shows as another rank's "closed its store".
   */
  static <T> List<T> run(int w, IntFunction<T> task) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(w);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int r = 0; r < w; r++) {
        int rank = r;
        futures.add(pool.submit(() -> task.apply(rank)));
      }
      List<T> out = new ArrayList<>();
      Throwable failed = null;
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          if (failed == null) {
            failed = e.getCause();
          } else {
            failed.addSuppressed(e.getCause());
          }
        }
      }
      if (failed instanceof RuntimeException re) {
        throw re;
      }
      if (failed instanceof Error err) {
        throw err;
      }
      if (failed != null) {
        throw new AssertionError(failed);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Connects worker {@code rank} of {@code w} to {@code server} as {@code dist_sync}. */
  static DistKVStore connect(KVStoreServer server, byte[] secret, int rank, int w) {
    return KVStores.connect("dist_sync", "127.0.0.1", server.port(), secret, rank, w);
  }
}
