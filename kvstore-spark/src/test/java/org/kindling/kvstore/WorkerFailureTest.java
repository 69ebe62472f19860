package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

@Timeout(60)
class WorkerFailureTest {
  private static final byte[] SECRET = "failure-test-secret-0123456789".getBytes();

  private KVStoreServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aVanishedWorkerMakesItsBlockedPeerFailInsteadOfHanging() throws Exception {
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 2)) {
      CompletableFuture<Void> rank0 = CompletableFuture.runAsync(() -> {
        kv.init("w", NDArray.of(new float[] {1, 2}, Shape.of(2)));
        kv.push("w", NDArray.of(new float[] {1, 1}, Shape.of(2)));
        kv.pull("w", NDArray.zeros(2)); // waits for rank 1's push, which never comes
      });
      try (RawClient raw = new RawClient(server.port())) {
        raw.initAndBarrier(SECRET, 1, "w", Shape.of(2)); // rank 1 speaks the protocol by hand
      } // closed without BYE, as a crashed executor
      assertThatThrownBy(rank0::join)
          .hasCauseInstanceOf(KVStoreException.class)
          .hasMessageContaining("'w'")
          .hasMessageContaining("worker rank 1 disconnected")
          .hasMessageNotContaining("timed out");
    }
  }

  @Test
  void barrierAfterAWorkerLeftFailsAndReconnectionRecovers() throws Exception {
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 2)) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv.init("w", NDArray.of(new float[] {1, 2}, Shape.of(2))));
      try (DistKVStore kv1 = Workers.connect(server, SECRET, 1, 2)) {
        kv1.init("w", NDArray.zeros(2));
      } // closes cleanly (BYE)
      init.join();
      assertThatThrownBy(kv::barrier)
          .isInstanceOf(KVStoreException.class)
          .hasMessageContaining("worker rank 1 closed its store");

      // a restarted rank 1 rejoins and initializes again; the stored value survives (the
      // first init wins), and the barrier inside its init meets rank 0's barrier
      DistKVStore restarted = Workers.connect(server, SECRET, 1, 2);
      List<float[]> pulled;
      try {
        pulled = Workers.run(2, rank -> {
          NDArray out = NDArray.zeros(2);
          if (rank == 0) {
            kv.barrier();
            kv.pull("w", out);
          } else {
            restarted.init("w", NDArray.zeros(2));
            restarted.pull("w", out);
          }
          return out.toFloatArray();
        });
      } finally {
        restarted.close();
      }
      assertThat(pulled.get(0)).containsExactly(1, 2);
      assertThat(pulled.get(1)).containsExactly(1, 2);
    }
  }

  @Test
  void aBlockedCallTimesOutNamingTheKeyAndTheServer() throws Exception {
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
    KVStoreClientConfig config = KVStoreClientConfig.builder().host("127.0.0.1")
        .port(server.port()).secret(SECRET).rank(0).numWorkers(2)
        .requestTimeout(Duration.ofMillis(300)).build();
    try (RawClient raw = new RawClient(server.port())) {
      DistKVStore kv = KVStores.connect(config);
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv.init("w", NDArray.zeros(2)));
      raw.initAndBarrier(SECRET, 1, "w", Shape.of(2));
      init.join();
      // rank 1 is alive but never pushes
      kv.push("w", NDArray.zeros(2));
      assertThatThrownBy(() -> kv.pull("w", NDArray.zeros(2)))
          .isInstanceOf(KVStoreException.class)
          .hasMessageContaining("PUSH of key 'w'")
          .hasMessageContaining("127.0.0.1:" + server.port())
          .hasMessageContaining("timed out after 300 ms");
      kv.close();
    }
  }

  @Test
  void closingTheServerFailsWaitingWorkers() throws Exception {
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
    DistKVStore kv = Workers.connect(server, SECRET, 0, 2);
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(kv::barrier);
    // the barrier request is on the wire or held; either way closing must release it
    server.close();
    assertThatThrownBy(waiting::join).hasCauseInstanceOf(KVStoreException.class);
    kv.close();
  }
}
