package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.kindling.kvstore.KVStoreServerConfig;

/**
 * {@code --server-shards}/{@code --bigarray-bound}/{@code --num-servers} and their Spark conf
 * keys.
 */
class ServerShardsConfTest {
  private static final byte[] SECRET = KVStoreServerConfig.randomSecret();

  private static TrainConfig parse(String... args) {
    return TrainArgs.parse(args);
  }

  private static KVStoreServerConfig server(TrainConfig config, SparkConf conf) {
    return ServerShardsConf.apply(config, conf,
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET)).build();
  }

  @Test
  void theOptionsWinOverTheSparkConfWhichWinsOverTheDefaults() {
    SparkConf conf = new SparkConf(false).set(ServerShardsConf.SHARDS, "3")
        .set(ServerShardsConf.BOUND, "5000");
    TrainConfig none = parse("--data", "x", "--num-workers", "2");
    TrainConfig given = parse("--data", "x", "--num-workers", "2",
        "--server-shards", "4", "--bigarray-bound", "100");

    assertThat(given.toString()).contains("serverShards=4, bigArrayBound=100");
    assertThat(given.toBuilder().build().serverShards()).isEqualTo(4);
    KVStoreServerConfig fromOptions = server(given, conf);
    assertThat(fromOptions.serverShards()).isEqualTo(4);
    assertThat(fromOptions.bigArrayBound()).isEqualTo(100);
    KVStoreServerConfig fromConf = server(none, conf);
    assertThat(fromConf.serverShards()).isEqualTo(3);
    assertThat(fromConf.bigArrayBound()).isEqualTo(5000);
    KVStoreServerConfig defaults = server(none, new SparkConf(false));
    assertThat(defaults.serverShards()).isEqualTo(1);
    assertThat(defaults.bigArrayBound()).isEqualTo(KVStoreServerConfig.DEFAULT_BIG_ARRAY_BOUND);
  }

  @Test
  void badValuesAreRefusedNamingTheOptionOrKey() {
    assertThatThrownBy(() -> parse("--data", "x", "--server-shards", "0"))
        .hasMessageContaining("--server-shards=0 is not an integer in [1, 64]");
    assertThatThrownBy(() -> parse("--data", "x", "--bigarray-bound", "1e6"))
        .hasMessageContaining("--bigarray-bound=1e6 is not an integer in [1, ");
    TrainConfig none = parse("--data", "x");
    assertThatThrownBy(() -> server(none,
        new SparkConf(false).set(ServerShardsConf.SHARDS, "65")))
        .hasMessageContaining(ServerShardsConf.SHARDS + "=65 is not an integer in [1, 64]");
  }

  @Test
  void keyServersComeFromTheOptionElseTheSparkConfElseNone() {
    SparkConf conf = new SparkConf(false).set(ServerShardsConf.NUM_SERVERS, "3");
    TrainConfig none = parse("--data", "x", "--num-workers", "2");
    assertThat(ServerShardsConf.numServersOf(none, new SparkConf(false))).isZero();
    assertThat(ServerShardsConf.numServersOf(none, conf)).isEqualTo(3);
    TrainConfig given = parse("--data", "x", "--num-workers", "2", "--num-servers", "2");
    assertThat(given.toString()).contains("numServers=2");
    assertThat(ServerShardsConf.numServersOf(given, conf)).isEqualTo(2);
    assertThat(ServerShardsConf.numServersOf(given.toBuilder().build(), conf)).isEqualTo(2);
    // a cluster-wide default does not stop a job without a parameter server
    TrainConfig local = parse("--data", "x", "--kvstore", "local");
    assertThat(ServerShardsConf.numServersOf(local, conf)).isZero();
    assertThatThrownBy(() -> ServerShardsConf.numServersOf(none,
        new SparkConf(false).set(ServerShardsConf.NUM_SERVERS, "two")))
        .hasMessageContaining(ServerShardsConf.NUM_SERVERS + "=two is not an integer in [0, 64]");
  }
}
