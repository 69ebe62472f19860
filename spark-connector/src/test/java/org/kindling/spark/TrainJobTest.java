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
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.io.ParamsFile;

class TrainJobTest {
  private static final int CLASSES = 4;
  private static final int PIXELS = 64;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path train;
  private static Path val;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("TrainJobTest")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
    train = dir.resolve("train.rec");
    val = dir.resolve("val.rec");
    SyntheticData.write(train, 2000, CLASSES, PIXELS, 1);
    SyntheticData.write(val, 400, CLASSES, PIXELS, 2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static TrainConfig.Builder config() {
    return TrainConfig.builder().data(train.toString()).valData(val.toString())
        .inputShape(PIXELS).hidden(32).numClasses(CLASSES).batchSize(32).epochs(2)
        .dispBatches(10);
  }

  @Test
  void distSyncTrainingLearnsAndWritesMxnetCheckpointsEveryEpoch() throws Exception {
    String prefix = dir.resolve("ckpt/mlp").toString();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult r = TrainJob.run(spark, config().numWorkers(2).modelPrefix(prefix).build(),
        lines::add);

    assertThat(r.metrics()).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    assertThat(r.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(r.last().trainAccuracy()).isGreaterThan(0.8);
    assertThat(r.last().samplesPerSecond()).isPositive();
    assertThat(Path.of(prefix + "-symbol.json")).exists();
    assertThat(Path.of(prefix + "-0001.params")).exists();
    assertThat(Path.of(r.lastParamsFile())).hasFileName("mlp-0002.params").exists();
    // no temporary or checksum files are left next to the checkpoints
    try (var files = Files.list(dir.resolve("ckpt"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly(
          "mlp-0001.params", "mlp-0002.params", "mlp-metrics.csv", "mlp-symbol.json");
    }
    List<String> csv = Files.readAllLines(Path.of(prefix + "-metrics.csv"));
    assertThat(csv).hasSize(3);
    assertThat(csv.get(0)).isEqualTo(Checkpoints.METRICS_HEADER);
    assertThat(csv.get(2)).startsWith("2,");
    // the checkpoint of the last epoch is the returned final state
    assertThat(Files.readAllBytes(Path.of(r.lastParamsFile()))).isEqualTo(r.params());
    assertThat(ParamsFile.read(Path.of(r.lastParamsFile())).names())
        .containsExactly("arg:fc1_weight", "arg:fc1_bias", "arg:fc2_weight", "arg:fc2_bias");
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 1/2  batch 10/"));
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 2/2 done  train-acc"));
  }

  @Test
  void anEpochCheckpointIsExactlyTheStateAfterThatEpoch() throws Exception {
    // with two workers the sum a + b is exact in either order, so training is deterministic:
    // epoch 1 of a two-epoch job must equal the end of a one-epoch job bit for bit, which fails
    // if the snapshot were taken after a round of epoch 2 was applied
    TrainConfig.Builder b = config().valData(null).hidden(16).numWorkers(2);
    String p1 = dir.resolve("one/m").toString();
    String p2 = dir.resolve("two/m").toString();
    TrainJob.run(spark, b.epochs(1).modelPrefix(p1).build(), l -> { });
    TrainJob.run(spark, b.epochs(2).modelPrefix(p2).build(), l -> { });
    byte[] oneEpoch = Files.readAllBytes(Path.of(p1 + "-0001.params"));
    assertThat(Files.readAllBytes(Path.of(p2 + "-0001.params"))).isEqualTo(oneEpoch);
    assertThat(Files.readAllBytes(Path.of(p2 + "-0002.params"))).isNotEqualTo(oneEpoch);
  }

  @Test
  void localKvstoreTrainsInOneTaskWithoutTheServer() {
    String prefix = dir.resolve("local/mlp").toString();
    TrainResult r = TrainJob.run(spark, config().kvstore("local").numWorkers(1).epochs(1)
        .modelPrefix(prefix).build(), l -> { });
    assertThat(r.metrics()).hasSize(1);
    assertThat(r.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(Path.of(prefix + "-0001.params")).exists();
  }

  @Test
  void corruptDataFailsTheJobWithTheFileAndOffset() throws IOException {
    Path bad = dir.resolve("bad.rec");
    Files.copy(train, bad);
    // every record takes 8 + 24 + 64 = 96 bytes: break the magic of record 1500 (in part 1)
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.seek(1500 * 96);
      f.writeInt(0x12345678);
    }
    assertThatThrownBy(() -> TrainJob.run(spark,
        config().data(bad.toString()).valData(null).numWorkers(2).build(), l -> { }))
        .isInstanceOf(TrainingFailedException.class)
        .hasMessageContaining("bad.rec")
        .hasMessageContaining("byte offset 144000")
        .hasMessageNotContaining("\n");
  }

  @Test
  void tooManyWorkersForTheDataIsExplained() throws IOException {
    Path tiny = dir.resolve("tiny.rec");
    SyntheticData.write(tiny, 1, CLASSES, PIXELS, 3);
    assertThatThrownBy(() -> TrainJob.run(spark,
        config().data(tiny.toString()).valData(null).numWorkers(2).build(), l -> { }))
        .isInstanceOf(TrainingFailedException.class)
        .hasMessageContaining("hold no records");
  }

  @Test
  void moreWorkersThanLocalSlotsFailsAtOnce() {
    assertThatThrownBy(() -> TrainJob.run(spark, config().numWorkers(3).build(), l -> { }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--num-workers 3 needs 3 tasks running at once")
        .hasMessageContaining("local[2]");
  }

  @Test
  void missingDataFailsOnTheDriverBeforeAnyTask() {
    assertThatThrownBy(() -> TrainJob.run(spark,
        config().data(dir.resolve("nope.rec").toString()).build(), l -> { }))
        .hasMessageContaining("nope.rec");
  }
}
