package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.symbol.zoo.Layers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.io.ParamsFile;
import org.kindling.tensor.op.nn.Pooling;

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
    TrainResult r = TrainJob.run(spark, config().numWorkers(2).kvstore("dist_sync")
        .modelPrefix(prefix).build(), lines::add);

    assertThat(r.metrics()).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    assertThat(r.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(r.last().trainAccuracy()).isGreaterThan(0.8);
    assertThat(r.last().train()).containsOnlyKeys("accuracy", "cross-entropy");
    assertThat(r.last().samplesPerSecond()).isPositive();
    assertThat(Path.of(r.lastParamsFile())).hasFileName("mlp-0002.params").exists();
    // no temporary or checksum files are left next to the checkpoints
    try (var files = Files.list(dir.resolve("ckpt"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly(
          "mlp-0001.params", "mlp-0001.states", "mlp-0002.params", "mlp-0002.states",
          "mlp-history-kvstore.csv", "mlp-history.csv", "mlp-history.json", "mlp-history.png",
          "mlp-symbol.json");
    }
    List<String> csv = Files.readAllLines(Path.of(prefix + "-history.csv"));
    assertThat(csv).hasSize(3);
    assertThat(csv.get(0)).startsWith("epoch,train_accuracy,train_cross-entropy,val_accuracy,"
        + "val_cross-entropy,kv_pushed_bytes_per_step,").endsWith(",seconds");
    assertThat(csv.get(2)).startsWith("2," + r.last().trainAccuracy() + ",");
    assertThat(javax.imageio.ImageIO.read(Path.of(prefix + "-history.png").toFile())).isNotNull();
    // the checkpoint of the last epoch is the returned final state
    assertThat(Files.readAllBytes(Path.of(r.lastParamsFile()))).isEqualTo(r.params());
    assertThat(ParamsFile.read(Path.of(r.lastParamsFile())).names())
        .containsExactly("arg:fc1_weight", "arg:fc1_bias", "arg:fc2_weight", "arg:fc2_bias");
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 1/2  batch 10/")
        && l.contains("train-accuracy 0.") && l.contains("train-cross-entropy "));
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 2/2 done  train-accuracy"));
    assertThat(TrainJob.summary(r)).startsWith("kindling: trained 2 epochs: train-accuracy ")
        .contains("val-accuracy").contains("checkpoint " + r.lastParamsFile());

    // a second run refuses to replace these checkpoints, naming them and the way out
    assertThatThrownBy(() -> TrainJob.run(spark, config().numWorkers(2).modelPrefix(prefix)
        .build(), l -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mlp-0001.params").hasMessageContaining("--overwrite")
        .hasMessageContaining("--begin-epoch");
    assertThatThrownBy(() -> TrainJob.run(spark, config().numWorkers(2).modelPrefix(prefix)
        .beginEpoch(1).build(), l -> { })).hasMessageContaining("mlp-0002.params")
        .hasMessageNotContaining("mlp-0001.params");
    assertThatThrownBy(() -> TrainJob.run(spark, config().numWorkers(2).modelPrefix(prefix)
        .epochs(4).beginEpoch(3).build(), l -> { }))
        .hasMessageContaining("mlp-0003.params does not exist (checkpoints: [1, 2])");
    // another optimizer cannot continue from SGD's momentum
    assertThatThrownBy(() -> TrainJob.run(spark, config().numWorkers(2).modelPrefix(prefix)
        .optimizer("adam").learningRate(0.01).beginEpoch(1).overwrite(true).build(), l -> { }))
        .hasMessageContaining("mlp-0001.states").hasMessageContaining("--optimizer adam");
  }

  @Test
  void distDeviceSyncInOneJvmEqualsDistSyncWithHalfTheBytesThroughTheDriver()
      throws Exception {
    // local[2]: both tasks run in the driver's JVM, so they form one level-1 group; the sum of
    // two gradients is exact in either order, so the weights are the same bits
    List<String> flatLines = Collections.synchronizedList(new ArrayList<>());
    TrainResult flat = TrainJob.run(spark, config().numWorkers(2).epochs(1)
        .kvstore("dist_sync").build(), flatLines::add);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    String prefix = dir.resolve("grouped/mlp").toString();
    TrainResult grouped = TrainJob.run(spark, config().numWorkers(2).epochs(1)
        .kvstore("dist_device_sync").modelPrefix(prefix).build(), lines::add);
    assertThat(grouped.params()).isEqualTo(flat.params());
    assertThat(grouped.last().valAccuracy()).isEqualTo(flat.last().valAccuracy());
    // progress reports of both tasks arrive over the group's one connection, each with its rank
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 1/1 done  train-accuracy"));
    assertThat(lines).anyMatch(l -> l.contains("parameter server traffic")
        && l.contains("from 1 worker(s)"));
    // measured by the server: one push and one pull per group instead of per task
    assertThat(grouped.kvTraffic().pushedBytes() * 2).isEqualTo(flat.kvTraffic().pushedBytes());
    // pulls: the initial pull of every parameter and one per step, both halved
    assertThat(grouped.kvTraffic().pulledBytes() * 2).isEqualTo(flat.kvTraffic().pulledBytes());
    assertKVStoreFigures(prefix, lines, flatLines);
  }

  /**
   * The server's figures in the progress lines and the history: the MLP has 64 x 32 + 32 + 32
   * x 4 + 4 = 2212 float32 weights, 8848 bytes; one group pushes and pulls each once a step,
   * two flat workers twice.
   */
  private static void assertKVStoreFigures(String prefix, List<String> grouped,
      List<String> flat) throws IOException {
    long bytes = 2212 * 4;
    String second = grouped.stream().filter(l -> l.startsWith("epoch 1/1  batch 20/"))
        .findFirst().orElseThrow();
    // between two lines: 10 steps of whole rounds (one level-2 worker, whose calls are
    // collective); with two flat workers the other one may already be into the next step
    assertThat(second).contains("  kv push 8.6 KB/step pull 8.6 KB/step wait ");
    assertThat(flat).anyMatch(l -> l.startsWith("epoch 1/1  batch 20/")
        && l.matches(".*  kv push 1[6-9]\\.\\d KB/step pull 1[6-9]\\.\\d KB/step wait .*"));
    int steps = Integer.parseInt(second.replaceAll("^epoch 1/1  batch 20/(\\d+) .*$", "$1"));
    List<String> csv = Files.readAllLines(Path.of(prefix + "-history.csv"));
    assertThat(csv.get(0)).isEqualTo("epoch,train_accuracy,train_cross-entropy,val_accuracy,"
        + "val_cross-entropy,kv_pushed_bytes_per_step,kv_pulled_bytes_per_step,"
        + "kv_wire_bytes_per_step,kv_wait_ms_per_step,kv_queue_mean,kv_queue_max,seconds");
    String[] row = csv.get(1).split(",");
    assertThat(Double.parseDouble(row[5])).isEqualTo((double) bytes);
    // the first epoch's pulls include the initial pull of every key
    assertThat(Double.parseDouble(row[6])).isEqualTo((double) bytes * (steps + 1) / steps);
    assertThat(Double.parseDouble(row[7])).isGreaterThan(2.0 * bytes);
    assertThat(Double.parseDouble(row[9])).isGreaterThanOrEqualTo(1.0);
    List<String> keys = Files.readAllLines(Path.of(prefix + "-history-kvstore.csv"));
    assertThat(keys.get(0)).isEqualTo(KVStoreMeter.KEY_HEADER);
    assertThat(keys.subList(1, keys.size())).extracting(l -> l.split(",")[1])
        .containsExactly("fc1_bias", "fc1_weight", "fc2_bias", "fc2_weight");
    assertThat(keys.get(2)).startsWith("1,fc1_weight," + steps + "," + (64 * 32 * 4.0) + ","
        + (64 * 32 * 4.0 * (steps + 1) / steps) + "," + steps + ",");
  }

  @Test
  void anErrorOnTheServerFailsTheJobAtOnceWithItsRealCause() {
    // the server's optimizer runs out of direct memory at its 20th update (step 5 of 4 keys):
    // the job's error is that cause, not a worker's timeout minutes later
    AtomicInteger updates = new AtomicInteger();
    UnaryOperator<KVStoreServerConfig.Builder> failing = b -> b.optimizerFactory(spec -> {
      Optimizer real = Optimizers.fromSpec(spec);
      return new Optimizer() {
        @Override
        public void update(String key, NDArray weight, NDArray grad) {
          if (updates.incrementAndGet() == 20) {
            throw new OutOfMemoryError("Cannot reserve 8192 bytes of direct buffer memory"
                + " (test)");
          }
          real.update(key, weight, grad);
        }

        @Override
        public String spec() {
          return real.spec();
        }
      };
    });
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    assertThatThrownBy(() -> TrainJob.run(spark, config().numWorkers(2).epochs(1)
        .kvstore("dist_sync").build(), lines::add, failing))
        .isInstanceOf(TrainingFailedException.class)
        .hasMessageStartingWith("training failed: the kvstore server failed with"
            + " java.lang.OutOfMemoryError: Cannot reserve 8192 bytes of direct buffer memory")
        .hasMessageContaining("restart it from its last checkpoint")
        .hasMessageNotContaining("timeout").hasMessageNotContaining("waited");
    System.out.printf("server Error -> job failed after %.1f s%n",
        (System.nanoTime() - start) / 1e9);
    assertThat(updates).hasValue(20);
    assertThat(lines).noneMatch(l -> l.startsWith("epoch 1/1 done"));
    // the session is usable afterwards: the stage was cancelled, not left running
    assertThat(TrainJob.run(spark, config().numWorkers(2).epochs(1).build(), l -> { }).metrics())
        .hasSize(1);
  }

  @Test
  void twoBitCompressionOfALevelOneGroupPushesASixteenthAndStillLearns() {
    TrainResult flat = TrainJob.run(spark, config().numWorkers(2).epochs(1).momentum(0)
        .kvstore("dist_device_sync").build(), l -> { });
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult compressed = TrainJob.run(spark, config().numWorkers(2).epochs(1).momentum(0)
        .kvstore("dist_device_sync").gcType("2bit").gcThreshold("0.5").build(), lines::add);

    assertThat(lines).anyMatch(l -> l.contains("dist_device_sync with 2bit(threshold=0.5)"
        + " gradient compression"));
    // per key 4*ceil(n/16) bytes instead of 4n: a sixteenth, more for the 4-element bias
    flat.kvTraffic().perKey().forEach((key, bytes) -> {
      long c = compressed.kvTraffic().perKey().get(key).pushed();
      assertThat(16 * c).as(key).isGreaterThanOrEqualTo(bytes.pushed());
      assertThat(compressed.kvTraffic().perKey().get(key).pulled()).as("pulls stay float32")
          .isEqualTo(bytes.pulled());
    });
    double ratio = (double) flat.kvTraffic().pushedBytes() / compressed.kvTraffic().pushedBytes();
    assertThat(ratio).isBetween(15.5, 16.0);
    assertThat(compressed.last().valAccuracy()).as("chance is 1/" + CLASSES).isGreaterThan(0.5);
  }

  @Test
  void fp16TransportOfALevelOneGroupPushesHalfTheBytesAndStillLearns() {
    TrainResult flat = TrainJob.run(spark, config().numWorkers(2).epochs(1).momentum(0)
        .kvstore("dist_device_sync").build(), l -> { });
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult half = TrainJob.run(spark, config().numWorkers(2).epochs(1).momentum(0)
        .kvstore("dist_device_sync").gcType("fp16").build(), lines::add);

    assertThat(lines).anyMatch(l -> l.contains("dist_device_sync with fp16 gradient compression"));
    flat.kvTraffic().perKey().forEach((key, bytes) -> {
      assertThat(2 * half.kvTraffic().perKey().get(key).pushed()).as(key)
          .isEqualTo(bytes.pushed());
      // every pull after the setting is float16 (the first one, before it, is float32)
      assertThat(half.kvTraffic().perKey().get(key).pulled()).as(key)
          .isLessThan(bytes.pulled()).isGreaterThanOrEqualTo(bytes.pulled() / 2);
    });
    assertThat(half.last().valAccuracy()).as("chance is 1/" + CLASSES).isGreaterThan(0.5);
  }

  /** A small conv-BatchNorm network on 1x8x8 images, saved as a symbol file. */
  private static String convBnSymbol() throws IOException {
    Layers nn = new Layers();
    Symbol x = nn.conv(nn.variable("data")).name("conv1").kernel(3, 3).pad(1, 1).numFilter(4)
        .build();
    x = nn.relu("relu1", nn.bn(x).name("bn1").build());
    x = nn.pool(x).type(Pooling.PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    Symbol net = nn.softmaxOutput("softmax", nn.fc("fc1", nn.flatten(x), CLASSES));
    Path file = dir.resolve("convbn-symbol.json");
    net.save(file);
    return file.toString();
  }

  /**
   * Training data is shuffled by default, each worker's part in a new order every epoch drawn
   * from the seed: a run learns, a second run with the same seed trains the same bits (with two
   * workers the sums are exact in either order), and a run in file order trains other ones. The
   * resumed runs of the other tests shuffle too, and follow their uninterrupted curves bit for
   * bit, which needs the order of an epoch to depend on the epoch alone.
   */
  @Test
  void shuffledTrainingLearnsAndRepeatsItselfForTheSameSeed() {
    TrainConfig.Builder b = config().valData(val.toString()).numWorkers(2).kvstore("dist_sync")
        .dispBatches(1000);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult shuffled = TrainJob.run(spark, b.build(), lines::add);
    TrainResult again = TrainJob.run(spark, b.shuffle(true).build(), l -> { });
    TrainResult inOrder = TrainJob.run(spark, b.shuffle(false).build(), l -> { });

    assertThat(shuffled.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(inOrder.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(again.params()).isEqualTo(shuffled.params());
    assertThat(inOrder.params()).isNotEqualTo(shuffled.params());
    assertThat(shuffled.metrics().get(0).train()).isNotEqualTo(inOrder.metrics().get(0).train());
  }

  @Test
  void aBatchNormNetworkResumedFromItsCheckpointFollowsTheUninterruptedCurve() throws Exception {
    TrainConfig.Builder b = config().numWorkers(2).symbolFile(convBnSymbol())
        .inputShape(1, 8, 8).optimizer("adam").learningRate(0.01).dispBatches(1000);
    String whole = dir.resolve("bn-whole/net").toString();
    String parts = dir.resolve("bn-parts/net").toString();
    TrainResult uninterrupted = TrainJob.run(spark, b.epochs(4).modelPrefix(whole).build(),
        l -> { });
    TrainJob.run(spark, b.epochs(2).modelPrefix(parts).build(), l -> { });
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult resumed = TrainJob.run(spark, b.epochs(4).beginEpoch(2).modelPrefix(parts)
        .build(), lines::add);

    assertThat(lines.get(0)).contains("epochs 3..4 (from " + parts + "-0002.params)");
    assertThat(resumed.metrics()).extracting(EpochMetrics::epoch).containsExactly(3, 4);
    for (int i = 0; i < 2; i++) {
      EpochMetrics u = uninterrupted.metrics().get(i + 2);
      EpochMetrics c = resumed.metrics().get(i);
      assertThat(c.train()).as("epoch %d", c.epoch()).isEqualTo(u.train());
      assertThat(c.val()).as("epoch %d", c.epoch()).isEqualTo(u.val());
    }
    for (String f : List.of("-0004.params", "-0004.states", "-0003.params")) {
      assertThat(Files.readAllBytes(Path.of(parts + f))).as(f)
          .isEqualTo(Files.readAllBytes(Path.of(whole + f)));
    }
    // worker 0's moving statistics are in the checkpoint, next to the weights
    assertThat(ParamsFile.readNames(Path.of(parts + "-0004.params"))).contains(
        "arg:conv1_weight", "arg:bn1_gamma", "aux:bn1_moving_mean", "aux:bn1_moving_var");
    // the history goes on from the first run's epochs
    List<String> history = Files.readAllLines(Path.of(parts + "-history.csv"));
    List<String> expected = Files.readAllLines(Path.of(whole + "-history.csv"));
    assertThat(history).hasSize(5);
    assertThat(history.get(0)).isEqualTo(expected.get(0))
        .startsWith("epoch,train_accuracy,train_cross-entropy,val_accuracy,val_cross-entropy,");
    for (int i = 1; i < 5; i++) {
      // the epoch and its four metrics; the kv_* figures and the wall time are measured
      assertThat(history.get(i).split(",")).hasSize(12);
      assertThat(Arrays.copyOf(history.get(i).split(","), 5))
          .isEqualTo(Arrays.copyOf(expected.get(i).split(","), 5));
    }
    // the per-key figures go on as well: the first run's epochs 1 and 2, then 3 and 4
    assertThat(Files.readAllLines(Path.of(parts + "-history-kvstore.csv")))
        .extracting(l -> l.split(",")[0] + "," + l.split(",")[1])
        .isEqualTo(Files.readAllLines(Path.of(whole + "-history-kvstore.csv")).stream()
            .map(l -> l.split(",")[0] + "," + l.split(",")[1]).toList());
    assertThat(uninterrupted.last().valAccuracy()).isGreaterThan(0.9);
  }

  @Test
  void aShardedServerTrainsTheSameBitsAndItsCheckpointResumesOnAnotherShardCount()
      throws Exception {
    // bound 100: fc1_weight (64 x 32) and fc2_weight (32 x 4) are cut in ranges, one per shard
    // thread; the biases belong whole to one shard each
    TrainConfig.Builder b = config().numWorkers(2).kvstore("dist_sync").optimizer("adam")
        .learningRate(0.01).bigArrayBound("100").dispBatches(1000);
    String one = dir.resolve("shards-1/mlp").toString();
    String three = dir.resolve("shards-3/mlp").toString();
    TrainResult whole = TrainJob.run(spark, b.serverShards("1").modelPrefix(one).build(),
        l -> { });
    TrainResult sharded = TrainJob.run(spark, b.serverShards("3").modelPrefix(three).build(),
        l -> { });
    assertThat(sharded.params()).isEqualTo(whole.params());
    // the shards' optimizer states are joined into the very file one optimizer writes
    assertThat(Files.readAllBytes(Path.of(three + "-0002.states")))
        .isEqualTo(Files.readAllBytes(Path.of(one + "-0002.states")));
    // epoch 2 again on two shards, from the three shards' checkpoint of epoch 1
    TrainResult resumed = TrainJob.run(spark, b.serverShards("2").modelPrefix(three)
        .beginEpoch(1).overwrite(true).build(), l -> { });
    assertThat(resumed.params()).isEqualTo(whole.params());
    assertThat(whole.last().valAccuracy()).isGreaterThan(0.5);
  }

  @Test
  void staleTemporaryFilesOfAKilledRunAreRemovedAtTheStart() throws Exception {
    Path d = Files.createDirectories(dir.resolve("stale"));
    Files.write(d.resolve(".m-0001.params.tmp-0b6a"), new byte[] {1});
    Files.write(d.resolve(".m-symbol.json1234.tmp"), new byte[] {1});
    Files.write(d.resolve(".other-0001.params.tmp-0b6a"), new byte[] {1});
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainJob.run(spark, config().valData(null).numWorkers(2).epochs(1)
        .modelPrefix(d.resolve("m").toString()).build(), lines::add);
    assertThat(d.resolve(".m-0001.params.tmp-0b6a")).doesNotExist();
    assertThat(d.resolve(".m-symbol.json1234.tmp")).doesNotExist();
    assertThat(d.resolve(".other-0001.params.tmp-0b6a")).as("another prefix's").exists();
    assertThat(lines).anyMatch(l -> l.contains("removed") && l.contains(".m-0001.params.tmp"));
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
  void localKvstoreTrainsInOneTaskAndResumesWithItsOptimizerStates() throws Exception {
    TrainConfig.Builder b = config().kvstore("local").numWorkers(1);
    String whole = dir.resolve("local-whole/mlp").toString();
    String parts = dir.resolve("local-parts/mlp").toString();
    TrainResult r = TrainJob.run(spark, b.epochs(2).modelPrefix(whole).build(), l -> { });
    assertThat(r.metrics()).hasSize(2);
    assertThat(r.last().valAccuracy()).isGreaterThan(0.9);
    TrainJob.run(spark, b.epochs(1).modelPrefix(parts).build(), l -> { });
    TrainResult resumed = TrainJob.run(spark, b.epochs(2).beginEpoch(1).modelPrefix(parts)
        .build(), l -> { });
    assertThat(resumed.metrics()).extracting(EpochMetrics::epoch).containsExactly(2);
    assertThat(resumed.last().train()).isEqualTo(r.last().train());
    assertThat(Files.readAllBytes(Path.of(parts + "-0002.states")))
        .isEqualTo(Files.readAllBytes(Path.of(whole + "-0002.states")));
    assertThat(resumed.params()).isEqualTo(r.params());
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

  /**
   * Two image records whose headers claim three float labels, so their content is 52 bytes where
   * the 64 pixels belong (the RecordIO framing is intact): without {@code --skip-corrupt} the job
   * fails naming the file and the record's offset; with it each worker skips its bad record every
   * epoch, names it in the progress output, and the count is in the progress lines, the epoch
   * lines, the history and the last line, while the job still learns; a bad validation record
   * is left out and named once per epoch.
   */
  @Test
  void skipCorruptTrainsOverBadRecordsAndReportsThem() throws IOException {
    Path bad = dir.resolve("skip.rec");
    Files.copy(train, bad);
    // record i starts at 96 * i: magic, length, then the image record's flag (uint32 LE)
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      for (int record : new int[] {100, 1500}) {
        f.seek(96L * record + 8);
        f.write(new byte[] {3, 0, 0, 0});
      }
    }
    String file = new org.apache.hadoop.fs.Path(bad.toUri()).toString();
    Path badVal = dir.resolve("skip-val.rec");
    Files.copy(val, badVal);
    try (RandomAccessFile f = new RandomAccessFile(badVal.toFile(), "rw")) {
      f.seek(96L * 10 + 8);
      f.write(new byte[] {3, 0, 0, 0});
    }
    String valFile = new org.apache.hadoop.fs.Path(badVal.toUri()).toString();
    assertThatThrownBy(() -> TrainJob.run(spark,
        config().data(bad.toString()).numWorkers(2).build(), l -> { }))
        .isInstanceOf(TrainingFailedException.class)
        .hasMessageContaining("skip.rec")
        .hasMessageMatching("(?s).*byte offset (9600|144000).*")
        .hasMessageContaining("52 content bytes");

    String prefix = dir.resolve("skip/mlp").toString();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult r = TrainJob.run(spark, config().data(bad.toString()).valData(badVal.toString())
        .numWorkers(2).skipCorrupt(true).modelPrefix(prefix).build(), lines::add);
    // each part's one bad record is met once per epoch (the padding of the last batch wraps to
    // the part's first records only)
    assertThat(r.metrics()).extracting(EpochMetrics::skippedRecords).containsExactly(2L, 2L);
    assertThat(r.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(lines).anyMatch(l -> l.startsWith("worker 0: skipped corrupt record " + file
        + "@9600: ") && l.contains("52 content bytes"));
    assertThat(lines).anyMatch(l -> l.startsWith("worker 1: skipped corrupt record " + file
        + "@144000: "));
    assertThat(lines).filteredOn(l -> l.contains("skipped corrupt record")).hasSize(2);
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 1/2  batch 10/")
        && l.contains("  skipped ") && l.contains(" corrupt record"));
    assertThat(lines).anyMatch(l -> l.startsWith("epoch 2/2 done  ")
        && l.contains("  skipped 2 corrupt records  "));
    assertThat(TrainJob.summary(r)).contains(", 4 corrupt records skipped over 2 epochs");
    assertThat(lines).contains("epoch 2: validation skipped 1 corrupt record(s), the first "
        + valFile + "@960: image record id 10 has 52 content bytes, but data shape (64,) needs 64"
        + " raw uint8 pixels");
    List<String> csv = Files.readAllLines(Path.of(prefix + "-history.csv"));
    int column = Arrays.asList(csv.get(0).split(",")).indexOf("skipped_records");
    assertThat(column).isPositive();
    assertThat(csv.subList(1, 3)).extracting(l -> l.split(",")[column])
        .containsExactly("2.0", "2.0");
  }

  /**
   * Broken RecordIO framing — a bad magic word in worker 0's part, a length past the end of the
   * file in worker 1's: without --skip-corrupt the job fails naming the file and offset; with it
   * each part resyncs to the next record head, in file order and shuffled, and each skipped
   * range is counted once per epoch and named as the skipped records are.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "shuffle {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void skipCorruptResyncsOverBrokenFraming(boolean shuffle) throws IOException {
    Path bad = dir.resolve("framing-" + shuffle + ".rec");
    Files.copy(train, bad);
    // record i starts at 96 * i
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.seek(96L * 100);
      f.write(new byte[] {(byte) 0xEF, (byte) 0xBE, (byte) 0xAD, (byte) 0xDE});
      f.seek(96L * 1500 + 4);
      f.write(new byte[] {0, 0, 0x10, 0}); // lrec: cflag 0, 1 MiB, past the end of the file
    }
    String file = new org.apache.hadoop.fs.Path(bad.toUri()).toString();
    assertThatThrownBy(() -> TrainJob.run(spark,
        config().data(bad.toString()).numWorkers(2).shuffle(shuffle).build(), l -> { }))
        .isInstanceOf(TrainingFailedException.class)
        .hasMessageContaining(bad.getFileName().toString())
        .hasMessageMatching("(?s).*byte offset (9600|144000).*");

    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult r = TrainJob.run(spark, config().data(bad.toString()).numWorkers(2)
        .shuffle(shuffle).skipCorrupt(true).build(), lines::add);
    assertThat(r.metrics()).extracting(EpochMetrics::skippedRecords).containsExactly(2L, 2L);
    assertThat(r.last().valAccuracy()).isGreaterThan(0.9);
    assertThat(lines).anyMatch(l -> l.startsWith("worker 0: skipped corrupt record " + file
        + "@9600: ") && l.contains("bad magic") && l.contains("skipped bytes [9600, 9696)"));
    assertThat(lines).anyMatch(l -> l.startsWith("worker 1: skipped corrupt record " + file
        + "@144000: ") && l.contains("past the end")
        && l.contains("skipped bytes [144000, 144096)"));
    assertThat(lines).filteredOn(l -> l.contains("skipped corrupt record")).hasSize(2);
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
