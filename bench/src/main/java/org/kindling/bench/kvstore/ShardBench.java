package org.kindling.bench.kvstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kindling.bench.MachineInfo;
import org.kindling.bench.MarkdownTable;
import org.kindling.bench.Stats;
import org.kindling.kvstore.DistKVStore;
import org.kindling.kvstore.KVStoreServer;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.kvstore.KVStores;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;

/**
 * A sync round of one big key on a server with 1 and with S shard threads (decision 0033): W = 2
 * workers (threads of this JVM) each push the key and pull it back, {@code rounds} times; the
 * server sums the two pushes and runs the optimizer (none: the sum is assigned) on 1 or S
 * threads. Shard counts alternate within each repetition, so a busy machine slows both alike;
 * the table gives the median time per round over the repetitions.
 *
 * <p>Usage: {@code ShardBench [S (default 2)] [rounds (default 10)] [repetitions (default 5)]}.
 */
public final class ShardBench {
  private static final int WORKERS = 2;
  private static final int[] ELEMENTS = {4 << 20, 16 << 20};
  private static final String[] OPTIMIZERS = {"none", "adam learning_rate=0.001",
      "sgd learning_rate=0.1 momentum=0.9"};

  private ShardBench() {}

  public static void main(String[] args) throws Exception {
    int shards = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.println("- machine: " + MachineInfo.line());
    MarkdownTable table = new MarkdownTable("key", "optimizer", "1 shard ms/round",
        shards + " shards ms/round", "ratio");
    for (int n : ELEMENTS) {
      for (String opt : OPTIMIZERS) {
        double[] one = new double[reps];
        double[] many = new double[reps];
        for (int r = 0; r < reps; r++) {
          one[r] = msPerRound(1, n, opt, rounds);
          many[r] = msPerRound(shards, n, opt, rounds);
        }
        double a = Stats.median(one);
        double b = Stats.median(many);
        table.row(String.format(Locale.ROOT, "%d MB", n * 4L >> 20), opt.split(" ")[0],
            String.format(Locale.ROOT, "%.1f", a), String.format(Locale.ROOT, "%.1f", b),
            String.format(Locale.ROOT, "%.2f", b / a));
      }
    }
    System.out.println();
    System.out.print(table.render());
  }

  /** Wall time per round of {@code rounds} push-and-pull rounds after one warm-up round. */
  static double msPerRound(int shards, int n, String optimizer, int rounds) throws Exception {
    byte[] secret = KVStoreServerConfig.randomSecret();
    try (KVStoreServer server = KVStoreServer.start(KVStoreServerConfig.builder()
        .numWorkers(WORKERS).secret(secret).serverShards(shards).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          int rank = w;
          done.add(pool.submit(() -> {
            try (DistKVStore kv = KVStores.connect("dist_sync", "127.0.0.1", server.port(),
                secret, rank, WORKERS); NDArray grad = NDArray.zeros(n);
                NDArray weight = NDArray.zeros(n)) {
              grad.fill(1e-3f);
              kv.init("w", weight);
              if (!optimizer.equals("none")) {
                kv.setOptimizer(Optimizers.fromSpec(optimizer));
              }
              kv.push("w", grad); // warm-up: buffers and optimizer state exist from here on
              kv.pull("w", weight);
              kv.barrier();
              long t0 = System.nanoTime();
              for (int i = 0; i < rounds; i++) {
                kv.push("w", grad);
                kv.pull("w", weight);
              }
              weight.waitToRead();
              kv.barrier();
              return System.nanoTime() - t0;
            }
          }));
        }
        long slowest = 0;
        for (Future<Long> f : done) {
          slowest = Math.max(slowest, f.get());
        }
        return slowest / 1e6 / rounds;
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
