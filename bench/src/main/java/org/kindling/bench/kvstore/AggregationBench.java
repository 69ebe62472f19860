package org.kindling.bench.kvstore;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kindling.kvstore.DistKVStore;
import org.kindling.kvstore.KVStoreServer;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.kvstore.KVStores;
import org.kindling.tensor.NDArray;

/**
 * The parameter server's aggregation throughput on loopback: W workers (threads of this JVM,
 * each with its own authenticated connection) push one array of a key per round to a sync
 * server without an optimizer, which sums the W pushes and assigns the sum; a worker's next push
 * waits for the last one's acknowledgement, as in training. Throughput is the bytes the server
 * summed (W x array bytes x rounds) per second, next to the memory-copy bandwidth of the same
 * machine measured in the same run (one direct buffer copied into another).
 */
final class AggregationBench {
  private AggregationBench() {}

  /**
   * One cell of the table; {@code cpuSeconds}: the CPU time of the whole JVM (workers and server)
   * over the timed rounds, which a loaded machine inflates far less than the wall time.
   */
  record Cell(int workers, long bytes, int rounds, double seconds, double cpuSeconds) {
    double gbPerSecond() {
      return gigabytes() / seconds;
    }

    /** CPU seconds per GB summed. */
    double cpuPerGigabyte() {
      return cpuSeconds / gigabytes();
    }

    private double gigabytes() {
      return workers * (double) bytes * rounds / 1e9;
    }
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The best of {@code reps} copies of {@code bytes} between two direct buffers, in GB/s (bytes
   * copied per second, as memcpy benchmarks count).
   */
  static double memoryCopyGbPerSecond(int bytes, int reps) {
    ByteBuffer src = ByteBuffer.allocateDirect(bytes);
    ByteBuffer dst = ByteBuffer.allocateDirect(bytes);
    for (int i = 0; i < bytes; i += 4096) {
      src.put(i, (byte) i);
    }
    double best = Double.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      src.clear();
      dst.clear();
      long t0 = System.nanoTime();
      dst.put(src);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return bytes / best / 1e9;
  }

  /** Runs {@code rounds} timed rounds (after one warm-up round) of W pushes of {@code bytes}. */
  static Cell run(int workers, int bytes, int rounds) throws Exception {
    byte[] secret = KVStoreServerConfig.randomSecret();
    int n = bytes / 4;
    try (KVStoreServer server = KVStoreServer.start(KVStoreServerConfig.builder()
        .bindHost("127.0.0.1").port(0).numWorkers(workers).secret(secret).build());
        NDArray value = NDArray.zeros(n)) {
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      CyclicBarrier start = new CyclicBarrier(workers + 1);
      CyclicBarrier end = new CyclicBarrier(workers + 1);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
          int rank = r;
          done.add(pool.submit(() -> {
            try (DistKVStore kv = KVStores.connect("dist_sync", "127.0.0.1", server.port(),
                secret, rank, workers)) {
              kv.init("k", value);
              kv.push("k", value); // warm-up round
              kv.barrier();
              start.await();
              for (int i = 0; i < rounds; i++) {
                kv.push("k", value);
              }
              kv.barrier(); // answered after every worker's last round
              end.await();
            }
            return null;
          }));
        }
        start.await();
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        end.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        for (Future<?> f : done) {
          f.get();
        }
        return new Cell(workers, bytes, rounds, seconds, cpuSeconds);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
