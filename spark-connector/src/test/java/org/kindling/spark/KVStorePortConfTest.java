package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.kindling.kvstore.KVStoreException;

/** {@code --kvstore-port}/{@code --key-server-port}, their Spark conf keys and the retries. */
class KVStorePortConfTest {
  private static TrainConfig parse(String... args) {
    return TrainArgs.parse(args);
  }

  @Test
  void theOptionsWinOverTheSparkConfWhichWinsOverAnyFreePort() {
    SparkConf conf = new SparkConf(false).set(KVStorePortConf.PORT, "7100")
        .set(KVStorePortConf.KEY_SERVER_PORT, "7200");
    TrainConfig none = parse("--data", "x", "--num-workers", "2");
    TrainConfig given = parse("--data", "x", "--num-workers", "2", "--kvstore-port", "7300",
        "--key-server-port=7400");

    assertThat(given.toString()).contains("kvstorePort=7300, keyServerPort=7400");
    assertThat(given.toBuilder().build().kvstorePort()).isEqualTo(7300);
    assertThat(KVStorePortConf.portOf(given, conf)).isEqualTo(7300);
    assertThat(KVStorePortConf.keyServerPortOf(given, conf)).isEqualTo(7400);
    assertThat(KVStorePortConf.portOf(none, conf)).isEqualTo(7100);
    assertThat(KVStorePortConf.keyServerPortOf(none, conf)).isEqualTo(7200);
    assertThat(KVStorePortConf.portOf(none, new SparkConf(false))).isZero();
    assertThat(KVStorePortConf.keyServerPortOf(none, new SparkConf(false))).isZero();
  }

  @Test
  void retriesAreSparksOwnSettingWithItsDefault() {
    assertThat(KVStorePortConf.retriesOf(new SparkConf(false))).isEqualTo(16);
    assertThat(KVStorePortConf.retriesOf(new SparkConf(false)
        .set(KVStorePortConf.MAX_RETRIES, "3"))).isEqualTo(3);
    assertThatThrownBy(() -> KVStorePortConf.retriesOf(new SparkConf(false)
        .set(KVStorePortConf.MAX_RETRIES, "-1")))
        .hasMessageContaining("spark.port.maxRetries=-1 is not an integer in [0, ");
  }

  @Test
  void badPortsAreRefusedNamingTheOptionOrKey() {
    assertThatThrownBy(() -> parse("--data", "x", "--kvstore-port", "65536"))
        .hasMessageContaining("--kvstore-port=65536 is not a port in [0, 65535]");
    assertThatThrownBy(() -> parse("--data", "x", "--key-server-port", "http"))
        .hasMessageContaining("--key-server-port=http is not a port");
    TrainConfig none = parse("--data", "x");
    assertThatThrownBy(() -> KVStorePortConf.portOf(none,
        new SparkConf(false).set(KVStorePortConf.PORT, "-5")))
        .hasMessageContaining(KVStorePortConf.PORT + "=-5 is not a port in [0, 65535]");
    assertThatThrownBy(() -> KVStorePortConf.keyServerPortOf(none,
        new SparkConf(false).set(KVStorePortConf.KEY_SERVER_PORT, "1.5")))
        .hasMessageContaining(KVStorePortConf.KEY_SERVER_PORT + "=1.5 is not a port");
    // a local store has no parameter server whose port could be set
    assertThatThrownBy(() -> parse("--data", "x", "--kvstore", "local", "--kvstore-port", "7000"))
        .hasMessageContaining("--kvstore-port 7000").hasMessageContaining("dist --kvstore");
    assertThat(parse("--data", "x", "--kvstore", "local", "--kvstore-port", "0").kvstorePort())
        .isZero();
  }

  @Test
  void aPortInUseIsExplainedInTheJobsSettingsAndOtherFailuresPassThrough() {
    KVStoreException inUse = new KVStoreException("cannot bind the kvstore server on 10.0.0.1:"
        + " port 7000 and the 2 after it (up to 7002) are in use",
        new BindException("Address already in use"));
    KVStoreException explained = KVStorePortConf.explain(inUse,
        "the driver's parameter server on 10.0.0.1", KVStorePortConf.PORT, "--kvstore-port",
        7000, 2);
    assertThat(explained).hasMessage("the driver's parameter server on 10.0.0.1 cannot bind"
        + " port 7000 nor any of the 2 after it: they are in use (spark.kindling.kvstore.port"
        + "=7000, spark.port.maxRetries=2); set spark.kindling.kvstore.port (--kvstore-port) to"
        + " a free port, or to 0 for any free port, or raise spark.port.maxRetries")
        .hasCause(inUse);
    KVStoreException other = new KVStoreException("HmacSHA256 fails RFC 4231's test vector");
    assertThat(KVStorePortConf.explain(other, "x", KVStorePortConf.PORT, "--kvstore-port", 7000,
        2)).isSameAs(other);
    // not this machine's address: another port would not help, and its own message says why
    KVStoreException notHere = new KVStoreException("cannot bind the kvstore server to"
        + " 192.0.2.1:7000", new BindException("Cannot assign requested address"));
    assertThat(KVStorePortConf.explain(notHere, "x", KVStorePortConf.PORT, "--kvstore-port",
        7000, 2)).isSameAs(notHere);
  }
}
