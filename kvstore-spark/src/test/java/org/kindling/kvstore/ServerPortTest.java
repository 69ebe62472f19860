package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;

/**
 * The server's port (decision 0085): a given port is bound as given, a port in use fails with an
 * error naming the host, the port and the settings to change, and with {@code portRetries} the
 * ports after it are tried one by one as Spark binds its services ({@code spark.port.maxRetries}).
 * Real sockets on 127.0.0.1; the ports in use are held by plain {@link ServerSocket}s.
 */
@Timeout(60)
class ServerPortTest {
  private static final byte[] SECRET = "port-test-secret-0123456789abcd".getBytes();
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static KVStoreServerConfig.Builder config(int port) {
    return KVStoreServerConfig.builder().bindHost("127.0.0.1").port(port).numWorkers(1)
        .secret(SECRET);
  }

  /** A port that was free a moment ago (the kernel's choice of an ephemeral one). */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    }
  }

  /** Holds {@code count} consecutive ports on 127.0.0.1 (in use for the server); returns them. */
  private static ServerSocket[] holdConsecutive(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = freePort();
      if (first + count > 65535) {
        continue;
      }
      ServerSocket[] held = new ServerSocket[count];
      try {
        for (int i = 0; i < count; i++) {
          held[i] = new ServerSocket(first + i, 1, LOOPBACK);
        }
        return held;
      } catch (BindException taken) {
        close(held); // one of them was in use by another process: try elsewhere
      }
    }
    throw new AssertionError("no " + count + " consecutive free ports on 127.0.0.1 in 50 tries");
  }

  private static void close(ServerSocket[] sockets) throws IOException {
    for (ServerSocket s : sockets) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void aGivenFreePortIsBoundAndServesWorkers() throws Exception {
    int port = freePort();
    server = KVStoreServer.start(config(port).build());
    assertThat(server.port()).isEqualTo(port);
    try (DistKVStore kv = KVStores.connect("dist_sync", "127.0.0.1", port, SECRET, 0, 1)) {
      kv.init("w", NDArray.of(new float[] {7}, org.kindling.tensor.Shape.of(1)));
      NDArray out = NDArray.zeros(1);
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(7);
    }
  }

  @Test
  void aPortInUseFailsNamingTheHostThePortAndWhatToChange() throws Exception {
    ServerSocket[] held = holdConsecutive(1);
    int port = held[0].getLocalPort();
    try {
      assertThatThrownBy(() -> server = KVStoreServer.start(config(port).build()))
          .isInstanceOf(KVStoreException.class)
          .hasMessageContaining("127.0.0.1")
          .hasMessageContaining("port " + port + " is in use")
          .hasMessageContaining("KVStoreServerConfig.port")
          .hasMessageContaining("0 for any free port")
          .hasMessageContaining("portRetries (now 0)")
          .hasCauseInstanceOf(BindException.class);
    } finally {
      close(held);
    }
  }

  @Test
  void withRetriesTheServerBindsTheFirstFreePortAfterTheOnesInUse() throws Exception {
    ServerSocket[] held = holdConsecutive(2);
    int first = held[0].getLocalPort();
    try {
      server = KVStoreServer.start(config(first).portRetries(5).build());
      assertThat(server.port()).isBetween(first + 2, first + 5);
      assertThat(server.config().toString()).contains(":" + first + " (+5 retries)");
    } finally {
      close(held);
    }
  }

  @Test
  void whenEveryPortTriedIsInUseTheErrorNamesTheRange() throws Exception {
    ServerSocket[] held = holdConsecutive(3);
    int first = held[0].getLocalPort();
    try {
      assertThatThrownBy(() -> server = KVStoreServer.start(config(first).portRetries(2).build()))
          .isInstanceOf(KVStoreException.class)
          .hasMessageContaining("port " + first + " and the 2 after it (up to " + (first + 2)
              + ") are in use")
          .hasMessageContaining("raise portRetries (now 2)")
          .hasCauseInstanceOf(BindException.class);
    } finally {
      close(held);
    }
  }

  @Test
  void anAddressThatIsNotThisMachinesFailsAtOnceAndNotAsAPortInUse() throws Exception {
    int port = freePort();
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine
    assertThatThrownBy(() -> server = KVStoreServer.start(KVStoreServerConfig.builder()
        .bindHost("192.0.2.1").port(port).portRetries(16).numWorkers(1).secret(SECRET).build()))
        .isInstanceOf(KVStoreException.class)
        .hasMessageContaining("cannot bind the kvstore server to 192.0.2.1:" + port + ":")
        .hasMessageContaining("must be an address of this machine")
        .hasMessageNotContaining("in use");
  }

  @Test
  void portZeroBindsAnyFreePortWhateverTheRetries() {
    server = KVStoreServer.start(config(0).portRetries(16).build());
    assertThat(server.port()).isPositive();
  }

  @Test
  void retriesFollowSparksPortsWrappingToTheUnprivilegedOnes() {
    assertThat(KVStoreServer.retryPort(5000, 0)).isEqualTo(5000);
    assertThat(KVStoreServer.retryPort(5000, 16)).isEqualTo(5016);
    assertThat(KVStoreServer.retryPort(65535, 0)).isEqualTo(65535);
    assertThat(KVStoreServer.retryPort(65535, 1)).isEqualTo(1024);
    assertThat(KVStoreServer.retryPort(65534, 3)).isEqualTo(1025);
    assertThat(KVStoreServer.retryPort(0, 5)).isZero();
  }

  @Test
  void badPortSettingsAreRefusedWhenBuilt() {
    assertThatThrownBy(() -> config(0).portRetries(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("portRetries")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> config(65536).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
  }
}
