package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Provider;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The login path's faults (decisions 0023 §5 and 0085), through a real JCA provider of the
 * server's HmacSHA256 that goes wrong on demand ({@link FaultyHmacProvider}): a provider that
 * fails RFC 4231's test vector stops the server from starting, with a message that says so; an
 * {@link Error} while a login is checked ends that login only, as "try again", and every later
 * login, the retried one included, succeeds on a server that did not fail.
 */
@Timeout(60)
class LoginFaultTest {
  private static final byte[] SECRET = "login-fault-secret-0123456789ab".getBytes();

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ServerFaults macFrom(Provider provider) {
    return new ServerFaults() {
      @Override
      Provider macProvider() {
        return provider;
      }
    };
  }

  private static KVStoreServerConfig config() {
    return KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build();
  }

  private KVStoreClientConfig.Builder worker(int rank) {
    return KVStoreClientConfig.builder().host("127.0.0.1").port(server.port()).secret(SECRET)
        .rank(rank).numWorkers(2);
  }

  @Test
  void aMacThatFailsItsSelfTestStopsTheServerFromStartingAndSaysWhy() {
    FaultyHmacProvider broken = new FaultyHmacProvider().wrong();
    assertThatThrownBy(() -> server = KVStoreServer.start(config(), macFrom(broken)))
        .isInstanceOf(KVStoreException.class)
        .hasMessageContaining("HmacSHA256")
        .hasMessageContaining("KindlingFaultyHmac")
        .hasMessageContaining("RFC 4231")
        .hasMessageContaining("provider");
    assertThat(server).isNull();
    // the same provider computing correctly passes the self-test: the check is what failed
    server = KVStoreServer.start(config(), macFrom(new FaultyHmacProvider()));
    assertThat(server.port()).isPositive();
  }

  @Test
  void anErrorWhileALoginIsCheckedEndsThatLoginOnlyAndLaterLoginsSucceed() throws Exception {
    FaultyHmacProvider provider = new FaultyHmacProvider();
    server = KVStoreServer.start(config(), macFrom(provider));

    // the server checks the answer with its MAC: that computation throws this once
    provider.throwErrors(1);
    try (RawClient raw = new RawClient(server.port())) {
      assertThat(raw.refusedLogin(SECRET, 0, 2)).contains("NoClassDefFoundError")
          .contains("JceSecurity").contains("during the login").contains("try again");
      assertThat(raw.closedByServer()).isTrue();
    }
    assertThat(provider.thrown()).isEqualTo(1);
    assertThat(server.failure()).as("a login's Error does not fail the server").isNull();

    // again, for a real worker: refused with "try again", it logs in on its next attempt
    provider.throwErrors(1);
    DistKVStore kv0 = KVStores.connect(worker(0).build());
    assertThat(provider.thrown()).isEqualTo(2);
    try (kv0; DistKVStore kv1 = KVStores.connect(worker(1).build())) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv0.init("w", NDArray.of(new float[] {3, 4}, Shape.of(2))));
      kv1.init("w", NDArray.zeros(2));
      init.join();
      NDArray out = NDArray.zeros(2);
      kv1.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(3, 4);
    }
    assertThat(server.failure()).isNull();
  }
}
