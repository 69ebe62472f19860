package org.kindling.bench.train;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.kindling.bench.MavenVersions;

/**
 * Spark MLlib's {@code MultilayerPerceptronClassifier} on {@code local[threads]} (the MLP only:
 * MLlib has no convolutions, so its LeNet row says n/a), with its own
 * solver: L-BFGS by default (MLlib's default), or {@code gd}. Both are full-batch methods — one
 * iteration computes the gradient over the whole training set, with {@code blockSize} only
 * stacking rows into matrices — so MLlib cannot run the common mini-batch SGD recipe, and it
 * computes in float64.
 *
 * <p>An MLlib fit cannot be driven epoch by epoch, so a {@link PassTimer} listener times each
 * full pass over the data (one {@code treeAggregate} job per gradient evaluation) during one
 * fit of {@code epochs + 1} iterations; the first pass is the warm-up. L-BFGS line searches may
 * evaluate the gradient more than once per iteration; every pass counts. The input DataFrame is
 * cached before fitting, as a Spark user would for an iterative algorithm. The notes name the
 * BLAS that MLlib picked (netlib's JNI binding if a system BLAS is installed, else pure Java).
 */
public final class MllibRunner implements FrameworkRunner {
  private static final String FIT_GROUP = "kindling-bench-mlp-fit";

  @Override
  public String name() {
    return "Spark MLlib MLP";
  }

  @Override
  public Optional<String> unsupported(Network network) {
    return network == Network.MLP ? Optional.empty()
        : Optional.of("n/a: MLlib has no convolution layers (its only network is the MLP)");
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    SparkSession spark = SparkSession.builder()
        .master("local[" + o.threads() + "]")
        .appName("kindling-train-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", Integer.toString(o.threads()))
        .getOrCreate();
    try {
      PassTimer timer = new PassTimer(FIT_GROUP);
      spark.sparkContext().addSparkListener(timer);
      Dataset<Row> train = trainFrame(spark, setup.train(), o.threads()).cache();
      long rows = train.count();
      Dataset<Row> test = testFrame(spark, setup.test(), o.threads());

      MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {
            FashionMnist.FEATURES, Network.MLP_HIDDEN[0], Network.MLP_HIDDEN[1], FashionMnist.CLASSES
          })
          .setBlockSize(setup.train().batchSize())
          .setSolver(o.mllibSolver())
          .setStepSize(setup.learningRate())
          .setMaxIter(o.epochs() + 1)
          .setTol(0) // never stop early: every requested iteration is a timed pass
          .setSeed(o.seed());
      spark.sparkContext().setJobGroup(FIT_GROUP, "MLP fit", false);
      MultilayerPerceptronClassificationModel model = mlp.fit(train);
      spark.sparkContext().clearJobGroup();
      List<Double> passes = timer.awaitPasses(spark, 60_000);

      double acc = new MulticlassClassificationEvaluator()
          .setMetricName("accuracy")
          .evaluate(model.transform(test));
      train.unpersist();
      if (passes.size() < 2) {
        return TrainResult.notRun(name(), "MLlib made " + passes.size()
            + " passes over the data; need a warm-up pass and at least one timed pass");
      }
      // the first pass is the warm-up (JIT, first stacking of the cached rows)
      double[] rates = passes.subList(1, passes.size()).stream()
          .mapToDouble(seconds -> rows / seconds).toArray();
      for (int i = 0; i < rates.length; i++) {
        System.err.printf(Locale.ROOT, "[train] %s pass %d: %.0f samples/s%n", name(), i + 1, rates[i]);
      }
      System.err.printf(Locale.ROOT, "[train] %s: test accuracy %.4f%n", name(), acc);
      String version = MavenVersions.of("org.apache.spark", "spark-mllib_2.13");
      String notes = EpochLoop.parameters(model.weights().size()) + ", solver " + o.mllibSolver() + " (full batch, MLlib's own; "
          + (o.mllibSolver().equals("gd") ? "step size " + setup.learningRate() : "no learning rate")
          + "), maxIter " + (o.epochs() + 1) + ", blockSize " + setup.train().batchSize()
          + ", float64, BLAS " + BLAS.getInstance().getClass().getSimpleName()
          + "; one timed epoch = one gradient pass over the data";
      return new TrainResult(name(), version, rates, "1 + " + rates.length + " passes", acc, notes);
    } finally {
      spark.stop();
    }
  }

  private static StructType schema() {
    return new StructType()
        .add("label", DataTypes.DoubleType, false)
        .add("features", SQLDataTypes.VectorType(), false);
  }

  private static Dataset<Row> trainFrame(SparkSession spark, Batches b, int partitions) {
    List<Row> rows = new ArrayList<>((int) b.samplesPerEpoch());
    for (int i = 0; i < b.count(); i++) {
      addRows(rows, b.features(i), b.labels(i));
    }
    return spark.createDataFrame(rows, schema()).repartition(partitions);
  }

  private static Dataset<Row> testFrame(SparkSession spark, FashionMnist test, int partitions) {
    List<Row> rows = new ArrayList<>(test.count());
    addRows(rows, test.images(), test.labels());
    return spark.createDataFrame(rows, schema()).repartition(partitions);
  }

  private static void addRows(List<Row> rows, float[] pixels, int[] labels) {
    int f = FashionMnist.FEATURES;
    for (int r = 0; r < labels.length; r++) {
      double[] v = new double[f];
      for (int j = 0; j < f; j++) {
        v[j] = pixels[r * f + j];
      }
      rows.add(RowFactory.create((double) labels[r], Vectors.dense(v)));
    }
  }
}
