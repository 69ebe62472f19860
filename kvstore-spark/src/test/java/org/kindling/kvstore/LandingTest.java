package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.Shape;

/**
 * A VALUE reply read by the connection straight into the memory its request names ({@link
 * Landing}), against a real server: only a float32 value of the landing's size lands, only in
 * its range, never after the request was given up; the timeout of a request with a landing
 * still fires.
 */
@Timeout(60)
class LandingTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();
  private static final float[] VALUE = {1, 2, 3, 4};

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private ClientConnection connect(int workers, Duration requestTimeout) {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(workers)
        .secret(SECRET).build());
    return ClientConnection.open(KVStoreClientConfig.builder().host("127.0.0.1")
        .port(server.port()).secret(SECRET).rank(0).numWorkers(workers)
        .requestTimeout(requestTimeout).build());
  }

  /** INITs key {@code w} with {@link #VALUE} (the server's single worker is this one). */
  private static void initW(ClientConnection c) {
    Shape shape = Shape.of(VALUE.length);
    c.expectKey(shape);
    ByteBuffer data = ByteBuffer.allocate(4 * VALUE.length).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(VALUE);
    c.call(Protocol.INIT, h -> {
      Protocol.writeString(h, "w");
      h.writeByte(Protocol.INIT_HAS_DATA);
      Protocol.writeArrayHeader(h, shape);
    }, data, "INIT");
  }

  private static Reply pull(ClientConnection c, Landing landing) {
    return c.await(c.send(Protocol.PULL, h -> Protocol.writeString(h, "w"), null, "PULL",
        landing), "PULL");
  }

  private static float[] floats(ByteBuffer b) {
    float[] out = new float[b.remaining() / 4];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** Six floats of zeros; the value may land in floats 2..5. */
  private static ByteBuffer memory() {
    return ByteBuffer.allocateDirect(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void aValueOfTheLandingsSizeIsReadIntoItsRangeAndNowhereElse() {
    try (ClientConnection c = connect(1, Duration.ofSeconds(30))) {
      initW(c);
      ByteBuffer memory = memory();
      Landing landing = new Landing(memory.slice(8, 16));
      Reply r = pull(c, landing);
      assertThat(landing.holds(r.data())).as("the reply's data is the landing").isTrue();
      assertThat(floats(memory)).containsExactly(0, 0, 1, 2, 3, 4);
      assertThat(floats(r.data())).containsExactly(VALUE);
    }
  }

  @Test
  void aValueOfAnotherSizeGetsABufferOfItsOwn() {
    try (ClientConnection c = connect(1, Duration.ofSeconds(30))) {
      initW(c);
      ByteBuffer memory = memory();
      Landing landing = new Landing(memory.slice(0, 12)); // three floats: not the value's size
      Reply r = pull(c, landing);
      assertThat(landing.holds(r.data())).isFalse();
      assertThat(floats(r.data())).containsExactly(VALUE);
      assertThat(floats(memory)).containsOnly(0f);
      // the connection is still in step: the next reply lands
      Landing right = new Landing(memory.slice(8, 16));
      assertThat(right.holds(pull(c, right).data())).isTrue();
      assertThat(floats(memory)).containsExactly(0, 0, 1, 2, 3, 4);
    }
  }

  @Test
  void anAbandonedLandingIsNeverWritten() {
    try (ClientConnection c = connect(1, Duration.ofSeconds(30))) {
      initW(c);
      ByteBuffer memory = memory();
      Landing landing = new Landing(memory.slice(8, 16));
      assertThat(landing.abandon()).isTrue();
      Reply r = pull(c, landing);
      assertThat(landing.holds(r.data())).isFalse();
      assertThat(floats(r.data())).containsExactly(VALUE);
      assertThat(floats(memory)).containsOnly(0f);
      assertThat(landing.take()).as("the reader can no longer take it").isNull();
    }
  }

  /**
   * A request that is never answered (a barrier of 2 workers that only this one reaches) times
   * out through the connection's sweep; its landing is abandoned by then, so a reply arriving
   * later could not write it.
   */
  @Test
  void aRequestWithALandingTimesOutAndItsLandingIsAbandoned() throws Exception {
    try (ClientConnection c = connect(2, Duration.ofMillis(300))) {
      Landing landing = new Landing(memory().slice(8, 16));
      CompletableFuture<KVStoreException> error = new CompletableFuture<>();
      c.onReply(c.send(Protocol.BARRIER, h -> { }, null, "BARRIER", landing), "BARRIER",
          landing, r -> error.completeExceptionally(new AssertionError("answered: " + r)),
          error::complete);
      KVStoreException e = error.get(30, TimeUnit.SECONDS);
      assertThat(e).hasMessageContaining("BARRIER").hasMessageContaining("timed out after 300 ms");
      assertThat(landing.take()).isNull();
    }
  }

  @Test
  void theSweepRunsAtASixteenthOfTheTimeoutWithinBounds() {
    assertThat(ClientConnection.sweepInterval(Duration.ofMinutes(10))).isEqualTo(1000);
    assertThat(ClientConnection.sweepInterval(Duration.ofMillis(800))).isEqualTo(50);
    assertThat(ClientConnection.sweepInterval(Duration.ofMillis(20))).isEqualTo(5);
  }
}
