package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The server's fault semantics (decision 0023): Errors on the state thread, round deadlines, one
 * push per rank and round, one connection per rank, idle connections and heartbeats. Every
 * deadline here is far below the clients' request timeout, so a failure that names its cause
 * (not "timed out") shows that the server, not the client's patience, ended the wait.
 */
@Timeout(60)
class ServerFaultTest {
  private static final byte[] SECRET = "fault-test-secret-0123456789abc".getBytes();
  private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(30);

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private KVStoreServer start(UnaryOperator<KVStoreServerConfig.Builder> settings) {
    server = KVStoreServer.start(settings.apply(KVStoreServerConfig.builder().numWorkers(2)
        .secret(SECRET).optimizerFactory(ServerFaultTest::optimizer)).build());
    return server;
  }

  /** test_sgd specs, and "out_of_memory", whose update throws as a full direct memory would. */
  private static Optimizer optimizer(String spec) {
    if (!spec.equals("out_of_memory")) {
      return TestSgd.parse(spec);
    }
    return new Optimizer() {
      @Override
      public void update(String key, NDArray weight, NDArray grad) {
        throw new OutOfMemoryError("Cannot reserve 4096 bytes of direct buffer memory (test)");
      }

      @Override
      public String spec() {
        return "out_of_memory";
      }
    };
  }

  private DistKVStore connect(int rank, UnaryOperator<KVStoreClientConfig.Builder> settings) {
    return KVStores.connect(settings.apply(KVStoreClientConfig.builder().host("127.0.0.1")
        .port(server.port()).secret(SECRET).rank(rank).numWorkers(2)
        .requestTimeout(CLIENT_PATIENCE)).build());
  }

  @Test
  void anErrorOnTheStateThreadFailsTheServerAndEveryRequestNamesIt() throws Exception {
    start(b -> b);
    AtomicReference<Throwable> heard = new AtomicReference<>();
    server.setFailureListener(heard::set);
    List<String> errors = Workers.run(2, rank -> {
      try (DistKVStore kv = connect(rank, b -> b)) {
        kv.init("w", NDArray.of(new float[] {1, 2}, Shape.of(2)));
        kv.setOptimizer(optimizer("out_of_memory"));
        NDArray out = NDArray.zeros(2);
        KVStoreException e = assertThrows(
            KVStoreException.class, () -> kv.pushPull("w",
                List.of(NDArray.of(new float[] {1, 1}, Shape.of(2))), List.of(out)));
        // the server stays failed: a later request gets the same cause at once
        KVStoreException later = assertThrows(
            KVStoreException.class, () -> kv.pull("w", out));
        assertThat(later.getMessage()).contains("OutOfMemoryError");
        return e.getMessage();
      }
    });
    for (String e : errors) {
      assertThat(e).contains("'w'").contains("OutOfMemoryError")
          .contains("direct buffer memory").doesNotContain("timed out");
    }
    assertThat(server.failure()).isInstanceOf(OutOfMemoryError.class);
    assertThat(heard.get()).isInstanceOf(KVStoreException.class)
        .hasMessageContaining("OutOfMemoryError").hasCauseInstanceOf(OutOfMemoryError.class);
    assertThatThrownBy(server::snapshot).hasMessageContaining("OutOfMemoryError");
  }

