package org.kindling.bench.kvstore;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kindling.kvstore.DistKVStore;
import org.kindling.kvstore.KVStores;
import org.kindling.tensor.NDArray;

/**
 * The workers of {@link AggregationBench#runRemote} in a JVM of their own, so that the server's
 * process does only the server's work: W threads, each with its own authenticated connection,
 * push one array of key {@code k} per round (a push waits for the last one's acknowledgement,
 * as in training). Prints {@code start} on stdout when the warm-up rounds are done (every
 * worker past a barrier) and {@code end CPU_NANOS} after the timed rounds (every worker past the
 * final barrier, which the server answers after each worker's last round), with this JVM's CPU
 * time over the timed rounds; the server's process times itself between the two lines.
 *
 * <p>Usage: {@code AggregationWorkers HOST PORT SECRET_HEX W BYTES ROUNDS WARM_UP_ROUNDS OP},
 * OP {@code push} (acknowledged pushes) or {@code pushpull} (each round's summed value comes
 * back to every worker, as a training step's joined pull, decision 0046).
 */
public final class AggregationWorkers {
  private AggregationWorkers() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    byte[] secret = HexFormat.of().parseHex(args[2]);
    int workers = Integer.parseInt(args[3]);
    int n = Integer.parseInt(args[4]) / 4;
    int rounds = Integer.parseInt(args[5]);
    int warmUp = Integer.parseInt(args[6]);
    boolean pull = AggregationBench.pushPull(args[7]);
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] cpu0 = new long[1];
    // the barrier actions run on the last thread to arrive, once, between the workers' barriers
    CyclicBarrier start = new CyclicBarrier(workers, () -> {
      cpu0[0] = os.getProcessCpuTime();
      System.out.println("start");
      System.out.flush();
    });
    CyclicBarrier end = new CyclicBarrier(workers, () -> {
      System.out.println("end " + (os.getProcessCpuTime() - cpu0[0]));
      System.out.flush();
    });
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try (NDArray value = NDArray.zeros(n)) {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < workers; r++) {
        int rank = r;
        done.add(pool.submit(() -> {
          try (DistKVStore kv = KVStores.connect("dist_sync", host, port, secret, rank,
              workers);
              NDArray out = NDArray.zeros(n)) {
            kv.init("k", value);
            for (int i = 0; i < warmUp; i++) {
              AggregationBench.round(kv, value, pull ? out : null);
            }
            kv.barrier();
            start.await();
            for (int i = 0; i < rounds; i++) {
              AggregationBench.round(kv, value, pull ? out : null);
            }
            kv.barrier(); // answered after every worker's last round
            end.await();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    System.exit(0); // the engine's threads are not daemons
  }
}
