package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The driver's controller login to a key server (decision 0040): admitted once with the job's
 * secret, not a worker, limited to reading, and its leaving is the server's end.
 */
@Timeout(60)
class KeyServerControllerTest {
  private static final byte[] SECRET = "controller-test-secret-0123456789".getBytes();

  private KVStoreServer server;
  private DistKVStore worker;

  /** A key server of one worker, which has stored "w". */
  @BeforeEach
  void start() {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET)
        .idleTimeout(Duration.ofSeconds(2)).build());
    worker = Workers.connect(server, SECRET, 0, 1);
    worker.init("w", NDArray.of(new float[] {1, 2, 3}, Shape.of(3)));
  }

  @AfterEach
  void stop() {
    worker.close();
    server.close();
  }

  private KeyServerController connect() {
    return KeyServerController.connect(List.of(ServerAddress.of(server)), 100, "dist_sync",
        SECRET, 1);
  }

  /** What the worker pulls of "w". */
  private float[] pulledW() {
    NDArray out = NDArray.zeros(3);
    worker.pull("w", out);
    return out.toFloatArray();
  }

  @Test
  void theControllerReadsValuesAndStatesWithoutTakingPartInRounds() {
    // the worker's login is no controller's: a hosted server's login deadline still runs
    assertThat(server.controllerJoined().toCompletableFuture()).isNotDone();
    try (KeyServerController controller = connect()) {
      assertThat(server.controllerJoined().toCompletableFuture()).isDone();
      Map<String, NDArray> values = controller.values(Map.of("w", Shape.of(3)));
      assertThat(values.get("w").toFloatArray()).containsExactly(1, 2, 3);
      values.values().forEach(NDArray::close);
      // no optimizer yet: the server answers that it has no states
      assertThat(assertThrows(IllegalArgumentException.class,
          () -> controller.optimizerStates(Map.of("w", Shape.of(3)))))
          .hasMessageContaining("key server 0 of 1 has no optimizer states");
      // W = 1 with the controller logged in: the worker's rounds and barriers need it alone
      worker.push("w", NDArray.of(new float[] {4, 5, 6}, Shape.of(3)));
      worker.barrier();
      assertThat(pulledW()).containsExactly(4, 5, 6);
      assertThat(server.controllerLeft().toCompletableFuture()).isNotDone();
    }
    // leaving is no departure of a worker: the worker's next round completes
    worker.push("w", NDArray.of(new float[] {1, 2, 3}, Shape.of(3)));
    assertThat(pulledW()).containsExactly(1, 2, 3);
  }

  @Test
  void theControllerReadsTheWorkersTrafficButItsOwnPullsAreNotCounted() {
    worker.push("w", NDArray.of(new float[] {4, 5, 6}, Shape.of(3)));
    pulledW();
    try (KeyServerController controller = connect()) {
      TrafficSnapshot before = server.traffic();
      controller.values(Map.of("w", Shape.of(3))).values().forEach(NDArray::close);
      TrafficSnapshot read = controller.traffic();
      assertThat(read.perKey()).isEqualTo(before.perKey()).isEqualTo(server.traffic().perKey());
      // W = 1: the init's value, one push of 12 bytes and one pull of 12
      assertThat(read.perKey().get("w").pushed()).isEqualTo(12);
      assertThat(read.perKey().get("w").pulled()).isEqualTo(12);
      assertThat(read.queue().requests()).isPositive();
      assertThat(read.bytesReceived()).isPositive();
    }
  }

  @Test
  void byeOrALostConnectionOrSilenceTellsTheServerTheControllerLeft() throws Exception {
    connect().close();
    server.controllerLeft().toCompletableFuture().get(30, TimeUnit.SECONDS);

    try (KVStoreServer other = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET).idleTimeout(Duration.ofMillis(500)).build());
        RawClient raw = new RawClient(other.port())) {
      raw.authenticate(SECRET, Protocol.CONTROLLER_RANK, 1);
      // no heartbeat: closed after idleTimeout, and the server hears the controller left
      assertThat(raw.readFatal()).contains("idleTimeout");
      other.controllerLeft().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Decision 0055: the driver hears at once that a key server is gone (its process ends and
   * the socket closes), with the server's index and address, and not when it leaves itself.
   */
  @Test
  void aKeyServerThatDiesIsReportedLostNamingItButLeavingIsNoLoss() throws Exception {
    KVStoreServer second = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET).build());
    List<ServerAddress> both = List.of(ServerAddress.of(server), ServerAddress.of(second));
    CompletableFuture<String> lost = new CompletableFuture<>();
    try (KeyServerController controller = KeyServerController.connect(both, 100, "dist_sync",
        SECRET, 1)) {
      controller.onServerLost((index, address, cause) -> lost.complete(index + " " + address
          + " " + cause.getMessage()));
      second.close();
      assertThat(lost.get(30, TimeUnit.SECONDS)).startsWith("1 " + ServerAddress.of(second)
          + " ").contains("kvstore server " + ServerAddress.of(second));
    } finally {
      second.close();
    }

    CompletableFuture<String> left = new CompletableFuture<>();
    KeyServerController controller = connectAgain();
    controller.onServerLost((index, address, cause) -> left.complete(address));
    controller.close();
    server.controllerLeft().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(left).isNotDone();
  }

  /** A controller for a fresh server (each server admits one), holding "w" too. */
  private KeyServerController connectAgain() {
    server.close();
    worker.close();
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET)
        .build());
    worker = Workers.connect(server, SECRET, 0, 1);
    return connect();
  }

  @Test
  void aServerAdmitsOneControllerInItsLife() throws Exception {
    try (KeyServerController first = connect()) {
      assertThat(assertThrows(KVStoreAuthenticationException.class, this::connect))
          .hasMessageContaining("already admitted its one controller login");
    }
    // nor after the first one left: nobody else takes over the server's end or its states
    try (RawClient raw = new RawClient(server.port())) {
      assertThat(raw.refusedLogin(SECRET, Protocol.CONTROLLER_RANK, 1))
          .contains("already admitted its one controller login");
    }
    assertThat(pulledW()).containsExactly(1, 2, 3);
  }

  @Test
  void aControllerWithAnotherSecretIsRefused() {
    assertThat(assertThrows(KVStoreAuthenticationException.class,
        () -> KeyServerController.connect(List.of(ServerAddress.of(server)), 100, "dist_sync",
            "another-jobs-secret-0123456789ab".getBytes(), 1)))
        .hasMessageContaining("does not match this server's per-job secret");
    assertThat(server.controllerLeft().toCompletableFuture()).isNotDone();
  }

  @Test
  void aControllerThatWritesOrAWorkerThatAsksForStatesIsClosed() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.authenticate(SECRET, Protocol.CONTROLLER_RANK, 1);
      raw.push(1, "w", 9, 9, 9);
      assertThat(raw.readFatal()).contains("controller may send only PULL, STATES, LISTENER, TRAFFIC, BYE")
          .contains("not PUSH");
    }
    server.controllerLeft().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // rank 0 of the server above is the test's worker: a worker's STATES on a server of its own
    try (KVStoreServer other = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET).build());
        RawClient raw = new RawClient(other.port())) {
      raw.authenticate(SECRET, 0, 1);
      raw.writeRequest(Protocol.STATES, 1, null);
      assertThat(raw.readFatal()).contains("STATES is the driver's controller's request");
    }
    try (KVStoreServer other = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET).build());
        RawClient raw = new RawClient(other.port())) {
      raw.authenticate(SECRET, 0, 1);
      raw.writeFrame(Unpooled.buffer().writeByte(Protocol.LISTENER).writeLongLE(1).writeIntLE(0)
          .writeByte(1));
      assertThat(raw.readFatal()).contains("LISTENER is the driver's controller's request");
    }
    try (KVStoreServer other = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET).build());
        RawClient raw = new RawClient(other.port())) {
      raw.authenticate(SECRET, 0, 1);
      raw.writeRequest(Protocol.TRAFFIC, 1, null);
      assertThat(raw.readFatal()).contains("TRAFFIC is the driver's controller's request");
    }
    assertThat(pulledW()).as("the controller's push was not applied").containsExactly(1, 2, 3);
  }

  /**
   * Decision 0040's gap: a key server does not see rank 0's epoch-end message, so the driver's
   * checkpoint tells it, and a checkpoint longer than roundTimeout does not fail the round.
   */
  @Test
  void aRankTheControllerMarksInsideTheListenerIsBusyNotSilent() throws Exception {
    try (KVStoreServer keys = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2)
            .secret(SECRET).roundTimeout(Duration.ofMillis(200)).build());
        DistKVStore rank0 = Workers.connect(keys, SECRET, 0, 2);
        DistKVStore rank1 = Workers.connect(keys, SECRET, 1, 2);
        KeyServerController controller = KeyServerController.connect(
            List.of(ServerAddress.of(keys)), 100, "dist_sync", SECRET, 2)) {
      CompletableFuture<Void> init0 = CompletableFuture.runAsync(
          () -> rank0.init("k", NDArray.zeros(2)));
      rank1.init("k", NDArray.zeros(2));
      init0.join();
      AtomicReference<CompletableFuture<Void>> push1 = new AtomicReference<>();
      controller.whileInListener(0, () -> {
        // rank 1 pushes while rank 0 is in the driver's checkpoint for 5 round timeouts
        push1.set(CompletableFuture.runAsync(
            () -> rank1.push("k", NDArray.of(new float[] {1, 2}, Shape.of(2)))));
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      rank0.push("k", NDArray.of(new float[] {3, 4}, Shape.of(2)));
      push1.get().get(30, TimeUnit.SECONDS); // would have failed: "waited 200 ms ... silent"
      NDArray out = NDArray.zeros(2);
      rank1.pull("k", out);
      assertThat(out.toFloatArray()).containsExactly(4, 6);
      assertThat(assertThrows(KVStoreException.class,
          () -> controller.whileInListener(2, () -> { })))
          .hasMessageContaining("LISTENER: rank 2 is outside [0, 2)");
    }
  }

  /**
   * A peer that proves the secret but answers STATES with a presence flag other than 0 or 1: the
   * controller fails the call naming the server, rather than reading the bytes as a file.
   */
  @Test
  void aMalformedStatesReplyFailsTheCallNamingTheServer() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        try (Socket s = fake.accept()) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          ByteBuf c = Unpooled.buffer().writeIntLE(1 + 8 + Protocol.NONCE_BYTES)
              .writeByte(Protocol.CHALLENGE).writeIntLE(Protocol.MAGIC)
              .writeIntLE(Protocol.VERSION).writeZero(Protocol.NONCE_BYTES);
          s.getOutputStream().write(c.array(), 0, c.readableBytes());
          ByteBuf auth = Unpooled.wrappedBuffer(readBody(in));
          byte[] clientNonce = new byte[Protocol.NONCE_BYTES];
          auth.getBytes(1 + 4 * 4 + 1 + Protocol.MAC_BYTES, clientNonce);
          ByteBuf ok = Unpooled.buffer().writeIntLE(1 + 5 + Protocol.MAC_BYTES)
              .writeByte(Protocol.AUTH_OK).writeIntLE(1).writeByte(0)
              .writeBytes(new JobMac(SECRET).proof(clientNonce, Protocol.CONTROLLER_RANK));
          s.getOutputStream().write(ok.array(), 0, ok.readableBytes());
          long id = Unpooled.wrappedBuffer(readBody(in)).skipBytes(1).readLongLE();
          ByteBuf bad = Unpooled.buffer().writeIntLE(1 + 8 + 1 + 3)
              .writeByte(Protocol.STATE_BYTES).writeLongLE(id).writeByte(7).writeZero(3);
          s.getOutputStream().write(bad.array(), 0, bad.readableBytes());
          in.read(); // until the controller closes
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      ServerAddress address = new ServerAddress("127.0.0.1", fake.getLocalPort());
      try (KeyServerController controller = KeyServerController.connect(List.of(address), 100,
          "dist_sync", SECRET, 1)) {
        assertThat(assertThrows(KVStoreException.class,
            () -> controller.optimizerStates(Map.of("w", Shape.of(3)))))
            .hasMessageContaining(address.toString())
            .hasMessageContaining("presence flag 7 is neither 0 nor 1");
      }
      peer.get(30, TimeUnit.SECONDS);
    }
  }

  private static byte[] readBody(DataInputStream in) throws IOException {
    byte[] len = new byte[4];
    in.readFully(len);
    byte[] body = new byte[Unpooled.wrappedBuffer(len).readIntLE()];
    in.readFully(body);
    return body;
  }

  @Test
  void aControllerConfigNeedsKeyServers() {
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> KeyServerController.connect(List.of(), 100, "dist_sync", SECRET, 1)))
        .hasMessageContaining("the driver's controller needs the key servers");
  }

  /** A STATES frame with trailing bytes is malformed: FATAL, and only that connection closes. */
  @Test
  void aMalformedStatesFrameClosesTheControllersConnection() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.authenticate(SECRET, Protocol.CONTROLLER_RANK, 1);
      ByteBuf f = Unpooled.buffer().writeByte(Protocol.STATES).writeLongLE(1).writeByte(7);
      raw.writeFrame(f);
      assertThat(raw.readFatal()).contains("STATES frame has 1 unexpected trailing bytes");
    }
    assertThat(pulledW()).containsExactly(1, 2, 3);
  }
}
