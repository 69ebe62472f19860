package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.kvstore.ServerAddress;
import org.kindling.kvstore.TrafficSnapshot;

/**
 * {@code --num-servers S} on {@code local[2]}: the hosting tasks run in the driver's JVM, so
 * both key servers share it (the case of two hosting tasks placed on one executor), and the
 * registry can be read here. The keys' values and the optimizer states the driver reads over its
 * controller logins are the bits the driver's own server holds; the servers end with the job,
 * whether it succeeds or fails ({@link KeyServerRegistryTest}: or its driver dies). ({@code
 * it/KeyServersClusterIT} runs them in executor JVMs.)
 */
@Timeout(600)
class HostedKeyServersTest {
  private static final int CLASSES = 4;
  private static final int PIXELS = 64;
  private static final Pattern SERVER = Pattern.compile(" (\\d+) on ([^ :]+):(\\d+) \\(executor");

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path train;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("HostedKeyServersTest")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
    train = dir.resolve("train.rec");
    SyntheticData.write(train, 1000, CLASSES, PIXELS, 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Bound 100: fc1_weight (64 x 32) and fc2_weight (32 x 4) are cut, the biases whole. */
  private static TrainConfig.Builder config() {
    return TrainConfig.builder().data(train.toString()).inputShape(PIXELS).hidden(32)
        .numClasses(CLASSES).batchSize(32).epochs(2).numWorkers(2).kvstore("dist_sync")
        .optimizer("adam").learningRate(0.01).bigArrayBound("100").dispBatches(1000);
  }

  @Test
  void keyServersTrainTheDriversBitsAndTheirCheckpointResumesOnOneServer() throws Exception {
    String driver = dir.resolve("s0/mlp").toString();
    String two = dir.resolve("s2/mlp").toString();
    TrainResult whole = TrainJob.run(spark, config().numServers("0").modelPrefix(driver).build(),
        l -> { });
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult split = TrainJob.run(spark, config().numServers("2").modelPrefix(two).build(),
        lines::add);
    assertThat(split.params()).isEqualTo(whole.params());
    for (String epoch : List.of("-0001", "-0002")) {
      assertThat(Files.readAllBytes(Path.of(two + epoch + ".params")))
          .isEqualTo(Files.readAllBytes(Path.of(driver + epoch + ".params")));
      assertThat(Files.readAllBytes(Path.of(two + epoch + ".states")))
          .isEqualTo(Files.readAllBytes(Path.of(driver + epoch + ".states")));
    }
    String placement = lines.stream().filter(l -> l.startsWith("kindling: 2 key server(s):"))
        .findFirst().orElseThrow();
    assertThat(placement).contains("0 on 127.0.0.1:").contains("1 on 127.0.0.1:")
        .contains("Spark placed them on 1 executor JVM(s)");
    assertThat(lines).anyMatch(l -> l.contains("keys on the key servers"));
    // summed over the servers, the workers' traffic per key is the driver's server's alone
    // (the driver's checkpoint reads are not counted); the driver's server held no key
    assertThat(split.kvTraffic().perKey().keySet()).isEqualTo(whole.kvTraffic().perKey().keySet());
    whole.kvTraffic().perKey().forEach((key, k) -> {
      TrafficSnapshot.KeyBytes s = split.kvTraffic().perKey().get(key);
      assertThat(s.pushed()).as(key).isEqualTo(k.pushed());
      assertThat(s.pulled()).as(key).isEqualTo(k.pulled());
      // fc1_weight and fc2_weight are split: each of their two ranges counts its update
      assertThat(s.updates()).as(key)
          .isEqualTo(key.endsWith("weight") ? 2 * k.updates() : k.updates());
    });
    assertThat(split.driverTraffic().pushedBytes()).isZero();
    assertThat(split.driverTraffic().totalBytes())
        .isLessThan(whole.driverTraffic().totalBytes() / 10);
    assertThat(lines).anyMatch(l -> l.contains("of it through the driver's link: "));
    // the history's kv_pushed_bytes_per_step, 2 workers x 2212 weights x 4 bytes, in every
    // epoch: rank 1 may have pushed the next epoch's first step when rank 0 reports an epoch's
    // end, but a sync round is counted when it ends (decision 0062), and that one cannot end
    // before rank 0's push. Pulled: the same per step, and epoch 1 also holds the initial pulls.
    for (String prefix : List.of(two, driver)) {
      List<String> history = Files.readAllLines(Path.of(prefix + "-history.csv"));
      List<String> header = List.of(history.get(0).split(","));
      int pushed = header.indexOf("kv_pushed_bytes_per_step");
      int pulled = header.indexOf("kv_pulled_bytes_per_step");
      for (int row = 1; row <= 2; row++) {
        String[] f = history.get(row).split(",");
        assertThat(Double.parseDouble(f[pushed])).as(prefix + " epoch " + row)
            .isEqualTo(2 * 2212 * 4.0);
      }
      assertThat(Double.parseDouble(history.get(2).split(",")[pulled])).as(prefix + " epoch 2")
          .isEqualTo(2 * 2212 * 4.0);
      assertThat(Double.parseDouble(history.get(1).split(",")[pulled])).as(prefix + " epoch 1")
          .isGreaterThan(2 * 2212 * 4.0);
    }
    assertGone(placement);

    // epoch 2 again on one key server, from the two servers' checkpoint of epoch 1
    List<String> resumedLines = Collections.synchronizedList(new ArrayList<>());
    TrainResult resumed = TrainJob.run(spark, config().numServers("1").modelPrefix(two)
        .beginEpoch(1).overwrite(true).build(), resumedLines::add);
    assertThat(resumed.params()).isEqualTo(whole.params());
    assertThat(Files.readAllBytes(Path.of(two + "-0002.states")))
        .isEqualTo(Files.readAllBytes(Path.of(driver + "-0002.states")));
    assertGone(resumedLines.stream().filter(l -> l.startsWith("kindling: 1 key server(s):"))
        .findFirst().orElseThrow());
  }

  /**
   * The default store: local[2]'s two tasks form one level-1 group, whose one connection per
   * server is the key servers' only worker (rank 0 of W = 1, also in whileInListener).
   */
  @Test
  void aLevelOneGroupTrainsOnKeyServersToTheSameBits() throws Exception {
    TrainConfig.Builder b = config().kvstore("dist_device_sync").epochs(1);
    TrainResult whole = TrainJob.run(spark, b.numServers("0").build(), l -> { });
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult split = TrainJob.run(spark, b.numServers("2").build(), lines::add);
    assertThat(split.params()).isEqualTo(whole.params());
    assertThat(split.kvTraffic().pushedBytes()).isEqualTo(whole.kvTraffic().pushedBytes());
    assertThat(lines).anyMatch(l -> l.startsWith("kindling: 2 key servers for 1 worker"
        + " connection(s): more servers than workers"));
    assertGone(lines.stream().filter(l -> l.startsWith("kindling: 2 key server(s):"))
        .findFirst().orElseThrow());
  }

  @Test
  void aJobThatFailsMidTrainingLeavesNoKeyServerRunning() throws Exception {
    Path bad = dir.resolve("bad.rec");
    Files.copy(train, bad);
    // every record takes 8 + 24 + 64 = 96 bytes: record 800 (step 9 of worker 1) claims 1000
    // float labels in front of its pixels, which its 88 bytes cannot hold; the record heads are
    // intact, so the workers count their parts, connect and train until then
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.seek(800 * 96 + 8);
      f.writeInt(Integer.reverseBytes(1000));
    }
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    assertThatThrownBy(() -> TrainJob.run(spark, config().data(bad.toString()).numServers("2")
        .dispBatches(1).build(), lines::add))
        .isInstanceOf(TrainingFailedException.class).hasMessageContaining("worker 1");
    assertThat(lines).as("trained before the failure")
        .anyMatch(l -> l.startsWith("epoch 1/2  batch 2/"));
    assertGone(lines.stream().filter(l -> l.startsWith("kindling: 2 key server(s):"))
        .findFirst().orElseThrow());
  }

