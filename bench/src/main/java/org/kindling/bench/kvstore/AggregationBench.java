package org.kindling.bench.kvstore;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
  /** The name prefix of the server's I/O threads ({@code KVStoreServer}). */
  private static final String SERVER_IO_THREADS = "kindling-kvstore-io";

  private AggregationBench() {}

  /**
   * One cell of the table; {@code cpuSeconds}: the CPU time of the whole JVM (workers and server)
   * over the timed rounds, which a loaded machine inflates far less than the wall time; {@code
   * serverIoCpuSeconds}: the part of it on the server's I/O threads (socket reads and the sums).
   */
  record Cell(int workers, long bytes, int rounds, double seconds, double cpuSeconds,
      double serverIoCpuSeconds, double workerCpuSeconds) {
    Cell(int workers, long bytes, int rounds, double seconds, double cpuSeconds,
        double serverIoCpuSeconds) {
      this(workers, bytes, rounds, seconds, cpuSeconds, serverIoCpuSeconds, 0);
    }

    double gbPerSecond() {
      return gigabytes() / seconds;
    }

    /** CPU seconds per GB summed. */
    double cpuPerGigabyte() {
      return cpuSeconds / gigabytes();
    }

    /** CPU seconds of the workers' own JVM per GB summed ({@link #runRemote}; 0 otherwise). */
    double workerCpuPerGigabyte() {
      return workerCpuSeconds / gigabytes();
    }

    /** CPU seconds of the server's I/O threads per GB summed. */
    double serverIoCpuPerGigabyte() {
      return serverIoCpuSeconds / gigabytes();
    }

    private double gigabytes() {
      return workers * (double) bytes * rounds / 1e9;
    }
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU nanoseconds of the live threads whose name starts with {@code prefix}, by thread id. */
  private static Map<Long, Long> threadCpuNanos(String prefix) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        cpu.put(t.getId(), mx.getThreadCpuTime(t.getId()));
      }
    }
    return cpu;
  }

  private static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
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

  /**
   * Runs {@code rounds} timed rounds (after one warm-up round) of W pushes of {@code bytes} on a
   * server with its default number of I/O threads.
   */
  static Cell run(int workers, int bytes, int rounds) throws Exception {
    return run(workers, bytes, rounds, KVStoreServerConfig.builder());
  }

  /** As {@link #run(int, int, int)} on a server built from {@code config} (I/O threads). */
  static Cell run(int workers, int bytes, int rounds, KVStoreServerConfig.Builder config)
      throws Exception {
    return run(workers, bytes, rounds, config, false);
  }

  /**
   * As {@link #run(int, int, int, KVStoreServerConfig.Builder)}; with {@code pull}, every round
   * is a PUSHPULL whose reply (the round's sum) each worker writes to an array of its own.
   */
  static Cell run(int workers, int bytes, int rounds, KVStoreServerConfig.Builder config,
      boolean pull) throws Exception {
    return run(workers, bytes, 1, rounds, config, pull);
  }

  /**
   * As {@link #run(int, int, int)} with {@code keys} keys of {@code bytes / keys} each, pushed
   * one after another in every round: each worker then has a push of every key in flight at once
   * (a key's next push waits only for that key's last acknowledgement), as a training step pushes
   * a model's keys, so the server is not idle between one round's acknowledgement and the next
   * round's pushes. The cell's {@code bytes} stay each worker's bytes per round.
   */
  static Cell run(int workers, int bytes, int keys, int rounds) throws Exception {
    return run(workers, bytes, keys, rounds, KVStoreServerConfig.builder(), false);
  }

  private static Cell run(int workers, int bytes, int keys, int rounds,
      KVStoreServerConfig.Builder config, boolean pull) throws Exception {
    if (bytes % (4 * keys) != 0 || pull && keys != 1) {
      throw new IllegalArgumentException(bytes + " bytes in " + keys + " keys (pull: " + pull
          + "): the keys must split the bytes into whole floats, and a PUSHPULL round has one key");
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      names.add(keys == 1 ? "k" : "k" + k);
    }
    byte[] secret = KVStoreServerConfig.randomSecret();
    int n = bytes / 4 / keys;
    try (KVStoreServer server = KVStoreServer.start(config
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
                secret, rank, workers);
                NDArray out = NDArray.zeros(n)) {
              for (String k : names) {
                kv.init(k, value);
              }
              round(kv, names, value, pull ? out : null); // warm-up round
              kv.barrier();
              start.await();
              for (int i = 0; i < rounds; i++) {
                round(kv, names, value, pull ? out : null);
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
        Map<Long, Long> io0 = threadCpuNanos(SERVER_IO_THREADS);
        end.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        double ioSeconds = cpuSince(io0, threadCpuNanos(SERVER_IO_THREADS)) / 1e9;
        for (Future<?> f : done) {
          f.get();
        }
        return new Cell(workers, bytes, rounds, seconds, cpuSeconds, ioSeconds);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * As {@link #run(int, int, int, KVStoreServerConfig.Builder)}, with the W workers in a JVM of
   * their own ({@link AggregationWorkers}, started with this JVM's java, flags and class path),
   * so that this JVM is the server's alone: {@code cpuSeconds} is then the server process's CPU
   * time, {@code workerCpuSeconds} the workers' JVM's, both over the timed rounds, which run
   * between the worker JVM's {@code start} and {@code end} lines.
   *
   * @param warmUp untimed rounds the worker JVM runs first (its JIT; the server's too)
   * @param pull every round a PUSHPULL, as in {@link #run(int, int, int,
   *     KVStoreServerConfig.Builder, boolean)}
   */
  static Cell runRemote(int workers, int bytes, int rounds, int warmUp,
      KVStoreServerConfig.Builder config, boolean pull) throws Exception {
    byte[] secret = KVStoreServerConfig.randomSecret();
    try (KVStoreServer server = KVStoreServer.start(config
        .bindHost("127.0.0.1").port(0).numWorkers(workers).secret(secret).build())) {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
          AggregationWorkers.class.getName(), "127.0.0.1", Integer.toString(server.port()),
          HexFormat.of().formatHex(secret), Integer.toString(workers), Integer.toString(bytes),
          Integer.toString(rounds), Integer.toString(warmUp), pull ? "pushpull" : "push"));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        expect(out, "start", p);
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        Map<Long, Long> io0 = threadCpuNanos(SERVER_IO_THREADS);
        String end = expect(out, "end ", p);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        double ioSeconds = cpuSince(io0, threadCpuNanos(SERVER_IO_THREADS)) / 1e9;
        double workerCpu = Long.parseLong(end.substring(4).trim()) / 1e9;
        if (p.waitFor() != 0) {
          throw new IllegalStateException("the worker JVM exited with " + p.exitValue());
        }
        return new Cell(workers, bytes, rounds, seconds, cpuSeconds, ioSeconds, workerCpu);
      } finally {
        p.destroyForcibly();
      }
    }
  }

  /** The worker JVM's next line starting with {@code prefix} (others are echoed to stderr). */
  private static String expect(BufferedReader out, String prefix, Process p) throws IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
      System.err.println("worker JVM: " + line);
    }
    throw new IllegalStateException("the worker JVM ended before printing '" + prefix.trim()
        + "' (see its stderr above)");
  }

  /** {@code push} or {@code pushpull}: whether a round's reply carries the sum back. */
  static boolean pushPull(String op) {
    if (!op.equals("push") && !op.equals("pushpull")) {
      throw new IllegalArgumentException("op '" + op + "': use push or pushpull");
    }
    return op.equals("pushpull");
  }

  /**
   * One round of one worker: a push of {@code value}, or with {@code out} a PUSHPULL whose
   * reply is written to {@code out}; returns once the server answered.
   */
  static void round(DistKVStore kv, NDArray value, NDArray out) {
    round(kv, List.of("k"), value, out);
  }

  /** A round of pushes of {@code value} for every one of {@code keys}, or as above for one. */
  private static void round(DistKVStore kv, List<String> keys, NDArray value, NDArray out) {
    if (out == null) {
      for (String k : keys) {
        kv.push(k, value);
      }
    } else {
      kv.pushPull(keys.get(0), List.of(value), List.of(out));
      out.waitToRead();
    }
  }
}
