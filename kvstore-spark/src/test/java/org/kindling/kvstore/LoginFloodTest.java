package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * A flood of connections that never authenticate is capped overall and per address (the excess
 * is refused at once instead of holding file descriptors until the auth timeout), and workers
 * still log in properly: from another address while the flood lasts, and after every slot was
 * taken once the flood is gone (a refused worker retries within its connect timeout).
 */
@Timeout(60)
class LoginFloodTest {
  private static final byte[] SECRET = "flood-test-secret-0123456789abc".getBytes();

  private KVStoreServer server;
  private final List<RawClient> flood = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (RawClient c : flood) {
      c.close();
    }
    server.close();
  }

  /** Opens a connection from {@code from} that reads the CHALLENGE and never answers it. */
  private void floodFrom(String from) throws Exception {
    RawClient c = new RawClient(server.port(), from);
    flood.add(c);
    c.readChallenge();
  }

  private void assertRefused(String from, String reason) throws Exception {
    try (RawClient c = new RawClient(server.port(), from)) {
      assertThat(c.readFatal()).contains(reason).contains("try again");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aFloodOfUnauthenticatedConnectionsIsCappedAndWorkersStillLogIn() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2).secret(SECRET)
        .maxUnauthenticated(8, 4).authTimeout(Duration.ofSeconds(30)).build());
    for (int i = 0; i < 4; i++) {
      floodFrom("127.0.0.2");
    }
    for (int i = 0; i < 20; i++) {
      assertRefused("127.0.0.2", "maxUnauthenticatedPerAddress");
    }
    for (int i = 0; i < 3; i++) {
      floodFrom("127.0.0.3");
    }
    // one slot left overall: a worker (from 127.0.0.1) logs in with it
    KVStoreClientConfig.Builder rank0 = KVStoreClientConfig.builder().host("127.0.0.1")
        .port(server.port()).secret(SECRET).rank(0).numWorkers(2);
    DistKVStore kv0 = KVStores.connect(rank0.build());
    floodFrom("127.0.0.4");
    assertRefused("127.0.0.5", "maxUnauthenticated)");

    // rank 1 finds every slot taken: refused, it retries until the flood is gone
    CompletableFuture<DistKVStore> rank1 = CompletableFuture.supplyAsync(
        () -> KVStores.connect(rank0.rank(1).build()));
    for (RawClient c : flood) {
      c.close();
    }
    flood.clear();
    try (DistKVStore kv1 = rank1.join()) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv0.init("w", NDArray.of(new float[] {1, 2}, Shape.of(2))));
      kv1.init("w", NDArray.zeros(2));
      init.join();
      NDArray out = NDArray.zeros(2);
      kv1.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(1, 2);
    } finally {
      kv0.close();
    }
  }
}
