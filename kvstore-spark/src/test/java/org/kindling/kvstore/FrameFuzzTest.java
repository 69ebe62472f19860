package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.SocketException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

/**
 * Seeded fuzzing of the server's decoder: random, truncated, oversized and mangled frames, sent
 * before or after authentication, each on its own connection, never crash the server or disturb
 * the legitimate worker; each such connection ends (closed by the server at the bad frame or at
 * the end of its stream). Pushes of the key "streamed" are summed while they arrive ({@link
 * PushReceiver}), so cutting them off anywhere exercises that path. The server runs with the
 * default limits.
 */
@Timeout(120)
class FrameFuzzTest {
  private static final byte[] SECRET = "fuzz-test-secret-0123456789abcdef".getBytes();
  private static final byte[] REQUEST_TYPES = {Protocol.INIT, Protocol.PUSH, Protocol.PULL,
      Protocol.PUSHPULL, Protocol.SET_OPTIMIZER, Protocol.BARRIER, Protocol.MESSAGE,
      Protocol.BYE, Protocol.HEARTBEAT, Protocol.STATES, Protocol.AUTH, (byte) 0x7f};

  /** A key big enough for its pushes to be summed as they arrive. */
  private static final int BIG = 2 * RoundSum.STRIPE_FLOATS + 77;

  private KVStoreServer server;
  private DistKVStore worker;

  private static float[] bigValue() {
    float[] v = new float[BIG];
    for (int i = 0; i < BIG; i++) {
      v[i] = i;
    }
    return v;
  }

  /** Rank 0 of 2 is the legitimate worker; the fuzzer logs in as rank 1. */
  @BeforeEach
  void start() throws Exception {
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
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

  /** What one fuzz connection sends, after logging in or not. */
  record Attack(String kind, boolean authenticated, byte[] bytes) {
    @Override
    public String toString() {
      return kind + (authenticated ? " after login: " : " before login: ")
          + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
          + (bytes.length > 64 ? "... (" + bytes.length + " bytes)" : "");
    }
  }

  private static Attack generate(Random r) {
    boolean login = r.nextInt(4) != 0;
    int kind = r.nextInt(6);
    ByteBuf b = Unpooled.buffer();
    switch (kind) {
      case 0 -> { // noise
        byte[] noise = new byte[r.nextInt(300)];
        r.nextBytes(noise);
        b.writeBytes(noise);
      }
      case 1 -> { // a frame of a random type with a random body, maybe cut short
        byte[] body = new byte[r.nextInt(200)];
        r.nextBytes(body);
        int declared = 1 + body.length + (r.nextBoolean() ? 0 : r.nextInt(100));
        b.writeIntLE(declared).writeByte(REQUEST_TYPES[r.nextInt(REQUEST_TYPES.length)])
            .writeBytes(body);
      }
      case 2 -> // a declared length far beyond any limit
          b.writeIntLE(1 << 20 + r.nextInt(12)).writeByte(Protocol.PUSH)
              .writeLongLE(r.nextLong());
      case 3 -> { // a PUSH of the real key with a mangled array header or data
        ByteBuf f = Unpooled.buffer();
        f.writeByte(r.nextBoolean() ? Protocol.PUSH : Protocol.PUSHPULL).writeLongLE(9);
        Protocol.writeString(f, "w");
        f.writeByte(r.nextInt(3)).writeByte(r.nextInt(40));
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
          f.writeIntLE(r.nextBoolean() ? r.nextInt(5) : r.nextInt());
        }
        for (int i = 0, n = r.nextInt(6); i < n; i++) {
          f.writeFloatLE(r.nextFloat());
        }
        b.writeIntLE(f.readableBytes()).writeBytes(f);
      }
      case 5 -> { // a PUSH of "streamed" (maybe of another shape), cut off anywhere
        ByteBuf f = Unpooled.buffer();
        f.writeByte(r.nextBoolean() ? Protocol.PUSH : Protocol.PUSHPULL).writeLongLE(9);
        Protocol.writeString(f, "streamed");
        int n = r.nextInt(4) == 0 ? BIG - 1 : BIG;
        Protocol.writeArrayHeader(f, Shape.of(n));
        int sent = r.nextInt(4) == 0 ? n : r.nextInt(n);
        for (int i = 0; i < sent; i++) {
          f.writeFloatLE(r.nextFloat());
        }
        b.writeIntLE(f.readableBytes() + 4 * (n - sent)).writeBytes(f, f.readableBytes()
            - (r.nextBoolean() ? 0 : r.nextInt(4)));
      }
      default -> { // a well-formed frame, then a zero length
        b.writeIntLE(9).writeByte(Protocol.HEARTBEAT).writeLongLE(r.nextLong()).writeIntLE(0);
      }
    }
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    return new Attack(new String[] {"noise", "random frame", "oversized", "mangled push",
        "zero length", "cut-off streamed push"}[kind], login, bytes);
  }

