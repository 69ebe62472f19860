package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kindling.kvstore.ServerOutcome.gaussian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engines;

/**
 * Workers whose keys live on S key servers (each key whole on one, or from the bound cut into S
 * ranges, MXNet's rule) while barriers and messages stay on the driver's server give bit for bit
 * what one server holding every key gives: sync and async, blocking calls, pushPull, the engine
 * operations training makes with a level-1 sum, 2-bit and fp16 transport, and a checkpoint of
 * the optimizer states saved from three key servers and resumed on two. The driver's server sees
 * none of the keys' bytes; each key server sees exactly its ranges'.
 */
@Timeout(180)
class KeyServersTest {
  private static final byte[] SECRET = "key-servers-test-secret-0123456".getBytes();
  private static final int BOUND = 100;
  /** Below, at and above the bound (1000 is not a multiple of 3), and a split 2-D key. */
  private static final Map<String, Shape> SHAPES = shapes();
  private static final String SGD = "sgd learning_rate=0.05 momentum=0.9 wd=0.001 rescale_grad=0.5";
  private static final String ADAM = "adam learning_rate=0.01 wd=0.001 rescale_grad=0.5";

  private static Map<String, Shape> shapes() {
    Map<String, Shape> m = new LinkedHashMap<>();
    m.put("below", Shape.of(BOUND - 1));
    m.put("at", Shape.of(BOUND));
    m.put("big", Shape.of(1000));
    m.put("mat", Shape.of(10, 31));
    m.put("bias", Shape.of(7));
    return m;
  }

  /** How workers call the store each step. */
  enum Calls {
    /** push then pull, blocking. */
    BLOCKING,
    /** one pushPull. */
    PUSH_PULL,
    /** MXNet's push and pull with priorities (engine operations) of a two-array level-1 sum. */
    ENGINE
  }

  /** A run; {@code servers} 0: the driver's server holds the keys; steps {@code [from, to)}. */
  private record Run(int servers, String type, int workers, String spec, int from, int to,
      Map<String, float[]> init, byte[] states, Map<String, String> gc, Calls calls) {
    Run servers(int s) {
      return new Run(s, type, workers, spec, from, to, init, states, gc, calls);
    }

    Run gc(Map<String, String> g) {
      return new Run(servers, type, workers, spec, from, to, init, states, g, calls);
    }

    Run calls(Calls c) {
      return new Run(servers, type, workers, spec, from, to, init, states, gc, c);
    }

    SyncMode mode() {
      return type.equals("dist_async") ? SyncMode.ASYNC : SyncMode.SYNC;
    }
  }

  private static Run sync(String spec, int steps) {
    return new Run(3, "dist_sync", 2, spec, 0, steps, initialValues(), null, null,
        Calls.BLOCKING);
  }

  private static Map<String, float[]> initialValues() {
    Map<String, float[]> init = new LinkedHashMap<>();
    SHAPES.forEach((k, s) -> init.put(k, gaussian(new Random(k.hashCode()), s.intSize())));
    return init;
  }

  /** Part {@code part} of rank {@code rank}'s gradient of {@code key} at {@code step}. */
  private static NDArray grad(String key, int step, int rank, int part) {
    Shape s = SHAPES.get(key);
    return NDArray.of(gaussian(new Random(31L * (31L * (31L * key.hashCode() + step) + rank)
        + part), s.intSize()), s);
  }

