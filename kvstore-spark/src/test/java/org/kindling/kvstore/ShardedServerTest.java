package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kindling.kvstore.ServerOutcome.gaussian;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * A server whose big keys are split across shard threads (each shard summing and updating its
 * range with its own optimizer state) gives bit for bit what one unsharded server gives, and what
 * a local store gives on the summed gradients: sync and async, 2-bit pushes, keys below, at and
 * above the bound, shard counts that do not divide a key, and a checkpoint of the optimizer
 * states saved from one shard count and loaded into another.
 */
@Timeout(120)
class ShardedServerTest {
  private static final byte[] SECRET = "sharded-server-test-secret-0123".getBytes();
  private static final int BOUND = 100;
  /** Below, at and above the bound; 1000 is not a multiple of 3 shards. */
  private static final Map<String, Integer> SIZES = sizes();
  private static final String SGD = "sgd learning_rate=0.05 momentum=0.9 wd=0.001 rescale_grad=0.5";
  private static final String ADAM = "adam learning_rate=0.01 wd=0.001 rescale_grad=0.5";

  private static Map<String, Integer> sizes() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("below", BOUND - 1);
    m.put("at", BOUND);
    m.put("big", 1000);
    m.put("bias", 7);
    return m;
  }

  /** How a run is set up; {@code steps [from, to)} index the deterministic gradients. */
  private record Run(int shards, String type, int workers, String spec, int from, int to,
      Map<String, float[]> init, byte[] states, boolean twoBit) {
    Run shards(int s) {
      return new Run(s, type, workers, spec, from, to, init, states, twoBit);
    }
  }

  private static Run sync(String spec, int steps) {
    return new Run(3, "dist_sync", 2, spec, 0, steps, initialValues(), null, false);
  }

  private static Map<String, float[]> initialValues() {
    Map<String, float[]> init = new LinkedHashMap<>();
    SIZES.forEach((k, n) -> init.put(k, gaussian(new Random(k.hashCode()), n)));
    return init;
  }

  /** Rank {@code rank}'s gradient of {@code key} at {@code step}. */
  private static float[] grad(String key, int step, int rank) {
    return gaussian(new Random(31L * (31L * key.hashCode() + step) + rank), SIZES.get(key));
  }

  private static ServerOutcome train(Run run) throws Exception {
    return train(run, Optimizers::fromSpec);
  }

  private static ServerOutcome train(Run run, Function<String, Optimizer> factory)
      throws Exception {
    try (KVStoreServer server = KVStoreServer.start(KVStoreServerConfig.builder()
        .numWorkers(run.workers()).secret(SECRET).serverShards(run.shards())
        .bigArrayBound(BOUND).optimizerFactory(factory)
        .mode(run.type().equals("dist_async") ? SyncMode.ASYNC : SyncMode.SYNC).build())) {
      if (run.states() != null) {
        server.preloadOptimizerStates(run.states());
      }
      List<Map<String, float[]>> pulled = Workers.run(run.workers(), rank -> {
        try (DistKVStore kv = KVStores.connect(run.type(), "127.0.0.1", server.port(), SECRET,
            rank, run.workers())) {
          if (run.twoBit()) {
            kv.setGradientCompression(Map.of("type", "2bit", "threshold", "0.5"));
          }
          run.init().forEach((k, v) -> kv.init(k, NDArray.of(v, Shape.of(v.length))));
          kv.setOptimizer(Optimizers.fromSpec(run.spec()));
          Map<String, float[]> last = new LinkedHashMap<>();
          for (int step = run.from(); step < run.to(); step++) {
            for (String key : SIZES.keySet()) {
              NDArray out = NDArray.zeros(SIZES.get(key));
              kv.push(key, NDArray.of(grad(key, step, rank), Shape.of(SIZES.get(key))));
              kv.pull(key, out);
              last.put(key, out.toFloatArray());
            }
          }
          kv.barrier();
          return last;
        }
      });
      Map<String, float[]> values = new LinkedHashMap<>();
      server.snapshot().forEach((k, v) -> values.put(k, v.toFloatArray()));
      return new ServerOutcome(pulled, values, server.optimizerStates());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {SGD, ADAM})
  void syncRoundsOnThreeShardsGiveTheUnshardedServersAndTheLocalStoresBits(String spec)
      throws Exception {
    Run run = sync(spec, 3);
    ServerOutcome whole = train(run.shards(1));
    ServerOutcome sharded = train(run);
    same(sharded, whole);
    // and the single-process reference: a local store fed both workers' gradients each step
    float[][][] grads = new float[3][2][];
    for (int s = 0; s < 3; s++) {
      for (int r = 0; r < 2; r++) {
        grads[s][r] = grad("big", s, r);
      }
    }
    float[] expected = LocalReference.pushAll("big", run.init().get("big"),
        Optimizers.fromSpec(spec), grads);
    assertThat(expected).isNotEqualTo(run.init().get("big"));
    assertThat(sharded.pulled().get(0).get("big")).containsExactly(expected);
  }

  @Test
  void asyncPushesOnShardsAreEachAppliedAsTheyAreOnOneServer() throws Exception {
    Run run = new Run(3, "dist_async", 1, ADAM, 0, 3, initialValues(), null, false);
    same(train(run), train(run.shards(1)));
  }

  @Test
  void twoBitPushesAreDequantizedPerRangeAsTheWholeKeyWould() throws Exception {
    // 3 shards cut "big" at elements 333 and 667, inside a byte of 4 codes
    Run run = new Run(3, "dist_sync", 2, SGD, 0, 3, initialValues(), null, true);
    same(train(run), train(run.shards(1)));
  }

  @Test
  void optimizerStatesSavedFromThreeShardsResumeOnTwoExactlyAsAnUninterruptedRun()
      throws Exception {
    ServerOutcome uninterrupted = train(sync(ADAM, 5).shards(1));
    ServerOutcome first = train(sync(ADAM, 3));
    assertThat(first.states()).isEqualTo(train(sync(ADAM, 3).shards(1)).states());
    ServerOutcome resumed = train(new Run(2, "dist_sync", 2, ADAM, 3, 5, first.values(),
        first.states(), false));
    same(resumed, uninterrupted);
  }

  /** SGD whose update of the 334 elements [333, 667) of "big" on 3 shards throws {@code fault}. */
  private static Function<String, Optimizer> failingMiddleShard(RuntimeException fault,
      Error error) {
    return spec -> new Optimizer() {
      private final Optimizer sgd = Optimizers.fromSpec(spec);

      @Override
      public void update(String key, NDArray weight, NDArray grad) {
        if (weight.size() == 334) {
          if (error != null) {
            throw error;
          }
          throw fault;
        }
        sgd.update(key, weight, grad);
      }

      @Override
      public String spec() {
        return sgd.spec();
      }
    };
  }

  @Test
  void aShardsFailedUpdateFailsTheRoundNamingTheKeyAndItsRange() {
    Function<String, Optimizer> factory =
        failingMiddleShard(new IllegalStateException("the test's shard fault"), null);
    KVStoreException e = assertThrows(KVStoreException.class,
        () -> train(sync(SGD, 1), factory));
    assertThat(e.getMessage()).contains("key 'big' elements [333, 667) on server shard 1 of 3")
        .contains("the test's shard fault");
  }

  @Test
  void anErrorOnAShardThreadFailsTheServerForGoodWithItsCause() {
    Function<String, Optimizer> factory = failingMiddleShard(null,
        new OutOfMemoryError("Cannot reserve 4096 bytes of direct buffer memory (test)"));
    KVStoreException e = assertThrows(KVStoreException.class,
        () -> train(sync(SGD, 1), factory));
    assertThat(e.getMessage()).contains("'big'").contains("OutOfMemoryError")
        .contains("its state is lost");
  }

  private static void same(ServerOutcome split, ServerOutcome whole) {
    split.assertSameBitsAs(whole, SIZES.keySet());
  }
}
