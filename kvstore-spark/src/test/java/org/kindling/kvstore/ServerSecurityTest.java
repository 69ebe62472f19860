package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

@Timeout(60)
class ServerSecurityTest {
  private static final byte[] SECRET = "job-secret-0123456789abcdef".getBytes();
  private static final int MAX_FRAME = 4096;

  private KVStoreServer server;
  private DistKVStore worker;

  /**
   * Worker rank 0 of 2 is the legitimate one; rank 1 initializes by hand and leaves, so that the
   * attackers below can log in as rank 1 once the server has released it ({@link RawClient#loggedIn}:
   * a rank has one live connection, released after its close).
   */
  @BeforeEach
  void start() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2).secret(SECRET)
        // long enough for a loaded CI machine to authenticate; the silent-peer test waits it out
        .maxFrameBytes(MAX_FRAME).authTimeout(Duration.ofMillis(3000))
        .optimizerFactory(TestSgd::parse).build());
    worker = Workers.connect(server, SECRET, 0, 2);
    CompletableFuture<Void> init = CompletableFuture.runAsync(
        () -> worker.init("w", NDArray.of(new float[] {1, 2, 3}, Shape.of(3))));
    try (RawClient rank1 = new RawClient(server.port())) {
      rank1.initAndBarrier(SECRET, 1, "w", Shape.of(3));
    }
    init.join();
  }

  @AfterEach
  void stop() {
    worker.close();
    server.close();
  }

  /** The legitimate worker still gets correct answers. */
  private void assertWorkerStillServed() {
    NDArray out = NDArray.zeros(3);
    worker.pull("w", out);
    assertThat(out.toFloatArray()).containsExactly(1, 2, 3);
  }

  @Test
  void wrongSecretIsRefusedWithAnAuthenticationError() {
    byte[] wrong = "some-other-jobs-secret-000000000".getBytes();
    assertThatThrownBy(() -> KVStores.connect("dist_sync", "127.0.0.1", server.port(), wrong, 1,
        2))
        .isInstanceOf(KVStoreAuthenticationException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageContaining("secret")
        .hasMessageContaining("127.0.0.1:" + server.port());
    assertWorkerStillServed();
  }

  @Test
  void wrongWorkerCountOrModeIsRefused() {
    assertThatThrownBy(() -> KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, 0,
        1))
        .isInstanceOf(KVStoreAuthenticationException.class)
        .hasMessageContaining("numWorkers=1").hasMessageContaining("2 worker(s)");
    assertThatThrownBy(() -> KVStores.connect("dist_async", "127.0.0.1", server.port(), SECRET,
        1, 2))
        .isInstanceOf(KVStoreAuthenticationException.class)
        .hasMessageContaining("dist_async").hasMessageContaining("dist_sync");
    assertWorkerStillServed();
  }

  @Test
  void nothingIsAcceptedBeforeAuthentication() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.readChallenge();
      ByteBuf pull = Unpooled.buffer();
      pull.writeByte(Protocol.PULL);
      pull.writeLongLE(1);
      Protocol.writeString(pull, "w");
      raw.writeFrame(pull);
      assertThat(raw.readFatal()).contains("expected AUTH");
      assertThat(raw.closedByServer()).isTrue();
    }
    assertWorkerStillServed();
  }

  @Test
  void silentPeerIsDisconnectedAfterTheAuthTimeout() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.readChallenge();
      assertThat(raw.readFatal()).contains("authentication failed").contains("3000 ms");
      assertThat(raw.closedByServer()).isTrue();
    }
    assertWorkerStillServed();
  }

  @Test
  void oversizedDeclaredFrameIsRejectedBeforeAndAfterAuthentication() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.readChallenge();
      raw.writeRaw(Unpooled.buffer().writeIntLE(Integer.MAX_VALUE));
      assertThat(raw.readFatal()).contains("frame declares 2147483647 bytes")
          .contains("before authentication");
      assertThat(raw.closedByServer()).isTrue();
    }
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      // 1 MiB declared, only a few bytes sent: rejected from the length alone
      raw.writeRaw(Unpooled.buffer().writeIntLE(1 << 20).writeByte(Protocol.PUSH));
      assertThat(raw.readFatal()).contains("frame declares 1048576 bytes")
          .contains("largest registered key has 12 bytes").contains("maxFrameBytes");
      assertThat(raw.closedByServer()).isTrue();
    }
    assertWorkerStillServed();
  }

  @Test
  void garbageFramesCloseOnlyTheirConnection() throws Exception {
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      raw.writeFrame(Unpooled.wrappedBuffer(new byte[] {0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
      assertThat(raw.readFatal()).contains("malformed frame").contains("0x7f");
      assertThat(raw.closedByServer()).isTrue();
    }
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      ByteBuf push = Unpooled.buffer();
      push.writeByte(Protocol.PUSH);
      push.writeLongLE(1);
      push.writeIntLE(1_000_000_000); // key length far beyond the frame
      raw.writeFrame(push);
      assertThat(raw.readFatal()).contains("key is 1000000000 bytes");
      assertThat(raw.closedByServer()).isTrue();
    }
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      ByteBuf push = Unpooled.buffer();
      push.writeByte(Protocol.PUSH);
      push.writeLongLE(1);
      Protocol.writeString(push, "w");
      Protocol.writeArrayHeader(push, Shape.of(3));
      push.writeFloatLE(1).writeFloatLE(2); // one float short
      raw.writeFrame(push);
      assertThat(raw.readFatal()).contains("needs 12 data bytes but 8 remain");
      assertThat(raw.closedByServer()).isTrue();
    }
    try (RawClient raw = new RawClient(server.port())) {
      raw.readChallenge();
      raw.writeRaw(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
      assertThat(raw.readFatal()).contains("frame declares");
      assertThat(raw.closedByServer()).isTrue();
    }
    assertWorkerStillServed();
  }

  /** A PUSH_2BIT frame for key w (3 elements: one word of codes) with the given fields. */
  private static ByteBuf push2bit(float threshold, int codeBytes) {
    ByteBuf push = Unpooled.buffer();
    push.writeByte(Protocol.PUSH_2BIT);
    push.writeLongLE(1);
    Protocol.writeString(push, "w");
    push.writeFloatLE(threshold);
    Protocol.writeArrayHeader(push, Shape.of(3));
    push.writeZero(codeBytes);
    return push;
  }

  @Test
  void malformedTwoBitPushesCloseOnlyTheirConnection() throws Exception {
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      raw.writeFrame(push2bit(0.5f, 3)); // 3 elements need a whole word
      assertThat(raw.readFatal()).contains("PUSH_2BIT frame: shape (3,) needs 4 bytes of 2-bit"
          + " codes but 3 remain");
      assertThat(raw.closedByServer()).isTrue();
    }
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      raw.writeFrame(push2bit(Float.NaN, 4));
      assertThat(raw.readFatal()).contains("threshold NaN is not a finite number > 0");
      assertThat(raw.closedByServer()).isTrue();
    }
    assertWorkerStillServed();
  }

  /** What a fake server does with the one connection it accepts. */
  @FunctionalInterface
  private interface FakeServer {
    void serve(Socket s) throws IOException;
  }

  /**
   * Runs {@code fake} on a loopback port and checks that a worker connecting there fails with
   * {@code type} and a message containing {@code message}.
   */
  private static void assertConnectFails(FakeServer fake, Class<? extends Throwable> type,
      String message) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = listener.accept()) {
          fake.serve(s);
          s.getOutputStream().flush();
          s.getInputStream().read();
        } catch (IOException e) {
          // the client hung up: expected
        }
      });
      t.start();
      assertThatThrownBy(() -> KVStores.connect("dist_sync", "127.0.0.1",
          listener.getLocalPort(), SECRET, 0, 1))
          .isInstanceOf(type)
          .hasMessageContaining(message);
      t.join();
    }
  }

  @Test
  void clientRefusesAServerThatIsNotAKvstore() throws Exception {
    assertConnectFails(
        s -> s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes()),
        KVStoreException.class, "KVStoreServer's port");
  }

  @Test
  void clientRefusesAServerThatCannotProveTheSecret() throws Exception {
    assertConnectFails(s -> {
      DataInputStream in = new DataInputStream(s.getInputStream());
      ByteBuf c = Unpooled.buffer();
      c.writeIntLE(1 + 8 + Protocol.NONCE_BYTES).writeByte(Protocol.CHALLENGE)
          .writeIntLE(Protocol.MAGIC).writeIntLE(Protocol.VERSION)
          .writeZero(Protocol.NONCE_BYTES);
      s.getOutputStream().write(c.array(), 0, c.readableBytes());
      byte[] len = new byte[4];
      in.readFully(len);
      in.readFully(new byte[Unpooled.wrappedBuffer(len).readIntLE()]);
      ByteBuf ok = Unpooled.buffer();
      ok.writeIntLE(1 + 5 + Protocol.MAC_BYTES).writeByte(Protocol.AUTH_OK).writeIntLE(1)
          .writeByte(0).writeZero(Protocol.MAC_BYTES); // a proof made without the secret
      s.getOutputStream().write(ok.array(), 0, ok.readableBytes());
    }, KVStoreAuthenticationException.class, "could not prove it knows the job's secret");
  }

  @Test
  void configsRejectBadValues() {
    assertThatThrownBy(() -> KVStoreServerConfig.builder().numWorkers(2)
        .secret(new byte[8]).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> KVStoreServerConfig.builder().secret(new byte[16]).build())
        .hasMessageContaining("numWorkers");
    assertThatThrownBy(() -> KVStoreClientConfig.builder().host("h").port(1).secret(SECRET)
        .numWorkers(2).rank(2).build())
        .hasMessageContaining("rank must be in [0, 2)");
    assertThat(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET).build().toString())
        .doesNotContain(new String(SECRET));
    assertThat(KVStoreServerConfig.randomSecret()).hasSize(32);
  }
}
