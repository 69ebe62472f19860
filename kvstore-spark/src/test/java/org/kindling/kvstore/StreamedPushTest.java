package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Pushes large enough to be summed while they arrive ({@link PushReceiver}): the round's sum is
 * the single-process one, a rank still counts once per round, and a push cut off within its frame
 * leaves nothing behind.
 */
@Timeout(60)
class StreamedPushTest {
  private static final byte[] SECRET = "streamed-push-secret-0123456789ab".getBytes();
  /** About 1.2 MB: several stripes and a short last one. */
  private static final int N = 300_007;

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Small integers: every summation order gives the same bits. */
  private static float[] grad(int rank, int step) {
    float[] g = new float[N];
    for (int i = 0; i < N; i++) {
      g[i] = (rank + 1) * (i % 1000 + 1) + step;
    }
    return g;
  }

  @Test
  void threeWorkersBigPushesSumToTheSingleProcessSum() throws Exception {
    int w = 3;
    int steps = 3;
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(w).secret(SECRET).ioThreads(2).build());
    List<List<float[]>> pulled = Workers.run(w, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        kv.init("w", NDArray.zeros(N));
        NDArray out = NDArray.zeros(N);
        for (int s = 0; s < steps; s++) {
          NDArray g = NDArray.of(grad(rank, s), Shape.of(N));
          if (s % 2 == 0) {
            kv.push("w", g);
            kv.pull("w", out);
          } else {
            kv.pushPull("w", List.of(g), List.of(out));
          }
          seen.add(out.toFloatArray());
        }
        kv.barrier();
      }
      return seen;
    });
    for (int s = 0; s < steps; s++) {
      float[] sum = new float[N];
      for (int r = 0; r < w; r++) {
        float[] g = grad(r, s);
        for (int i = 0; i < N; i++) {
          sum[i] += g[i];
        }
      }
      for (int r = 0; r < w; r++) {
        assertSame(pulled.get(r).get(s), sum, "rank " + r + " step " + s);
      }
    }
    assertThat(server.traffic().perKey().get("w").pushed()).isEqualTo((long) w * steps * N * 4);
  }

  /** Same bits (AssertJ's element-wise report is too slow for arrays this long). */
  static void assertSame(float[] got, float[] want, String what) {
    int i = Arrays.mismatch(got, want);
    assertThat(i).as("%s: first differing element %d: got %s, want %s", what, i,
        i < 0 ? "" : got[i], i < 0 ? "" : want[i]).isEqualTo(-1);
  }

  /** A PUSH frame of key "w" (length prefix included). */
  static ByteBuf pushFrame(long id, float[] values) {
    ByteBuf f = Unpooled.buffer();
    f.writeIntLE(0);
    f.writeByte(Protocol.PUSH);
    f.writeLongLE(id);
    Protocol.writeString(f, "w");
    Protocol.writeArrayHeader(f, Shape.of(values.length));
    for (float v : values) {
      f.writeFloatLE(v);
    }
    f.setIntLE(0, f.readableBytes() - 4);
    return f;
  }

  /** Rank 1 of 2 by hand; rank 0 as a DistKVStore, whose init completes with rank 1's. */
  private RawClient rawRankOne(DistKVStore kv) throws Exception {
    CompletableFuture<Void> init = CompletableFuture.runAsync(() -> kv.init("w", NDArray.zeros(N)));
    RawClient rank1 = new RawClient(server.port());
    rank1.initAndBarrier(SECRET, 1, "w", Shape.of(N));
    init.join();
    return rank1;
  }

  /** Rank 0's PUSHPULL of step 0 completes the round: the sum holds rank 1's push once. */
  private static void rankZeroCompletesTheRoundOfStepZero(DistKVStore kv) {
    NDArray out = NDArray.zeros(N);
    kv.pushPull("w", List.of(NDArray.of(grad(0, 0), Shape.of(N))), List.of(out));
    float[] want = grad(0, 0);
    float[] g1 = grad(1, 0);
    for (int i = 0; i < N; i++) {
      want[i] += g1[i];
    }
    assertSame(out.toFloatArray(), want, "the sum");
  }

  @Test
  void aRepeatedBigPushIsRefusedAndTheRoundHoldsTheRankOnce() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 2);
        RawClient rank1 = rawRankOne(kv)) {
      rank1.writeRaw(pushFrame(3, grad(1, 0)));
      rank1.writeRaw(pushFrame(4, grad(1, 0))); // would count rank 1 twice
      assertThat(rank1.readReply()).startsWith("ERROR 4: ").contains("worker rank 1");
      rankZeroCompletesTheRoundOfStepZero(kv);
      assertThat(rank1.readReply()).isEqualTo("OK 3");
    }
  }

  @Test
  void aPushCutOffWithinItsFrameLeavesNothingInTheNextRound() throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build());
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 2)) {
      try (RawClient rank1 = rawRankOne(kv)) {
        ByteBuf frame = pushFrame(3, grad(1, 7));
        rank1.writeRaw(frame.readSlice(frame.readableBytes() / 2)); // several stripes summed
      } // closed within the frame
      try (RawClient rank1 = RawClient.loginWhenFree(server.port(), SECRET, 1, 2)) {
        rank1.writeRaw(pushFrame(5, grad(1, 0)));
        rankZeroCompletesTheRoundOfStepZero(kv);
        assertThat(rank1.readReply()).isEqualTo("OK 5");
      }
    }
  }
}