  @Test
  void aRoundWaitingForASilentWorkerFailsAfterTheRoundTimeoutNamingItAndTheKey()
      throws Exception {
    start(b -> b.roundTimeout(Duration.ofMillis(300)));
    try (DistKVStore kv = connect(0, b -> b); RawClient rank1 = new RawClient(server.port())) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv.init("w", NDArray.zeros(2)));
      rank1.initAndBarrier(SECRET, 1, "w", Shape.of(2));
      init.join();
      // rank 1 stays connected (and would heartbeat) but never pushes
      kv.push("w", NDArray.zeros(2));
      assertThatThrownBy(() -> kv.pull("w", NDArray.zeros(2)))
          .isInstanceOf(KVStoreException.class)
          .hasMessageContaining("sync round of key 'w'")
          .hasMessageContaining("rank 1 (connected, silent)")
          .hasMessageContaining("roundTimeout")
          .hasMessageNotContaining("timed out after");
      // the barrier has the same deadline
      assertThatThrownBy(kv::barrier).hasMessageContaining("the barrier waited")
          .hasMessageContaining("rank 1 (connected, silent)");
    }
  }

  /**
   * A key's deadline task stays armed across rounds (decision 0077): the one armed by round 1
   * fires while round 2 waits for rank 1, and must give round 2 what is left of its own time
   * rather than judge it by round 1's start.
   */
  @Test
  void aRoundStartedWhileAnEarlierRoundsDeadlineIsArmedGetsItsWholeRoundTimeout()
      throws Exception {
    // real time is this test's subject (a deadline); the margins are 0.5 s for the fault to show
    // and 1.5 s for a slow machine before round 2's own deadline
    start(b -> b.roundTimeout(Duration.ofSeconds(4)));
    List<float[]> pulled = Workers.run(2, rank -> {
      try (DistKVStore kv = connect(rank, b -> b)) {
        kv.init("w", NDArray.zeros(2));
        NDArray out = NDArray.zeros(2);
        // round 1 arms the key's deadline task for 4 s after its first push
        kv.pushPull("w", List.of(NDArray.of(new float[] {1, 1}, Shape.of(2))), List.of(out));
        // round 2 starts 2 s later; rank 1 joins it 2.5 s after that: after round 1's deadline
        // task fired (4 s), 1.5 s before round 2's own deadline (6 s)
        pause(rank == 0 ? 2000 : 4500);
        kv.pushPull("w", List.of(NDArray.of(new float[] {rank + 1, 10}, Shape.of(2))),
            List.of(out));
        return out.toFloatArray();
      }
    });
    // no optimizer: the round's sum becomes the value
    assertThat(pulled.get(0)).containsExactly(3, 20);
    assertThat(pulled.get(1)).containsExactly(3, 20);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aWorkerWaitingForTheDriversListenerIsBusyNotSilent() throws Exception {
    // rank 0 has one round timeout after the listener returns to push: 500 ms, so that a busy
    // machine's scheduling does not make it silent
    start(b -> b.roundTimeout(Duration.ofMillis(500)));
    // rank 0's message takes three round timeouts, as a checkpoint written at an epoch end would
    CountDownLatch inListener = new CountDownLatch(1);
    server.setMessageListener((rank, text) -> {
      inListener.countDown();
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<float[]> pulled = Workers.run(2, rank -> {
      try (DistKVStore kv = connect(rank, b -> b)) {
        kv.init("w", NDArray.of(new float[] {5, 5}, Shape.of(2)));
        NDArray out = NDArray.zeros(2);
        if (rank == 0) {
          kv.sendMessage("epoch 1 done");
        } else {
          awaitQuietly(inListener); // rank 1's round starts while rank 0 is in the listener
        }
        kv.pushPull("w", List.of(NDArray.of(new float[] {rank + 1, 1}, Shape.of(2))),
            List.of(out));
        return out.toFloatArray();
      }
    });
    assertThat(pulled.get(0)).containsExactly(3, 2);
    assertThat(pulled.get(1)).containsExactly(3, 2);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aRoundTakesOnePushPerRankAndARepeatIsRefused() throws Exception {
    start(b -> b);
    try (DistKVStore kv = connect(0, b -> b); RawClient rank1 = new RawClient(server.port())) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv.init("w", NDArray.of(new float[] {1, 2}, Shape.of(2))));
      rank1.initAndBarrier(SECRET, 1, "w", Shape.of(2));
      init.join();
      rank1.push(3, "w", 10, 20);
      rank1.push(4, "w", 10, 20); // would complete the round for silent rank 0
      assertThat(rank1.readReply()).startsWith("ERROR 4: ")
          .contains("sync round of key 'w' already holds a request of worker rank 1")
          .contains("rank 0 (connected, silent)");
      rank1.writeRequest(Protocol.BARRIER, 5, null);
      rank1.writeRequest(Protocol.BARRIER, 6, null);
      assertThat(rank1.readReply()).startsWith("ERROR 6: ")
          .contains("the barrier already holds a request of worker rank 1");
      // rank 0's push completes the round: the sum holds rank 1's gradient once
      NDArray out = NDArray.zeros(2);
      kv.pushPull("w", List.of(NDArray.of(new float[] {1, 1}, Shape.of(2))), List.of(out));
      assertThat(out.toFloatArray()).containsExactly(11, 21);
      assertThat(rank1.readReply()).isEqualTo("OK 3");
      kv.barrier();
      assertThat(rank1.readReply()).isEqualTo("OK 5");
    }
  }

  @Test
  void aRankHasOneLiveConnection() throws Exception {
    start(b -> b);
    DistKVStore first = connect(0, b -> b);
    assertThatThrownBy(() -> connect(0, b -> b.connectTimeout(Duration.ofMillis(500))))
        .isInstanceOf(KVStoreException.class)
        .hasMessageContaining("worker rank 0 is already connected")
        .hasMessageContaining("still refused after the connectTimeout");
    first.close(); // BYE gives the rank up at once
    try (DistKVStore again = connect(0, b -> b)) {
      assertThat(again.rank()).isZero();
    }
  }

  @Test
  void idleConnectionsAreClosedAndHeartbeatsKeepWorkersIn() throws Exception {
    // heartbeats every 50 ms against a 1 s idle timeout: a 20-fold margin, so that a loaded
    // machine's scheduling delays do not close the heartbeating worker
    start(b -> b.idleTimeout(Duration.ofMillis(1000)));
    UnaryOperator<KVStoreClientConfig.Builder> quickHeartbeats =
        b -> b.heartbeat(Duration.ofMillis(50), Duration.ofSeconds(10));
    try (DistKVStore kv = connect(0, quickHeartbeats)) {
      try (RawClient silent = new RawClient(server.port())) {
        silent.authenticate(SECRET, 1, 2);
        assertThat(silent.readFatal()).contains("idleTimeout").contains("half-open");
        assertThat(silent.closedByServer()).isTrue();
      }
      // three idle timeouts later the heartbeating worker is still in
      Thread.sleep(3000);
      try (DistKVStore kv1 = connect(1, quickHeartbeats)) {
        CompletableFuture<Void> init = CompletableFuture.runAsync(
            () -> kv.init("w", NDArray.of(new float[] {4}, Shape.of(1))));
        kv1.init("w", NDArray.zeros(1));
        init.join();
      }
      NDArray out = NDArray.zeros(1);
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(4);
    }
  }

  /** What a fake server does once it has logged the worker in. */
  @FunctionalInterface
  private interface AfterLogin {
    void serve(Socket s, DataInputStream in) throws IOException;
  }

  /**
   * Runs a fake server that logs one worker (rank 0 of 1) in properly, proof included, then
   * does {@code after}; {@code worker} gets a store connected to it.
   */
  private static void withFakeServer(AfterLogin after,
      UnaryOperator<KVStoreClientConfig.Builder> settings,
      Consumer<DistKVStore> worker) throws Exception {
    JobMac mac = new JobMac(SECRET);
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread fake = new Thread(() -> {
        try (Socket s = listener.accept()) {
          byte[] nonce = new byte[Protocol.NONCE_BYTES];
          ByteBuf c = Unpooled.buffer().writeIntLE(1 + 8 + Protocol.NONCE_BYTES)
              .writeByte(Protocol.CHALLENGE).writeIntLE(Protocol.MAGIC)
              .writeIntLE(Protocol.VERSION).writeBytes(nonce);
          s.getOutputStream().write(c.array(), 0, c.readableBytes());
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] len = new byte[4];
          in.readFully(len);
          byte[] auth = new byte[Unpooled.wrappedBuffer(len).readIntLE()];
          in.readFully(auth);
          byte[] clientNonce = new byte[Protocol.NONCE_BYTES];
          System.arraycopy(auth, auth.length - Protocol.NONCE_BYTES, clientNonce, 0,
              clientNonce.length);
          ByteBuf ok = Unpooled.buffer().writeIntLE(1 + 5 + Protocol.MAC_BYTES)
              .writeByte(Protocol.AUTH_OK).writeIntLE(1).writeByte(0)
              .writeBytes(mac.proof(clientNonce, 0));
          s.getOutputStream().write(ok.array(), 0, ok.readableBytes());
          after.serve(s, in);
        } catch (IOException e) {
          // the worker hung up: expected
        }
      });
      fake.start();
      DistKVStore kv = KVStores.connect(settings.apply(KVStoreClientConfig.builder()
          .host("127.0.0.1").port(listener.getLocalPort()).secret(SECRET).rank(0).numWorkers(1)
          .requestTimeout(CLIENT_PATIENCE)).build());
      try {
        worker.accept(kv);
      } finally {
        kv.close();
        fake.join();
      }
    }
  }

  @Test
  void aDeadServerIsNoticedThroughHeartbeats() throws Exception {
    withFakeServer((s, in) -> {
      while (in.read() >= 0) {
        // swallow heartbeats and requests without answering, as a hung driver would
      }
    }, b -> b.heartbeat(Duration.ofMillis(50), Duration.ofMillis(400)),
        kv -> assertThatThrownBy(kv::barrier)
            .isInstanceOf(KVStoreException.class)
            .hasMessageContaining("sent nothing for")
            .hasMessageContaining("heartbeatTimeout 400 ms")
            .hasMessageNotContaining("timed out after"));
  }

  @Test
  void theWorkerSizesItsReplyLimitFromItsKeys() throws Exception {
    withFakeServer((s, in) -> {
      // 100 MiB declared: far below the client's 1 GiB ceiling, far above its keys
      ByteBuf huge = Unpooled.buffer().writeIntLE(100 << 20).writeByte(Protocol.VALUE);
      s.getOutputStream().write(huge.array(), 0, huge.readableBytes());
      while (in.read() >= 0) {
        // wait for the worker to hang up
      }
    }, b -> b, kv -> assertThatThrownBy(kv::barrier)
        .isInstanceOf(KVStoreException.class)
        .hasMessageContaining("sent a frame of 104857600 bytes (limit 65536")
        .hasMessageContaining("largest key this worker registered has 0 bytes"));
  }
}