  @Test
  void noFrameCrashesTheServerOrDisturbsAnotherConnection() throws Exception {
    // rank 1 logs in again before rank 0's init sends its barrier, which would fail at once
    // while rank 1 counts as departed (its connection of start() closed, no new one yet)
    try (RawClient rank1 = RawClient.loginWhenFree(server.port(), SECRET, 1, 2)) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> worker.init("streamed", NDArray.of(bigValue(), Shape.of(BIG))));
      rank1.initAndBarrier("streamed", Shape.of(BIG));
      init.join();
    }
    SeededProperty.check(60, FrameFuzzTest::generate, attack -> {
      // the last attack's rank 1 may not be released yet: its close is the server's to see
      try (RawClient raw = attack.authenticated()
          ? RawClient.loginWhenFree(server.port(), SECRET, 1, 2) : new RawClient(server.port())) {
        if (!attack.authenticated()) {
          raw.readChallenge();
        }
        try {
          raw.writeRaw(Unpooled.wrappedBuffer(attack.bytes()));
          raw.shutdownOutput();
        } catch (SocketException e) {
          // the server closed at the bad frame while the rest was still being written
        }
        assertThat(raw.closedByServer()).isTrue();
      }
      NDArray out = NDArray.zeros(3);
      worker.pull("w", out);
      assertThat(out.toFloatArray()).as("the legitimate worker's pull").containsExactly(1, 2, 3);
      NDArray big = NDArray.zeros(BIG);
      worker.pull("streamed", big);
      assertThat(Arrays.equals(big.toFloatArray(), bigValue()))
          .as("\"streamed\" is unchanged (no round of it completed)").isTrue();
    });
  }

  /**
   * The driver's controller login (one per server, so each attack gets a key server of its own,
   * whose worker has stored "w"): whatever it sends closes only its connection, ends the
   * server's controller (the host would close it), and leaves the worker's value as it was.
   */
  @Test
  void noFrameOfTheControllerCrashesAKeyServerOrChangesItsValues() throws Exception {
    SeededProperty.check(30, r -> {
      Attack a = generate(r);
      return new Attack(a.kind(), true, a.bytes());
    }, attack -> {
      try (KVStoreServer keys = KVStoreServer.start(
              KVStoreServerConfig.builder().numWorkers(1).secret(SECRET).build());
          DistKVStore kv = Workers.connect(keys, SECRET, 0, 1)) {
        kv.init("w", NDArray.of(new float[] {1, 2, 3}, Shape.of(3)));
        try (RawClient raw = new RawClient(keys.port())) {
          raw.authenticate(SECRET, Protocol.CONTROLLER_RANK, 1);
          try {
            raw.writeRaw(Unpooled.wrappedBuffer(attack.bytes()));
            raw.shutdownOutput();
          } catch (SocketException e) {
            // the server closed at the bad frame while the rest was still being written
          }
          assertThat(raw.closedByServer()).isTrue();
        }
        keys.controllerLeft().toCompletableFuture().get(30, TimeUnit.SECONDS);
        NDArray out = NDArray.zeros(3);
        kv.pull("w", out);
        assertThat(out.toFloatArray()).as("the worker's pull").containsExactly(1, 2, 3);
      }
    });
  }

  @Test
  void theFrameLimitFollowsTheLargestRegisteredKeyNotTheCeiling() throws Exception {
    int fits = FrameLimits.HEADER_BYTES + 12;
    // rank 1 once the server has released the connection of start()'s rank 1
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      // 64 MiB declared: far below the 1 GiB ceiling, far above the 12-byte key "w"
      raw.writeRaw(Unpooled.buffer().writeIntLE(64 << 20).writeByte(Protocol.PUSH));
      assertThat(raw.readFatal()).contains("frame declares 67108864 bytes")
          .contains("PUSH frames must be 1.." + fits + " bytes")
          .contains("largest registered key has 12 bytes");
    }
    // registering a bigger key (an INIT without data) raises the limit for its value
    try (RawClient raw = RawClient.loggedIn(server.port(), SECRET, 1, 2)) {
      ByteBuf init = Unpooled.buffer().writeByte(Protocol.INIT).writeLongLE(1);
      Protocol.writeString(init, "big");
      init.writeByte(0);
      Protocol.writeArrayHeader(init, Shape.of(1 << 16));
      raw.writeFrame(init);
      assertThat(raw.readReply()).isEqualTo("OK 1");
      float[] values = new float[1 << 16];
      Arrays.fill(values, 1);
      ByteBuf withData = Unpooled.buffer().writeByte(Protocol.INIT).writeLongLE(2);
      Protocol.writeString(withData, "big");
      withData.writeByte(Protocol.INIT_HAS_DATA);
      Protocol.writeArrayHeader(withData, Shape.of(1 << 16));
      for (float v : values) {
        withData.writeFloatLE(v);
      }
      raw.writeFrame(withData);
      assertThat(raw.readReply()).isEqualTo("OK 2");
    }
  }
}