  /** Decision 0055: the job's error names the lost server and the way on. */
  @Test
  void theErrorOfALostKeyServerNamesItAndTheCheckpointToResumeFrom() {
    List<KeyServerLaunch.Hosted> hosted = List.of(
        new KeyServerLaunch.Hosted(0, new ServerAddress("10.0.0.1", 4000), "1"),
        new KeyServerLaunch.Hosted(1, new ServerAddress("10.0.0.2", 4001), "2"));
    String lost = HostedKeyServers.lost(hosted, 1, "lost the connection");
    assertThat(lost).isEqualTo("key server 1 of 2 on 10.0.0.2:4001 (executor 2) was lost: lost"
        + " the connection");
    TrainConfig withPrefix = config().modelPrefix("/ckpt/mlp").build();
    assertThat(TrainJob.lostServerAdvice(lost, withPrefix, 3)).startsWith(lost + ". ")
        .contains("does not restart a lost key server")
        .endsWith("run the job again with --begin-epoch 3 (/ckpt/mlp-0003.params and .states;"
            + " any --num-servers)");
    assertThat(TrainJob.lostServerAdvice(lost, withPrefix, 0))
        .endsWith("no epoch was checkpointed yet: run the job again from the start");
    assertThat(TrainJob.lostServerAdvice(lost, config().build(), 0))
        .contains("without --model-prefix there is no checkpoint to resume from");
  }

  @Test
  void keyServersNeedADistStoreAndANumberInRange() {
    assertThatThrownBy(() -> config().kvstore("local").numWorkers(1).numServers("2").build())
        .hasMessageContaining("--num-servers 2 hosts key servers of a parameter server: use a"
            + " dist --kvstore, not local");
    assertThatThrownBy(() -> config().numServers("-1"))
        .hasMessageContaining("--num-servers=-1 is not an integer in [0, 64]");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--num-servers", "65"}))
        .hasMessageContaining("--num-servers=65 is not an integer in [0, 64]");
    assertThat(TrainArgs.parse(new String[] {"--data", "x", "--num-servers", "3"}).numServers())
        .isEqualTo(3);
    assertThat(TrainArgs.usage("kindling train")).contains("--num-servers S");
  }

  /** Every server of a placement line closes its port (the registry ends them asynchronously). */
  private static void assertGone(String placement) throws Exception {
    Matcher m = SERVER.matcher(placement);
    int n = 0;
    while (m.find()) {
      KeyServerRegistryTest.awaitGone(new ServerAddress(m.group(2),
          Integer.parseInt(m.group(3))));
      n++;
    }
    assertThat(n).as("servers in: %s", placement).isPositive();
  }
}
