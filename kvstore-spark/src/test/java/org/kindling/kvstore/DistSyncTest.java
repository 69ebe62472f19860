package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.storage.Storage;

@Timeout(60)
class DistSyncTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();

  private KVStoreServer server;

  private KVStoreServer start(int w, SyncMode mode) {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(w).secret(SECRET)
        .mode(mode).optimizerFactory(TestSgd::parse).build());
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Worker r's gradient at step s: small integers, so every summation order is exact. */
  private static float[] grad(int rank, int step, int part, int n) {
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (rank + 1) * (i + 1) + step - part;
    }
    return g;
  }

  /**
   * The buffer a worker sums its own arrays into before a push (level 1) is the store's: closing
   * the store returns its memory to the pool (the demo logged a garbage-collected array per key
   * without this). The pool's bytes in use drop by at least the buffer's bucket when the store
   * closes, with every other array of the test already closed.
   */
  @Test
  void closingReleasesTheLevelOneSumBuffers() {
    start(1, SyncMode.SYNC);
    int n = 1 << 16; // 256 KiB, a whole pool bucket
    DistKVStore kv = Workers.connect(server, SECRET, 0, 1);
    try {
      try (NDArray init = NDArray.zeros(n); NDArray a = NDArray.of(new float[n], Shape.of(n));
          NDArray b = NDArray.of(new float[n], Shape.of(n)); NDArray out = NDArray.zeros(n)) {
        kv.init("w", init);
        kv.push("w", List.of(a, b)); // two arrays: summed into the level-1 buffer
        kv.pull("w", out);
        out.waitToRead();
      }
      Engines.get().waitAll();
      long before = Storage.get().stats().inUseBytes();
      kv.close();
      Engines.get().waitAll();
      assertThat(before - Storage.get().stats().inUseBytes())
          .as("bytes returned to the pool by closing the store").isGreaterThanOrEqualTo(4L * n);
    } finally {
      kv.close();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void everyWorkerPullsTheOptimizerAppliedToTheSumOfAllPushes(int w) throws Exception {
    start(w, SyncMode.SYNC);
    int n = 5;
    int steps = 4;
    TestSgd sgd = new TestSgd(0.5f);
    float[] init = {1, 2, 3, 4, 5};
    List<List<float[]>> pulled = Workers.run(w, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        // only rank 0's init value counts
        kv.init("w", NDArray.of(rank == 0 ? init : new float[n], Shape.of(n)));
        kv.setOptimizer(sgd);
        NDArray out = NDArray.zeros(n);
        for (int s = 0; s < steps; s++) {
          // two arrays per worker: level-1 sum here, level-2 sum on the server
          kv.push("w", List.of(NDArray.of(grad(rank, s, 0, n), Shape.of(n)),
              NDArray.of(grad(rank, s, 1, n), Shape.of(n))));
          kv.pull("w", out);
          seen.add(out.toFloatArray());
        }
        kv.barrier();
      }
      return seen;
    });
    float[] expected = init;
    for (int s = 0; s < steps; s++) {
      float[] sum = new float[n];
      for (int r = 0; r < w; r++) {
        for (int part = 0; part < 2; part++) {
          float[] g = grad(r, s, part, n);
          for (int i = 0; i < n; i++) {
            sum[i] += g[i];
          }
        }
      }
      expected = sgd.apply(expected, sum);
      for (int r = 0; r < w; r++) {
        assertThat(pulled.get(r).get(s)).as("rank %d step %d", r, s).containsExactly(expected);
      }
    }
  }

  @Test
  void withoutOptimizerThePushedSumIsAssigned() throws Exception {
    start(2, SyncMode.SYNC);
    List<float[]> out = Workers.run(2, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
        kv.init("b", NDArray.of(new float[] {9, 9}, Shape.of(2)));
        NDArray o = NDArray.zeros(2);
        kv.pushPull("b", List.of(NDArray.of(new float[] {rank, 10 * rank}, Shape.of(2))),
            List.of(o));
        kv.barrier();
        return o.toFloatArray();
      }
    });
    assertThat(out.get(0)).containsExactly(1, 10);
    assertThat(out.get(1)).containsExactly(1, 10);
  }

  @Test
  void distSyncSgdEqualsLocalStoreOnTheSummedGradient() throws Exception {
    start(2, SyncMode.SYNC);
    Random random = new Random(42);
    int n = 257;
    int steps = 3;
    float[] init = new float[n];
    for (int i = 0; i < n; i++) {
      init[i] = random.nextFloat() * 2 - 1;
    }
    float[][][] grads = LocalReference.gaussianGrads(random, steps, 2, n);
    TestSgd sgd = new TestSgd(0.1f);
    List<float[]> dist = Workers.run(2, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
        kv.init("fc_weight", NDArray.of(init, Shape.of(n)));
        kv.setOptimizer(sgd);
        NDArray o = NDArray.zeros(n);
        for (float[][] step : grads) {
          kv.pushPull("fc_weight", List.of(NDArray.of(step[rank], Shape.of(n))), List.of(o));
        }
        kv.barrier();
        return o.toFloatArray();
      }
    });
    float[] expected = LocalReference.pushAll("fc_weight", init, sgd, grads);
    assertThat(dist.get(0)).containsExactly(expected);
    assertThat(dist.get(1)).containsExactly(expected);
  }

  @Test
  void barrierReleasesOnlyWhenAllWorkersArriveAndIsReusable() throws Exception {
    int w = 3;
    start(w, SyncMode.SYNC);
    List<ClientConnection> conns = new ArrayList<>();
    try {
      for (int r = 0; r < w; r++) {
        conns.add(ClientConnection.open(KVStoreClientConfig.builder().host("127.0.0.1")
            .port(server.port()).secret(SECRET).rank(r).numWorkers(w).build()));
      }
      for (int generation = 0; generation < 2; generation++) {
        List<CompletableFuture<Reply>> waiting = new ArrayList<>();
        for (int r = 0; r < w - 1; r++) {
          waiting.add(conns.get(r).send(Protocol.BARRIER, h -> { }, null, "BARRIER"));
        }
        // the server handles a connection's requests in order: once a later request of the
        // same connection is answered, the barrier request has been seen
        for (int r = 0; r < w - 1; r++) {
          ClientConnection c = conns.get(r);
          c.await(c.send(Protocol.MESSAGE, h -> Protocol.writeString(h, "ping"), null, "MSG"),
              "MSG");
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        ClientConnection last = conns.get(w - 1);
        last.await(last.send(Protocol.BARRIER, h -> { }, null, "BARRIER"), "BARRIER");
        for (int r = 0; r < w - 1; r++) {
          assertThat(conns.get(r).await(waiting.get(r), "BARRIER").type())
              .isEqualTo(Protocol.OK);
        }
      }
    } finally {
      conns.forEach(ClientConnection::close);
    }
  }

  @Test
  void snapshotReturnsCopiesOfStoredValuesInInitOrder() throws Exception {
    start(1, SyncMode.SYNC);
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      kv.init("z_last_alphabetically", NDArray.of(new float[] {1, 2}, Shape.of(2)));
      kv.init("a_first", NDArray.of(new float[] {3, 4, 5, 6}, Shape.of(2, 2)));
      kv.push("a_first", NDArray.of(new float[] {7, 8, 9, 10}, Shape.of(2, 2)));
      kv.barrier();
      Map<String, NDArray> snap = server.snapshot();
      assertThat(snap.keySet()).containsExactly("z_last_alphabetically", "a_first");
      assertThat(snap.get("a_first").shape()).isEqualTo(Shape.of(2, 2));
      assertThat(snap.get("a_first").toFloatArray()).containsExactly(7, 8, 9, 10);
      assertThat(snap.get("z_last_alphabetically").toFloatArray()).containsExactly(1, 2);

      // a copy: later pushes do not change it
      kv.push("a_first", NDArray.zeros(2, 2));
      kv.barrier();
      assertThat(snap.get("a_first").toFloatArray()).containsExactly(7, 8, 9, 10);
      assertThat(server.snapshot().get("a_first").toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void messageListenerReceivesMessagesAndMayTakeASnapshot() throws Exception {
    start(2, SyncMode.SYNC);
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    List<Float> snapshotAtEpochEnd = Collections.synchronizedList(new ArrayList<>());
    server.setMessageListener((rank, text) -> {
      received.add(rank + ":" + text);
      if (text.equals("epoch-end")) {
        snapshotAtEpochEnd.add(server.snapshot().get("w").toFloatArray()[0]);
      }
    });
    Workers.run(2, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
        kv.init("w", NDArray.of(new float[] {0}, Shape.of(1)));
        kv.push("w", NDArray.of(new float[] {1 + rank}, Shape.of(1)));
        kv.barrier();
        kv.sendMessage("progress " + rank);
        if (rank == 0) {
          kv.sendMessage("epoch-end");
        }
        kv.barrier();
      }
      return null;
    });
    assertThat(received).containsExactlyInAnyOrder("0:progress 0", "1:progress 1", "0:epoch-end");
    assertThat(snapshotAtEpochEnd).containsExactly(3f);
  }

  @Test
  void failingListenerIsReportedToTheSender() {
    start(1, SyncMode.SYNC);
    server.setMessageListener((rank, text) -> {
      throw new IllegalStateException("disk full");
    });
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      assertThatThrownBy(() -> kv.sendMessage("epoch 1"))
          .isInstanceOf(KVStoreException.class).hasMessageContaining("disk full");
    }
  }

  @Test
  void shapeMismatchOnTheServerNamesTheKeyAndBothShapes() {
    start(1, SyncMode.SYNC);
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      kv.init("conv0_weight", NDArray.zeros(2, 2));
      kv.close(); // a rank has one connection: the raw one below takes rank 0 over
      ClientConnection other = ClientConnection.open(KVStoreClientConfig.builder()
          .host("127.0.0.1").port(server.port()).secret(SECRET).rank(0).numWorkers(1).build());
      try {
        CompletableFuture<Reply> push = other.send(Protocol.PUSH, h -> {
          Protocol.writeString(h, "conv0_weight");
          Protocol.writeArrayHeader(h, Shape.of(4));
        }, NDArray.zeros(4).byteBuffer(), "PUSH of key 'conv0_weight'");
        assertThatThrownBy(() -> other.await(push, "PUSH of key 'conv0_weight'"))
            .isInstanceOf(KVStoreException.class)
            .hasMessageContaining("'conv0_weight'").hasMessageContaining("(4,)")
            .hasMessageContaining("(2, 2)");
        CompletableFuture<Reply> init = other.send(Protocol.INIT, h -> {
          Protocol.writeString(h, "conv0_weight");
          h.writeByte(0);
          Protocol.writeArrayHeader(h, Shape.of(3, 3));
        }, null, "INIT");
        assertThatThrownBy(() -> other.await(init, "INIT"))
            .hasMessageContaining("'conv0_weight'").hasMessageContaining("(3, 3)")
            .hasMessageContaining("(2, 2)");
        // the key is unharmed
        Reply value = other.call(Protocol.PULL, h -> Protocol.writeString(h, "conv0_weight"),
            null, "PULL");
        assertThat(value.shape()).isEqualTo(Shape.of(2, 2));
        assertThat(value.data().remaining()).isEqualTo(16);
        while (value.data().hasRemaining()) {
          assertThat(value.data().get()).isZero();
        }
      } finally {
        other.close();
      }
    }
  }

  @Test
  void clientChecksKeysAndShapesBeforeSending() {
    start(1, SyncMode.SYNC);
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      kv.init("w", NDArray.zeros(3));
      assertThatThrownBy(() -> kv.init("w", NDArray.zeros(3)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
      assertThatThrownBy(() -> kv.pull("unknown", NDArray.zeros(3)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'unknown'");
      assertThatThrownBy(() -> kv.push("w", NDArray.zeros(4)))
          .hasMessageContaining("'w'").hasMessageContaining("(4,)").hasMessageContaining("(3,)");
      assertThat(kv.type()).isEqualTo("dist_sync");
      assertThat(kv.serverAddress()).isEqualTo("127.0.0.1:" + server.port());
    }
  }

  @Test
  void badOptimizerSpecIsReportedToRankZero() {
    start(1, SyncMode.SYNC);
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      assertThatThrownBy(() -> kv.setOptimizer(new BogusSpec()))
          .isInstanceOf(KVStoreException.class)
          .hasMessageContaining("cannot build the optimizer").hasMessageContaining("adamw");
    }
  }

  /** An optimizer whose spec the server's factory does not know. */
  private static final class BogusSpec implements org.kindling.symbol.optimizer.Optimizer {
    @Override
    public void update(String key, NDArray weight, NDArray grad) {}

    @Override
    public String spec() {
      return "adamw beta=2";
    }
  }

  @Test
  void asyncModeAppliesEveryPushAtOnceAndNeedsAnOptimizer() throws Exception {
    start(2, SyncMode.ASYNC);
    try (DistKVStore kv0 = KVStores.connect("dist_async", "127.0.0.1", server.port(), SECRET, 0, 2);
        DistKVStore kv1 =
            KVStores.connect("dist_async", "127.0.0.1", server.port(), SECRET, 1, 2)) {
      Workers.run(2, rank -> {
        (rank == 0 ? kv0 : kv1).init("w", NDArray.of(new float[] {10}, Shape.of(1)));
        return null;
      });
      NDArray o = NDArray.zeros(1);
      assertThatThrownBy(() -> kv0.pushPull("w", List.of(NDArray.of(new float[] {1},
          Shape.of(1))), List.of(o)))
          .isInstanceOf(KVStoreException.class).hasMessageContaining("setOptimizer");
      Workers.run(2, rank -> {
        (rank == 0 ? kv0 : kv1).setOptimizer(new TestSgd(1f));
        return null;
      });
      // no waiting for the other worker: each push is applied on its own
      kv0.pushPull("w", List.of(NDArray.of(new float[] {1}, Shape.of(1))), List.of(o));
      assertThat(o.toFloatArray()).containsExactly(9f);
      kv1.pushPull("w", List.of(NDArray.of(new float[] {2}, Shape.of(1))), List.of(o));
      assertThat(o.toFloatArray()).containsExactly(7f);
      kv0.pushPull("w", List.of(NDArray.of(new float[] {1}, Shape.of(1))), List.of(o));
      assertThat(o.toFloatArray()).containsExactly(6f);
      // staleness: rank 1 computed on the initial value after 1 update; rank 0 read 9, then 1
      // update (rank 1's) happened before its second push
      TrafficSnapshot.KeyBytes w = server.traffic().perKey().get("w");
      assertThat(w.asyncPushes()).isEqualTo(3);
      assertThat(w.stalenessSum()).isEqualTo(2);
      assertThat(w.stalenessMax()).isEqualTo(1);
      assertThat(w.pushed()).as("the refused push crossed the wire too").isEqualTo(4 * 4);
      assertThat(w.pulled()).isEqualTo(3 * 4);
    }
  }

  @Test
  void trafficCountsEachKeysBytesUpdatesAndTheTimeARoundWaitedForItsLastPush() throws Exception {
    start(2, SyncMode.SYNC);
    int n = 6;
    try (DistKVStore kv0 = Workers.connect(server, SECRET, 0, 2);
        DistKVStore kv1 = Workers.connect(server, SECRET, 1, 2)) {
      Workers.run(2, rank -> {
        DistKVStore kv = rank == 0 ? kv0 : kv1;
        kv.init("w", NDArray.zeros(n));
        kv.init("b", NDArray.zeros(1));
        return null;
      });
      TrafficSnapshot before = server.traffic();
      kv0.push("w", NDArray.of(grad(0, 0, 0, n), Shape.of(n)));
      // the round starts when rank 0's push is in; rank 1 comes 100 ms after that at the least
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (server.traffic().minus(before).queue().requests() < 1) {
        assertThat(System.nanoTime()).as("rank 0's push queued by the server within 60 s")
            .isLessThan(deadline);
        Thread.sleep(5);
      }
      // the state thread takes requests in order: once rank 1's pull of b is answered, rank
      // 0's push of w has joined its round, whose bytes are not counted before it ends
      NDArray b = NDArray.zeros(1);
      kv1.pull("b", b);
      b.waitToRead();
      TrafficSnapshot open = server.traffic().minus(before);
      assertThat(open.perKey()).as("a round in progress counts nothing yet").doesNotContainKey("w");
      Thread.sleep(100);
      kv1.push("w", NDArray.of(grad(1, 0, 0, n), Shape.of(n)));
      NDArray out0 = NDArray.zeros(n);
      NDArray out1 = NDArray.zeros(n);
      kv0.pull("w", out0);
      kv1.pull("w", out1);
      out0.waitToRead();
      out1.waitToRead();
      TrafficSnapshot step = server.traffic().minus(before);
      TrafficSnapshot.KeyBytes w = step.perKey().get("w");
      assertThat(w.pushed()).isEqualTo(2L * 4 * n);
      assertThat(w.pulled()).isEqualTo(2L * 4 * n);
      assertThat(w.updates()).isEqualTo(1);
      assertThat(w.waitNanos()).isGreaterThanOrEqualTo(100_000_000L);
      assertThat(step.waitNanos()).isEqualTo(w.waitNanos());
      // a key only pulled has its pulled bytes and nothing else; then one round of it
      assertThat(step.perKey().get("b"))
          .isEqualTo(new TrafficSnapshot.KeyBytes(0, 4, 0, 0, 0, 0, 0));
      Workers.run(2, rank -> {
        (rank == 0 ? kv0 : kv1).push("b", NDArray.of(new float[] {rank}, Shape.of(1)));
        return null;
      });
      kv0.pull("b", b);
      b.waitToRead();
      TrafficSnapshot both = server.traffic().minus(before);
      assertThat(both.keysInOrder().keySet()).containsExactly("b", "w");
      assertThat(both.perKey().get("b").updates()).isEqualTo(1);
      assertThat(both.pushedBytes()).isEqualTo(2L * 4 * n + 2 * 4);
      // two pushes and two pulls went through the state thread's queue, at least
      assertThat(step.queue().requests()).isGreaterThanOrEqualTo(4);
      assertThat(step.queue().depthMax()).isGreaterThanOrEqualTo(1);
      assertThat(step.queue().depthMean()).isGreaterThanOrEqualTo(1.0);
    }
  }

  /** A worker of {@code srv} with SGD momentum on key {@code w} initialized to {@code init}. */
  private static DistKVStore sgdWorker(KVStoreServer srv, float[] init) {
    DistKVStore kv = Workers.connect(srv, SECRET, 0, 1);
    kv.init("w", NDArray.of(init, Shape.of(2)));
    kv.setOptimizer(org.kindling.symbol.optimizer.Optimizers.fromSpec(
        "sgd learning_rate=0.5 momentum=0.9"));
    return kv;
  }

  /** Steps {@code from .. to - 1} of small-integer gradients; the weights after the last. */
  private static float[] steps(DistKVStore kv, int from, int to) {
    NDArray out = NDArray.zeros(2);
    for (int s = from; s < to; s++) {
      kv.pushPull("w", List.of(NDArray.of(grad(0, s, 0, 2), Shape.of(2))), List.of(out));
    }
    return out.toFloatArray();
  }

  @Test
  void optimizerStatesAreSavedAndPreloadedSoAResumedJobContinuesExactly() {
    KVStoreServerConfig.Builder config = KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET);
    float[] threeSteps;
    byte[] statesAfterTwo;
    float[] afterTwo;
    try (KVStoreServer a = KVStoreServer.start(config.build())) {
      assertThat(a.optimizerStates()).as("no optimizer yet").isNull();
      try (DistKVStore kv = sgdWorker(a, new float[] {1, -1})) {
        afterTwo = steps(kv, 0, 2);
        statesAfterTwo = a.optimizerStates();
        threeSteps = steps(kv, 2, 3);
      }
    }
    try (KVStoreServer b = KVStoreServer.start(config.build())) {
      b.preloadOptimizerStates(statesAfterTwo);
      try (DistKVStore kv = sgdWorker(b, afterTwo)) {
        assertThat(steps(kv, 2, 3)).containsExactly(threeSteps);
      }
    }
    // without the momentum the third step differs: the states mattered
    try (KVStoreServer c = KVStoreServer.start(config.build());
        DistKVStore kv = sgdWorker(c, afterTwo)) {
      assertThat(steps(kv, 2, 3)).isNotEqualTo(threeSteps);
    }
    try (KVStoreServer d = KVStoreServer.start(config.build());
        DistKVStore kv = Workers.connect(d, SECRET, 0, 1)) {
      d.preloadOptimizerStates(statesAfterTwo);
      assertThatThrownBy(() -> kv.setOptimizer(org.kindling.symbol.optimizer.Optimizers.fromSpec(
          "adam"))).isInstanceOf(KVStoreException.class)
          .hasMessageContaining("cannot load the job's optimizer states into adam");
    }
  }

  @Test
  void closeIsIdempotentAndSnapshotAfterCloseFails() {
    start(1, SyncMode.SYNC);
    DistKVStore kv = Workers.connect(server, SECRET, 0, 1);
    kv.close();
    kv.close();
    assertThatThrownBy(kv::barrier).isInstanceOf(IllegalStateException.class);
    server.close();
    server.close();
    assertThatThrownBy(server::snapshot).isInstanceOf(IllegalStateException.class);
  }
}
