package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.engine.EngineException;
import org.kindling.tensor.engine.Engines;

/**
 * {@link Module#update} with a distributed store issues each parameter's push and pull as engine
 * operations (MXNet's {@code push(key, grad, -index)}, {@code pull(key, weight, -index)}): the
 * results are the sequential loop's bits, and a gradient goes out while backward has not finished.
 */
@Timeout(120)
class OverlappedUpdateTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The loop before push and pull were engine operations: each waits for what it needs. */
  private static void sequentialUpdate(Module m, KVStore kv) {
    for (String p : m.paramNames()) {
      NDArray grad = m.executor().gradDict().get(p);
      NDArray weight = m.executor().argDict().get(p);
      kv.push(p, grad);
      kv.pull(p, weight);
      weight.waitToRead();
    }
  }

  /**
   * Task 0's parameters after {@code steps} synchronous steps, each task with its data: 2 tasks of
   * {@code dist_sync}, or 2 level-1 groups of 2. The server then sums 2 arrays, exactly in either
   * arrival order, so any difference would come from the update loop.
   */
  private Map<String, float[]> train(boolean grouped, boolean overlapped, int steps)
      throws Exception {
    int k = grouped ? 2 : 1;
    int tasks = 2 * k;
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(tasks / k)
        .secret(SECRET).build());
    String job = "overlap-" + grouped + "-" + overlapped;
    IntFunction<KVStore> connect = rank -> grouped
        ? Groups.join(job, "dist_device_sync", server, SECRET, tasks / k, k, rank,
            Duration.ofSeconds(60))
        : KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, rank, tasks);
    try {
      return Workers.run(tasks, rank -> {
        try (KVStore kv = connect.apply(rank); Module m = TinyMlp.prepare(TinyMlp.module(), kv)) {
          SplittableRandom rnd = new SplittableRandom(100 + rank);
          for (int s = 0; s < steps; s++) {
            try (DataBatch b = TinyMlp.batch(rnd)) {
              m.forwardBackward(b);
              if (overlapped) {
                m.update();
              } else {
                sequentialUpdate(m, kv);
              }
            }
          }
          Map<String, float[]> params = new TreeMap<>();
          m.getParams().forEach((key, v) -> params.put(key, v.toFloatArray()));
          return params;
        }
      }).get(0);
    } finally {
      server.close();
      server = null;
    }
  }

  @ParameterizedTest(name = "level-1 groups: {0}")
  @ValueSource(booleans = {false, true})
  void overlappedUpdatesGiveTheSequentialLoopsBits(boolean grouped) throws Exception {
    int steps = 5;
    Map<String, float[]> sequential = train(grouped, false, steps);
    Map<String, float[]> overlapped = train(grouped, true, steps);
    assertThat(overlapped.keySet()).containsExactly("fc1_bias", "fc1_weight", "fc2_bias",
        "fc2_weight");
    for (String p : sequential.keySet()) {
      assertThat(overlapped.get(p)).as(p).isEqualTo(sequential.get(p));
    }
    // the steps did move the weights (the comparison is not of untouched initial values)
    Map<String, float[]> one = train(grouped, true, 1);
    assertThat(one.get("fc1_weight")).isNotEqualTo(overlapped.get("fc1_weight"));
  }

  /**
   * Structural overlap: an engine operation that holds the batch's data array blocks fc1's
   * backward (it reads the data), so backward cannot finish; the last layer's gradient must still
   * reach the server, and its new weights come back, while fc1's gradient has not been pushed.
   */
  @Test
  void theLastLayersGradientIsPushedWhileBackwardStillRuns() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET)
        .build());
    CountDownLatch gate = new CountDownLatch(1);
    try (KVStore kv = KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, 0, 1);
        Module m = TinyMlp.prepare(TinyMlp.module(), kv);
        DataBatch b = TinyMlp.batch(new SplittableRandom(7))) {
      TrafficSnapshot before = server.traffic();
      m.forward(b, true);
      NDArray data = m.executor().argDict().get("data");
      Engines.get().push("test-gate", () -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, List.of(), List.of(data.var()));
      m.backward();
      m.update(); // returns at once: with blocking pushes it would wait for fc1's gradient
      try {
        // each key's round is counted when it completes: wait for both of fc2's
        awaitPulled(before, "fc2_weight");
        TrafficSnapshot during = awaitPulled(before, "fc2_bias");
        assertThat(pushed(during, "fc2_weight")).isEqualTo(TinyMlp.CLASSES * TinyMlp.HIDDEN * 4L);
        assertThat(pushed(during, "fc2_bias")).isEqualTo(TinyMlp.CLASSES * 4L);
        assertThat(pushed(during, "fc1_weight")).isZero();
      } finally {
        gate.countDown();
      }
      m.executor().argDict().get("fc1_weight").waitToRead();
      TrafficSnapshot after = server.traffic().minus(before);
      assertThat(pushed(after, "fc1_weight")).isEqualTo(TinyMlp.HIDDEN * TinyMlp.FEATURES * 4L);
      assertThat(after.perKey().get("fc1_weight").pulled()).isEqualTo(TinyMlp.HIDDEN * TinyMlp.FEATURES * 4L);
    }
  }

  /**
   * Training issues a key's pull right after its push, while backward has not produced the
   * gradient yet: the pull joins the push, which goes out as one PUSHPULL (one request on the
   * server instead of two) whose value lands in the pull's output. 2-bit compression has no PUSHPULL, so
   * there the pull stays a request of its own. The same for the store's {@code pushPull} with a
   * priority (what {@link Module#update} issues, decision 0082): one operation that returns
   * before the gradient is written.
   */
  @ParameterizedTest(name = "compression {0}, pushPull {1}")
  @CsvSource({"none,false", "fp16,false", "2bit,false", "none,true", "fp16,true", "2bit,true"})
  void aPullIssuedBeforeItsKeysPushIsSentRidesOnThePush(String type, boolean pushPull)
      throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET)
        .build());
    boolean twoBit = type.equals("2bit");
    CountDownLatch gate = new CountDownLatch(1);
    try (DistKVStore kv = KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, 0,
        1)) {
      kv.init("w", NDArray.zeros(4));
      kv.setGradientCompression(twoBit ? Map.of("type", "2bit", "threshold", "0.5")
          : Map.of("type", type));
      NDArray grad = NDArray.of(new float[] {1, 2, 3, 4}, Shape.of(4));
      NDArray weight = NDArray.zeros(4);
      // backward is still writing the gradient: its push cannot be sent yet
      Engines.get().push("test-gate", () -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, List.of(), List.of(grad.var()));
      TrafficSnapshot before = server.traffic();
      if (pushPull) {
        kv.pushPull("w", List.of(grad), List.of(weight), 0);
      } else {
        kv.push("w", List.of(grad), 0);
        kv.pull("w", List.of(weight), 0);
      }
      // issued, not sent: the gradient is not written yet
      assertThat(server.traffic().minus(before).queue().requests()).isZero();
      gate.countDown();
      float[] pulled = weight.toFloatArray();
      TrafficSnapshot step = server.traffic().minus(before);
      // no optimizer: the server's value is the (dequantized) push
      assertThat(pulled).containsExactly(twoBit ? new float[] {0.5f, 0.5f, 0.5f, 0.5f}
          : new float[] {1, 2, 3, 4});
      assertThat(step.queue().requests()).as("requests the server handled")
          .isEqualTo(twoBit ? 2 : 1);
      assertThat(step.perKey().get("w").pulled()).isEqualTo(type.equals("fp16") ? 8 : 16);
      // float32 values are read straight into the weight (the PUSHPULL's, or 2-bit's PULL's);
      // float16 ones are widened into it
      assertThat(kv.pullBytesInPlace()).isEqualTo(type.equals("fp16") ? 0 : 16);
      assertThat(kv.pullCopyBytes()).isEqualTo(16);
    }
  }

  /**
   * A request that fails after its caller went on (the server goes away while a sync round waits
   * for a silent peer) is recorded on the weight: the next wait on it throws, naming the key.
   */
  @Test
  void aFailedPullSurfacesAtTheNextWaitOnTheWeightNamingTheKey() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2).secret(SECRET)
        .build());
    DistKVStore silent = KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, 1, 2);
    try (DistKVStore kv = KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, 0,
        2)) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(
          () -> silent.init("w", NDArray.zeros(4)));
      kv.init("w", NDArray.zeros(4));
      peer.get();
      NDArray weight = NDArray.zeros(4);
      kv.push("w", List.of(NDArray.of(new float[] {1, 2, 3, 4}, Shape.of(4))), 0);
      kv.pull("w", List.of(weight), 0); // returns: the round waits for rank 1, which never pushes
      server.close();
      server = null;
      // the store's error may carry the socket's EOFException as its own cause (the server's
      // ERROR reply and its closing socket race), so the chain is searched, not its root
      assertThatThrownBy(weight::waitToRead).isInstanceOf(EngineException.class)
          .hasMessageContaining("'w'")
          .satisfies(e -> assertThat(causes(e))
              .hasAtLeastOneElementOfType(KVStoreException.class));
      kv.close(); // the wait reported the failure, which is then gone (the engine's rule)
    } finally {
      silent.close();
    }
  }

  /**
   * A blocking push returns before its sync round completes; the key's next push and pull with a
   * priority are sent after that round's reply: a second push in the round would be refused (the
   * server takes one request of a worker per round) and a pull would read the value before the
   * round's update. Rank 1 pushes only once rank 0's first push has reached the server.
   */
  @Test
  void priorityCallsAfterABlockingPushOfTheKeyWaitForItsRound() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2).secret(SECRET)
        .build());
    try (DistKVStore kv0 = KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, 0,
        2); DistKVStore kv1 = KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET,
        1, 2)) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(
          () -> kv1.init("w", NDArray.zeros(4)));
      kv0.init("w", NDArray.zeros(4));
      peer.get();
      TrafficSnapshot before = server.traffic();
      NDArray weight = NDArray.zeros(4);
      CompletableFuture<Void> rank0 = CompletableFuture.runAsync(() -> {
        kv0.push("w", List.of(NDArray.of(new float[] {1, 2, 3, 4}, Shape.of(4))));
        kv0.push("w", List.of(NDArray.of(new float[] {10, 20, 30, 40}, Shape.of(4))), 0);
        kv0.pull("w", List.of(weight), 0);
      });
      // the round's bytes are counted when it completes; the frame's when it arrives
      while (server.traffic().minus(before).bytesReceived() < 16) {
        Thread.sleep(2);
      }
      kv1.push("w", List.of(NDArray.of(new float[] {5, 6, 7, 8}, Shape.of(4))));
      kv1.push("w", List.of(NDArray.of(new float[] {100, 200, 300, 400}, Shape.of(4))));
      rank0.get();
      // no optimizer: the server's value is the second round's sum
      assertThat(weight.toFloatArray()).containsExactly(110, 220, 330, 440);
    }
  }

  private static long pushed(TrafficSnapshot t, String key) {
    TrafficSnapshot.KeyBytes kb = t.perKey().get(key);
    return kb == null ? 0 : kb.pushed();
  }

  /** Waits (up to 60 s) until the server has answered a pull of {@code key} since {@code before}. */
  private TrafficSnapshot awaitPulled(TrafficSnapshot before, String key)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      TrafficSnapshot t = server.traffic().minus(before);
      TrafficSnapshot.KeyBytes kb = t.perKey().get(key);
      if (kb != null && kb.pulled() > 0) {
        return t;
      }
      assertThat(System.nanoTime()).as("the pull of %s reached the server within 60 s", key)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t.getCause(); c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }
}
