package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.spark.EpochMetrics;
import org.kindling.spark.ImageRecordFrames;
import org.kindling.spark.KindlingModel;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * The whole path on real components: Fashion-MNIST subsets packed to RecordIO on an in-process
 * HDFS, distributed training (2 barrier tasks, dist_sync) on Spark local[2] reading byte-range
 * parts from HDFS, checkpoints written to HDFS every epoch, and the checkpoint scored back.
 */
class TrainJobHdfsIT {
  private static final int TRAIN = 12_000;
  private static final int TEST = 2_000;
  private static final int EPOCHS = 4;
  private static final int PIXELS = 784;

  private static final Path WORK = Path.of("target", "it-hdfs").toAbsolutePath();
  private static HdfsAndSpark cluster;
  private static SparkSession spark;
  private static String root;

  @BeforeAll
  static void start() throws IOException {
    TestDirs.fresh(WORK);
    cluster = HdfsAndSpark.start(WORK, "TrainJobHdfsIT");
    spark = cluster.spark();
    root = cluster.root();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void trainsOnHdfsWritesCheckpointsThereAndTheCheckpointScoresLikeTheExecutor()
      throws Exception {
    String train = cluster.packFashion(WORK, "train", TRAIN, "train");
    String test = cluster.packFashion(WORK, "t10k", TEST, "test");
    String prefix = root + "/model/mlp";
    TrainConfig config = TrainConfig.builder().data(train).valData(test).numWorkers(2)
        .batchSize(64).epochs(EPOCHS).hidden(256, 128).numClasses(10).inputShape(PIXELS)
        .modelPrefix(prefix).kvstore("dist_sync").dispBatches(40).build();

    TrainResult result = TrainJob.run(spark, config, System.out::println);

    // learning: a working trainer reaches about 0.83 here; chance is 0.10
    assertThat(result.metrics()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4);
    assertThat(result.last().valAccuracy()).isGreaterThanOrEqualTo(0.78);

    // checkpoints on HDFS: the symbol once, .params and .states per epoch, the history
    FileSystem fs = cluster.fs();
    for (String f : List.of("mlp-symbol.json", "mlp-0001.params", "mlp-0004.params",
        "mlp-0004.states", "mlp-history.csv", "mlp-history.json", "mlp-history.png",
        "mlp-history-kvstore.csv")) {
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(root + "/model/" + f))).as(f).isTrue();
    }
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(root + "/model")))
        .as("no temporary files are left").hasSize(1 + 2 * EPOCHS + 4);
    Path local = WORK.resolve("model");
    Files.createDirectories(local);
    for (String f : List.of("mlp-symbol.json", "mlp-0004.params", "mlp-history.csv")) {
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(root + "/model/" + f))) {
        Files.copy(in, local.resolve(f));
      }
    }
    assertThat(Files.readAllBytes(local.resolve("mlp-0004.params"))).isEqualTo(result.params());
    assertThat(Files.readAllLines(local.resolve("mlp-history.csv"))).hasSize(EPOCHS + 1);

    // the checkpoint read back from HDFS scores the test set through Spark ...
    KindlingModel model = KindlingModel.fromCheckpoint(prefix, EPOCHS);
    Dataset<Row> frame = ImageRecordFrames.read(spark, test, PIXELS, 1f / 255f, 2);
    List<Row> scored = model.transform(frame).select("id", "label", "prediction", "probability")
        .collectAsList();
    assertThat(scored).hasSize(TEST);
    long correct = scored.stream().filter(r -> r.getDouble(1) == r.getDouble(2)).count();
    assertThat((double) correct / TEST).isCloseTo(result.last().valAccuracy(), within(1e-9));

    // ... exactly as an Executor bound from the local copy of the checkpoint computes it
    try (Module module = Module.loadCheckpoint(local.resolve("mlp"), EPOCHS)) {
      int batch = 256;
      module.bind(Shape.of(batch, PIXELS), null, false);
      module.initParams(null);
      Map<Long, Row> byId = new HashMap<>();
      for (Row r : scored) {
        byId.put(r.getLong(0), r);
      }
      List<Row> first = frame.orderBy("id").limit(batch).collectAsList();
      float[] x = new float[batch * PIXELS];
      for (int i = 0; i < batch; i++) {
        double[] f = ((Vector) first.get(i).get(2)).toArray();
        for (int j = 0; j < PIXELS; j++) {
          x[i * PIXELS + j] = (float) f[j];
        }
      }
      try (DataBatch b = new DataBatch(List.of(NDArray.of(x, Shape.of(batch, PIXELS))),
          List.of(), 0)) {
        module.forward(b, false);
      }
      float[] out = module.outputs().get(0).toFloatArray();
      for (int i = 0; i < batch; i++) {
        Row s = byId.get(first.get(i).getLong(0));
        double[] p = ((Vector) s.get(3)).toArray();
        int best = 0;
        for (int k = 0; k < 10; k++) {
          assertThat(p[k]).isCloseTo(out[i * 10 + k], within(1e-6));
          if (out[i * 10 + k] > out[i * 10 + best]) {
            best = k;
          }
        }
        assertThat(s.getDouble(2)).isEqualTo(best);
      }
    }
  }
}