  private static KVStoreServer start(Run run) {
    return KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(run.workers())
        .secret(SECRET).mode(run.mode()).build());
  }

  /** A sync server of one worker. */
  private static KVStoreServer startForOne() {
    return KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET).build());
  }

  private static ServerOutcome train(Run run) throws Exception {
    List<KVStoreServer> keyServers = new ArrayList<>();
    try (KVStoreServer driver = start(run)) {
      for (int i = 0; i < run.servers(); i++) {
        keyServers.add(start(run));
      }
      List<ServerAddress> addresses = keyServers.stream().map(ServerAddress::of).toList();
      KeyServerLayout layout = new KeyServerLayout(Math.max(1, run.servers()), BOUND);
      if (run.states() != null) {
        if (keyServers.isEmpty()) {
          driver.preloadOptimizerStates(run.states());
        } else {
          byte[][] cut = layout.splitStates(run.states());
          for (int i = 0; i < cut.length; i++) {
            keyServers.get(i).preloadOptimizerStates(cut[i]);
          }
        }
      }
      List<Map<String, float[]>> pulled = Workers.run(run.workers(), rank -> {
        KVStoreClientConfig config = KVStoreClientConfig.builder().type(run.type())
            .host("127.0.0.1").port(driver.port()).secret(SECRET).rank(rank)
            .numWorkers(run.workers()).keyServers(addresses).bigArrayBound(BOUND).build();
        try (DistKVStore kv = KVStores.connect(config)) {
          return steps(kv, run, rank);
        }
      });
      Map<String, float[]> values = new LinkedHashMap<>();
      if (keyServers.isEmpty()) {
        // the reference: the one server's own snapshot and file
        driver.snapshot().forEach((k, v) -> values.put(k, v.toFloatArray()));
        return new ServerOutcome(pulled, values, driver.optimizerStates());
      }
      // barriers and messages only: no key reached the driver's server
      assertThat(driver.snapshot()).isEmpty();
      assertThat(driver.traffic().pushedBytes()).isZero();
      assertThat(driver.optimizerStates()).isNull();
      // what the driver's checkpoint reads over its controller logins
      byte[] states;
      try (KeyServerController controller = KeyServerController.connect(addresses, BOUND,
          run.type(), SECRET, run.workers())) {
        controller.values(SHAPES).forEach((k, v) -> {
          values.put(k, v.toFloatArray());
          v.close();
        });
        states = controller.optimizerStates(SHAPES);
      }
      for (KVStoreServer s : keyServers) {
        s.controllerLeft().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      return new ServerOutcome(pulled, values, states);
    } finally {
      keyServers.forEach(KVStoreServer::close);
    }
  }

  private static Map<String, float[]> steps(DistKVStore kv, Run run, int rank) {
    if (run.gc() != null) {
      kv.setGradientCompression(run.gc());
    }
    run.init().forEach((k, v) -> kv.init(k, NDArray.of(v, SHAPES.get(k))));
    kv.setOptimizer(Optimizers.fromSpec(run.spec()));
    Map<String, NDArray> outs = new LinkedHashMap<>();
    SHAPES.forEach((k, s) -> outs.put(k, NDArray.zeros(s)));
    for (int step = run.from(); step < run.to(); step++) {
      int index = 0;
      for (String key : SHAPES.keySet()) {
        NDArray out = outs.get(key);
        switch (run.calls()) {
          case BLOCKING -> {
            kv.push(key, grad(key, step, rank, 0));
            kv.pull(key, out);
          }
          case PUSH_PULL -> kv.pushPull(key, List.of(grad(key, step, rank, 0)), List.of(out));
          case ENGINE -> {
            kv.push(key, List.of(grad(key, step, rank, 0), grad(key, step, rank, 1)), -index);
            kv.pull(key, List.of(out), -index);
          }
          default -> throw new AssertionError(run.calls());
        }
        index++;
      }
    }
    kv.barrier();
    Map<String, float[]> last = new LinkedHashMap<>();
    outs.forEach((k, v) -> last.put(k, v.toFloatArray()));
    return last;
  }

  @ParameterizedTest
  @ValueSource(strings = {SGD, ADAM})
  void syncRoundsOnThreeKeyServersGiveTheOneServersBits(String spec) throws Exception {
    Run run = sync(spec, 3);
    ServerOutcome whole = train(run.servers(0));
    assertThat(whole.values().get("big")).isNotEqualTo(run.init().get("big"));
    same(train(run), whole);
  }

  @Test
  void oneAndTwoKeyServersGiveTheOneServersBitsWithPushPull() throws Exception {
    Run run = sync(SGD, 2).calls(Calls.PUSH_PULL);
    ServerOutcome whole = train(run.servers(0));
    same(train(run.servers(1)), whole);
    same(train(run.servers(2)), whole);
  }

  @Test
  void engineOperationsOfALevelOneSumGiveTheOneServersBits() throws Exception {
    Run run = sync(ADAM, 3).calls(Calls.ENGINE);
    same(train(run), train(run.servers(0)));
  }

  @Test
  void asyncPushesOnKeyServersAreEachAppliedAsOnOneServer() throws Exception {
    Run run = new Run(3, "dist_async", 1, ADAM, 0, 3, initialValues(), null, null,
        Calls.BLOCKING);
    same(train(run), train(run.servers(0)));
  }

  @Test
  void twoBitPushesAreQuantizedPerRangeAgainstTheRangesResidual() throws Exception {
    // 3 servers cut "big" at elements 333 and 667, inside a byte of 4 codes: each range is
    // packed from its own first element, and the values are the whole key's
    Run run = sync(SGD, 3).gc(Map.of("type", "2bit", "threshold", "0.5"));
    same(train(run), train(run.servers(0)));
  }

  @Test
  void fp16PushesAndPullsAreCutIntoRangesOfHalves() throws Exception {
    Run run = sync(SGD, 2).gc(Map.of("type", "fp16"));
    ServerOutcome whole = train(run.servers(0));
    same(train(run), whole);
    same(train(run.calls(Calls.PUSH_PULL)), train(run.servers(0).calls(Calls.PUSH_PULL)));
  }

  @Test
  void statesSavedFromThreeKeyServersResumeOnTwoExactlyAsAnUninterruptedRun() throws Exception {
    ServerOutcome uninterrupted = train(sync(ADAM, 5).servers(0));
    ServerOutcome first = train(sync(ADAM, 3));
    assertThat(first.states()).isEqualTo(train(sync(ADAM, 3).servers(0)).states());
    ServerOutcome resumed = train(new Run(2, "dist_sync", 2, ADAM, 3, 5, first.values(),
        first.states(), null, Calls.BLOCKING));
    same(resumed, uninterrupted);
  }

  @Test
  void eachKeyServerReceivesExactlyItsRangesBytes() throws Exception {
    int steps = 2;
    try (KVStoreServer driver = startForOne(); KVStoreServer a = startForOne();
        KVStoreServer b = startForOne()) {
      List<ServerAddress> addresses = List.of(ServerAddress.of(a), ServerAddress.of(b));
      Workers.run(1, rank -> {
        try (DistKVStore kv = KVStores.connect(KVStoreClientConfig.builder().host("127.0.0.1")
            .port(driver.port()).secret(SECRET).rank(0).numWorkers(1).keyServers(addresses)
            .bigArrayBound(BOUND).build())) {
          kv.init("big", NDArray.zeros(1000));
          for (int s = 0; s < steps; s++) {
            kv.push("big", grad("big", s, 0, 0));
          }
          kv.barrier();
          return null;
        }
      });
      // elements [0, 500) on the first, [500, 1000) on the second; nothing on the driver's
      assertThat(a.traffic().pushedBytes()).isEqualTo(steps * 500L * Float.BYTES);
      assertThat(b.traffic().pushedBytes()).isEqualTo(steps * 500L * Float.BYTES);
      assertThat(driver.traffic().pushedBytes()).isZero();
      assertThat(driver.traffic().bytesReceived()).isLessThan(a.traffic().bytesReceived());
    }
  }

  /**
   * A pull issued while its key's push still waits for the gradient joins it (decision 0046):
   * each key server holding a range answers one PUSHPULL, and the joined pull copies every
   * range's value.
   */
  @Test
  void aPullJoiningItsPushTakesEveryRangesValueFromThePushPulls() throws Exception {
    try (KVStoreServer driver = startForOne(); KVStoreServer a = startForOne();
        KVStoreServer b = startForOne()) {
      List<ServerAddress> addresses = List.of(ServerAddress.of(a), ServerAddress.of(b));
      CountDownLatch gate = new CountDownLatch(1);
      try (DistKVStore kv = KVStores.connect(KVStoreClientConfig.builder().host("127.0.0.1")
          .port(driver.port()).secret(SECRET).rank(0).numWorkers(1).keyServers(addresses)
          .bigArrayBound(BOUND).build())) {
        kv.init("big", NDArray.zeros(1000));
        NDArray g = grad("big", 0, 0, 0);
        NDArray weight = NDArray.zeros(1000);
        // backward is still writing the gradient: its push cannot be sent yet
        Engines.get().push("test-gate", () -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, List.of(), List.of(g.var()));
        TrafficSnapshot beforeA = a.traffic();
        TrafficSnapshot beforeB = b.traffic();
        kv.push("big", List.of(g), 0);
        kv.pull("big", List.of(weight), 0);
        gate.countDown();
        // no optimizer: each server's range is the pushed gradient's
        assertThat(weight.toFloatArray()).containsExactly(g.toFloatArray());
        assertThat(a.traffic().minus(beforeA).queue().requests()).isEqualTo(1);
        assertThat(b.traffic().minus(beforeB).queue().requests()).isEqualTo(1);
        assertThat(a.traffic().minus(beforeA).perKey().get("big").pulled())
            .isEqualTo(500L * Float.BYTES);
      }
    }
  }

  @Test
  void aKeyServerThatGoesAwayFailsThePullNamingItAndTheRange() throws Exception {
    try (KVStoreServer driver = startForOne(); KVStoreServer a = startForOne();
        KVStoreServer b = startForOne()) {
      List<ServerAddress> addresses = List.of(ServerAddress.of(a), ServerAddress.of(b));
      DistKVStore kv = KVStores.connect(KVStoreClientConfig.builder().host("127.0.0.1")
          .port(driver.port()).secret(SECRET).rank(0).numWorkers(1).keyServers(addresses)
          .bigArrayBound(BOUND).build());
      try {
        kv.init("big", NDArray.zeros(1000));
        b.close();
        KVStoreException e = assertThrows(KVStoreException.class,
            () -> kv.pull("big", NDArray.zeros(1000)));
        assertThat(e.getMessage()).contains("key 'big' elements [500, 1000)")
            .contains(ServerAddress.of(b).toString());
      } finally {
        kv.close();
      }
    }
  }

  @Test
  void aWorkerConfigRefusesRepeatedKeyServersAndABoundBelowOne() {
    KVStoreClientConfig.Builder b = KVStoreClientConfig.builder().host("127.0.0.1").port(9)
        .secret(SECRET).rank(0).numWorkers(1);
    ServerAddress a = new ServerAddress("10.0.0.1", 7000);
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> b.keyServers(List.of(a, new ServerAddress("10.0.0.2", 7000), a)).build()))
        .hasMessageContaining("distinct").hasMessageContaining("10.0.0.1:7000");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> b.keyServers(List.of(a)).bigArrayBound(0).build()))
        .hasMessageContaining("bigArrayBound must be at least 1, got 0");
    assertThat(assertThrows(IllegalArgumentException.class, () -> new ServerAddress("h", 0)))
        .hasMessageContaining("port of kvstore server h");
  }

  @Test
  void aKeyServerOfAnotherJobIsRefusedAtConnect() {
    Run run = sync(SGD, 1);
    try (KVStoreServer driver = start(run);
        KVStoreServer other = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2)
            .secret("another-jobs-secret-0123456789ab".getBytes()).build())) {
      KVStoreAuthenticationException e = assertThrows(KVStoreAuthenticationException.class,
          () -> KVStores.connect(KVStoreClientConfig.builder().host("127.0.0.1")
              .port(driver.port()).secret(SECRET).rank(0).numWorkers(2)
              .keyServers(List.of(ServerAddress.of(other))).build()));
      assertThat(e.getMessage()).contains(ServerAddress.of(other).toString());
    }
  }

  private static void same(ServerOutcome split, ServerOutcome whole) {
    split.assertSameBitsAs(whole, SHAPES.keySet());
  }
}
