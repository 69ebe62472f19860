package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.spark.EpochMetrics;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;
import org.kindling.tensor.io.ParamsFile;

/**
 * Checkpoints on a real HDFS (MiniDFSCluster) under the training job: a BatchNorm network of the
 * zoo (ResNet-20, the small-image ResNet of MXNet's {@code resnet.py}, on 28x28 Fashion-MNIST)
 * trained by 2 workers through {@code dist_sync}, checkpointed, and resumed from its checkpoint
 * with the same metrics, weights, auxiliary states and optimizer states as an uninterrupted run;
 * stale temporary files of a killed run removed; existing checkpoints protected; and a write
 * that HDFS refuses (a namespace quota) failing the job with the file and the epoch.
 */
class TrainResumeHdfsIT {
  private static final int TRAIN = 800;
  private static final int TEST = 200;
  private static final java.nio.file.Path WORK =
      java.nio.file.Path.of("target", "it-resume").toAbsolutePath();

  private static HdfsAndSpark cluster;
  private static SparkSession spark;
  private static String root;
  private static String train;
  private static String test;

  @BeforeAll
  static void start() throws IOException {
    TestDirs.fresh(WORK);
    cluster = HdfsAndSpark.start(WORK, "TrainResumeHdfsIT");
    spark = cluster.spark();
    root = cluster.root();
    train = cluster.packFashion(WORK, "train", TRAIN, "train");
    test = cluster.packFashion(WORK, "t10k", TEST, "test");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static FileSystem fs() throws IOException {
    return cluster.fs();
  }

  private static byte[] read(String file) throws IOException {
    try (InputStream in = fs().open(new Path(file))) {
      return in.readAllBytes();
    }
  }

  /** The fields of {@code row} under the header's epoch and metric columns. */
  private static List<String> metricFields(String header, String row) {
    String[] names = header.split(",");
    String[] values = row.split(",", -1);
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals("epoch") || names[i].startsWith("train_")
          || names[i].startsWith("val_")) {
        out.add(values[i]);
      }
    }
    return out;
  }

  private static List<String> lines(String file) throws IOException {
    return new String(read(file), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
  }

  private static TrainConfig.Builder resnet() {
    return TrainConfig.builder().data(train).valData(test).network("resnet20")
        .inputShape(1, 28, 28).numClasses(10).numWorkers(2).batchSize(32).learningRate(0.05)
        .dispBatches(1000);
  }

  @Test
  void aResNetWithBatchNormResumesFromItsHdfsCheckpointOnTheUninterruptedCurve()
      throws Exception {
    String whole = root + "/whole/resnet";
    String parts = root + "/parts/resnet";
    TrainResult uninterrupted = TrainJob.run(spark, resnet().epochs(2).modelPrefix(whole)
        .build(), System.out::println);
    TrainJob.run(spark, resnet().epochs(1).modelPrefix(parts).build(), System.out::println);

    // the first run's checkpoint is not replaced by accident
    assertThatThrownBy(() -> TrainJob.run(spark, resnet().epochs(1).modelPrefix(parts).build(),
        l -> { })).hasMessageContaining("resnet-0001.params").hasMessageContaining("--overwrite");
    // a run killed while writing leaves a temporary file; the next run removes it
    try (OutputStream out = fs().create(new Path(root + "/parts/.resnet-0002.params.tmp-x"))) {
      out.write(1);
    }
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    TrainResult resumed = TrainJob.run(spark, resnet().epochs(2).beginEpoch(1)
        .modelPrefix(parts).build(), log::add);
    assertThat(log).anyMatch(l -> l.startsWith("kindling: removed ")
        && l.endsWith(".resnet-0002.params.tmp-x, left by a run that was killed while writing"
            + " it"));
    assertThat(fs().exists(new Path(root + "/parts/.resnet-0002.params.tmp-x"))).isFalse();

    // epoch 2 continued from checkpoint 1 is epoch 2 of the uninterrupted run, bit for bit
    EpochMetrics expected = uninterrupted.metrics().get(1);
    assertThat(resumed.metrics()).hasSize(1);
    assertThat(resumed.last().train()).isEqualTo(expected.train());
    assertThat(resumed.last().val()).isEqualTo(expected.val());
    for (String f : List.of("-0002.params", "-0002.states")) {
      assertThat(read(parts + f)).as(f).isEqualTo(read(whole + f));
    }
    try (ParamsFile.Contents c = ParamsFile.read(read(parts + "-0002.params"),
        "resnet-0002.params")) {
      assertThat(c.names()).contains("arg:stage1_unit1_conv1_weight",
          "aux:stage1_unit1_bn1_moving_mean", "aux:bn_data_moving_var");
    }
    List<String> history = lines(parts + "-history.csv");
    List<String> expectedHistory = lines(whole + "-history.csv");
    assertThat(history).hasSize(3);
    // the metric columns (epoch, train_*, val_*) are the same; time and kv_* figures are not
    assertThat(history.get(0)).isEqualTo(expectedHistory.get(0));
    for (int i = 0; i < 3; i++) {
      assertThat(metricFields(history.get(0), history.get(i)))
          .isEqualTo(metricFields(history.get(0), expectedHistory.get(i)));
    }
    // the network learned something: chance is 0.10
    assertThat(uninterrupted.last().valAccuracy()).isGreaterThan(0.3);
  }

  @Test
  void aCheckpointWriteRefusedByHdfsFailsTheJobNamingTheFileAndTheEpoch() throws Exception {
    Path dir = new Path(root + "/quota");
    fs().mkdirs(dir);
    // the directory and the 7 files of epoch 1 (symbol, params, states, the history's CSV, JSON
    // and PNG, the kvstore history CSV): the first file of epoch 2 exceeds the namespace quota
    ((DistributedFileSystem) fs()).setQuota(dir, 8, HdfsConstants.QUOTA_DONT_SET);
    TrainConfig config = TrainConfig.builder().data(train).valData(null).inputShape(784)
        .hidden(32).numWorkers(2).batchSize(64).epochs(3).modelPrefix(dir + "/mlp").build();
    assertThatThrownBy(() -> TrainJob.run(spark, config, l -> { }))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("epoch 2: cannot write " + dir + "/mlp-0002.params")
        .hasMessageContaining("quota");
    assertThat(fs().exists(new Path(dir, "mlp-0001.params"))).isTrue();
    assertThat(fs().listStatus(dir)).extracting(s -> s.getPath().getName())
        .noneMatch(n -> n.contains(".tmp"));
  }
}
