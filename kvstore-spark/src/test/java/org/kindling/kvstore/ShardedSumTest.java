package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kindling.kvstore.Fp16TransportTest.roundTrip;
import static org.kindling.kvstore.StreamedPushTest.assertSame;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * A key split across three server shards (decision 0033) whose sync rounds are summed as the
 * pushes arrive (one {@link RoundSum} over the parts' merge buffers, decision 0036) or, for the
 * fp16 transport, part by part on the shard threads: both give the single-process bits, and a
 * round abandoned while a push streams in leaves nothing in any range.
 */
@Timeout(120)
class ShardedSumTest {
  private static final byte[] SECRET = "sharded-sum-test-secret-0123456".getBytes();
  private static final int SHARDS = 3;
  private static final int BOUND = 1000;
  private static final String ADAM = "adam learning_rate=0.01 wd=0.001 rescale_grad=0.5";

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Two workers, three shards, keys of {@code BOUND} elements or more split. */
  private static KVStoreServerConfig.Builder config() {
    return KVStoreServerConfig.builder().numWorkers(2).secret(SECRET)
        .serverShards(SHARDS).bigArrayBound(BOUND);
  }

  /**
   * Runs a sync round of key "w" (initialized to {@code init}, Adam on the server) per step,
   * rank r pushing {@code grads[step][r]}, alternating PUSH + PULL and PUSHPULL; returns what each
   * rank pulled last.
   */
  private List<float[]> train(float[] init, float[][][] grads, Map<String, String> compression)
      throws Exception {
    int w = grads[0].length;
    int n = init.length;
    return Workers.run(w, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        kv.init("w", NDArray.of(init, Shape.of(n)));
        if (compression != null) {
          kv.setGradientCompression(compression);
        }
        kv.setOptimizer(Optimizers.fromSpec(ADAM));
        NDArray out = NDArray.zeros(n);
        for (int s = 0; s < grads.length; s++) {
          NDArray g = NDArray.of(grads[s][rank], Shape.of(n));
          if (s % 2 == 0) {
            kv.push("w", g);
            kv.pull("w", out);
          } else {
            kv.pushPull("w", List.of(g), List.of(out));
          }
        }
        kv.barrier();
        return out.toFloatArray();
      }
    });
  }

  @Test
  void streamedPushesToAKeySplitAcrossThreeShardsGiveTheSingleProcessBits() throws Exception {
    // 1.2 MB pushes, streamed; ranges of 100,002 + 100,003 + 100,002 elements, so stripes of
    // 64 KiB restart within each part and its last stripe is short
    int n = 300_007;
    assertThat(new ShardLayout(SHARDS, BOUND).slices("w", n)).hasSize(SHARDS);
    assertThat(4L * n).isGreaterThanOrEqualTo(PushReceiver.MIN_STREAMED_BYTES);
    Random random = new Random(11);
    float[] init = LocalReference.gaussianGrads(random, 1, 1, n)[0][0];
    float[][][] grads = LocalReference.gaussianGrads(random, 3, 2, n);
    server = KVStoreServer.start(config().build());
    List<float[]> pulled = train(init, grads, null);
    // two workers: their sum has the same bits in either order, on any thread
    float[] want = LocalReference.pushAll("w", init, Optimizers.fromSpec(ADAM), grads);
    assertThat(want).isNotEqualTo(init);
    for (int r = 0; r < 2; r++) {
      assertSame(pulled.get(r), want, "rank " + r);
    }
    assertThat(server.traffic().perKey().get("w").pushed()).isEqualTo(3L * 2 * n * 4);
  }

  @Test
  void aRoundAbandonedWhileASplitKeysPushArrivesDropsItFromEveryRange() throws Exception {
    int n = 300_007;
    // one I/O thread reads both connections, so rank 1's header is in before rank 0's push is
    server = KVStoreServer.start(config().roundTimeout(Duration.ofSeconds(1)).ioThreads(1)
        .build());
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 2)) {
      CompletableFuture<Void> init = CompletableFuture.runAsync(
          () -> kv.init("w", NDArray.zeros(n)));
      try (RawClient rank1 = new RawClient(server.port())) {
        rank1.initAndBarrier(SECRET, 1, "w", Shape.of(n));
        init.join();
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        ByteBuf frame = StreamedPushTest.pushFrame(3, ones);
        // range 0 and a half of range 1 summed, then the round fails on its deadline
        rank1.writeRaw(frame.readSlice(frame.readableBytes() / 2));
        kv.push("w", NDArray.of(ones, Shape.of(n)));
        KVStoreException timeout = assertThrows(KVStoreException.class,
            () -> kv.pull("w", NDArray.zeros(n)));
        assertThat(timeout.getMessage()).contains("waited 1000 ms");
        rank1.writeRaw(frame);
        assertThat(rank1.readReply()).startsWith("ERROR 3: ")
            .contains("was abandoned while it arrived");
        // the next round holds nothing of the abandoned one, in any range
        float[] twos = new float[n];
        Arrays.fill(twos, 2f);
        rank1.writeRaw(StreamedPushTest.pushFrame(5, twos));
        NDArray out = NDArray.zeros(n);
        kv.pushPull("w", List.of(NDArray.of(twos, Shape.of(n))), List.of(out));
        float[] fours = new float[n];
        Arrays.fill(fours, 4f);
        assertSame(out.toFloatArray(), fours, "the next round's sum");
        assertThat(rank1.readReply()).isEqualTo("OK 5");
      }
    }
  }

  @Test
  void fp16PushesAndPullsOfASplitKeyAreTheSingleProcessBitsRoundedToHalf() throws Exception {
    // float16 pushes are buffered whole and summed range by range on the shard threads; the
    // replies are assembled from the ranges
    int n = 70_001;
    Random random = new Random(13);
    float[] init = LocalReference.gaussianGrads(random, 1, 1, n)[0][0];
    float[][][] grads = LocalReference.gaussianGrads(random, 3, 2, n);
    server = KVStoreServer.start(config().build());
    List<float[]> pulled = train(init, grads, Map.of("type", "fp16"));
    float[][][] halves = new float[grads.length][2][];
    for (int s = 0; s < grads.length; s++) {
      for (int r = 0; r < 2; r++) {
        halves[s][r] = roundTrip(grads[s][r]);
      }
    }
    // the server keeps float32: the half-rounded pushes' single-process update, rounded once
    float[] want = roundTrip(LocalReference.pushAll("w", init, Optimizers.fromSpec(ADAM),
        halves));
    for (int r = 0; r < 2; r++) {
      assertSame(pulled.get(r), want, "rank " + r);
    }
    TrafficSnapshot.KeyBytes bytes = server.traffic().perKey().get("w");
    assertThat(bytes.pushed()).as("half of float32's").isEqualTo(3L * 2 * n * 2);
    assertThat(bytes.pulled()).as("half of float32's").isEqualTo(3L * 2 * n * 2);
    float[] stored = server.snapshot().get("w").toFloatArray();
    assertThat(roundTrip(stored)).as("the stored value is float32, replies its rounding")
        .isEqualTo(want);
    assertThat(stored).isNotEqualTo(want);
  }
}
