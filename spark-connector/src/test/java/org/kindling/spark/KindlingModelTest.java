package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

class KindlingModelTest {
  private static final int FEATURES = 6;
  private static final int CLASSES = 3;
  private static final int ROWS = 23;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static ModelData data;
  private static float[][] inputs;
  private static float[][] expected;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("KindlingModelTest")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
    Symbol mlp = Networks.mlp(new int[] {5}, CLASSES);
    Module m = new Module(mlp);
    m.bind(Shape.of(ROWS, FEATURES), Shape.of(ROWS), false);
    m.initParams(new Xavier(7));
    Map<String, NDArray> params = m.getParams();
    data = new ModelData(mlp.toJson(), EpochCheckpointer.paramsBytes(params, Map.of()));
    Random rnd = new Random(3);
    inputs = new float[ROWS][FEATURES];
    float[] flat = new float[ROWS * FEATURES];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < FEATURES; j++) {
        inputs[i][j] = (float) rnd.nextGaussian();
        flat[i * FEATURES + j] = inputs[i][j];
      }
    }
    m.forward(new org.kindling.tensor.data.DataBatch(List.of(NDArray.of(flat,
        Shape.of(ROWS, FEATURES))), List.of(), 0), false);
    float[] out = m.outputs().get(0).toFloatArray();
    expected = new float[ROWS][CLASSES];
    for (int i = 0; i < ROWS; i++) {
      System.arraycopy(out, i * CLASSES, expected[i], 0, CLASSES);
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> vectorFrame() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double[] d = new double[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        d[j] = inputs[i][j];
      }
      rows.add(RowFactory.create(i, Vectors.dense(d)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("features", SQLDataTypes.VectorType());
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int k = 1; k < v.length; k++) {
      if (v[k] > v[best]) {
        best = k;
      }
    }
    return best;
  }

  private static void assertScoresMatch(Dataset<Row> scored, String predictionCol,
      String probabilityCol) {
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(ROWS);
    for (Row r : rows) {
      int id = r.getInt(r.fieldIndex("id"));
      assertThat(r.getDouble(r.fieldIndex(predictionCol))).isEqualTo(argmax(expected[id]));
      double[] p = ((Vector) r.get(r.fieldIndex(probabilityCol))).toArray();
      for (int k = 0; k < CLASSES; k++) {
        assertThat(p[k]).isCloseTo(expected[id][k], org.assertj.core.api.Assertions.within(1e-5));
      }
    }
  }

  @Test
  void transformScoresVectorsInPaddedBatchesLikeTheNetwork() {
    KindlingModel model = new KindlingModel(data).setBatchSize(5);
    assertScoresMatch(model.transform(vectorFrame()), "prediction", "probability");
  }

  @Test
  void transformAcceptsFloatArraysAndCustomColumns() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      List<Float> f = new ArrayList<>();
      for (float x : inputs[i]) {
        f.add(x);
      }
      rows.add(RowFactory.create(i, f));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    KindlingModel model = new KindlingModel(data).setFeaturesCol("pixels")
        .setPredictionCol("cls").setProbabilityCol("p").setBatchSize(64);
    assertScoresMatch(model.transform(df), "cls", "p");
  }

  @Test
  void transformSchemaChecksTheInputAndAppendsTheOutputs() {
    KindlingModel model = new KindlingModel(data);
    StructType out = model.transformSchema(vectorFrame().schema());
    assertThat(out.fieldNames()).containsExactly("id", "features", "prediction", "probability");
    assertThat(out.apply("prediction").dataType()).isEqualTo(DataTypes.DoubleType);
    assertThat(out.apply("probability").dataType()).isEqualTo(SQLDataTypes.VectorType());
    assertThat(model.setProbabilityCol("").transformSchema(vectorFrame().schema()).fieldNames())
        .containsExactly("id", "features", "prediction");
    StructType strings = new StructType().add("features", DataTypes.StringType);
    assertThatThrownBy(() -> model.transformSchema(strings))
        .hasMessageContaining("must be a Vector or array<float|double>").hasMessageContaining("string");
    assertThatThrownBy(() -> model.transformSchema(new StructType().add("x", DataTypes.IntegerType)))
        .hasMessageContaining("features column 'features' does not exist");
    StructType clash = vectorFrame().schema().add("prediction", DataTypes.DoubleType);
    assertThatThrownBy(() -> model.transformSchema(clash))
        .hasMessageContaining("'prediction' already exists");
  }

  @Test
  void paramsHaveDefaultsAndValidators() {
    KindlingModel model = new KindlingModel();
    assertThat(model.uid()).startsWith("kindling_");
    assertThat(model.getFeaturesCol()).isEqualTo("features");
    assertThat(model.getBatchSize()).isEqualTo(256);
    assertThat(model.getInputShape()).isEmpty();
    assertThatThrownBy(() -> model.setBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.setInputShape(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.setFeaturesCol("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(model.params()).extracting(p -> p.name()).contains("featuresCol", "predictionCol",
        "probabilityCol", "batchSize", "inputShape");
  }

  @Test
  void anEmptyModelRefusesToTransform() {
    assertThatThrownBy(() -> new KindlingModel("kindling_x").transform(vectorFrame()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no network");
  }

  @Test
  void copyKeepsUidParamsAndWeights() {
    KindlingModel model = new KindlingModel(data).setBatchSize(7);
    KindlingModel copy = model.copy(new ParamMap().put(model.predictionCol().w("pred")));
    assertThat(copy).isNotSameAs(model);
    assertThat(copy.uid()).isEqualTo(model.uid());
    assertThat(copy.getBatchSize()).isEqualTo(7);
    assertThat(copy.getPredictionCol()).isEqualTo("pred");
    assertThat(model.getPredictionCol()).isEqualTo("prediction");
    assertThat(copy.modelData()).isEqualTo(data);
  }

  @Test
  void saveRefusesAnExistingPathUnlessOverwriteAndLoadRestoresEverything() throws IOException {
    String path = dir.resolve("model").toString();
    KindlingModel model = new KindlingModel(data).setBatchSize(9).setInputShape(FEATURES)
        .setProbabilityCol("");
    model.write().save(path);
    assertThat(Path.of(path, "model-symbol.json")).exists();
    assertThat(Path.of(path, "model-0000.params")).exists();
    assertThat(Files.readString(Path.of(path, "metadata", "part-00000")))
        .contains("\"class\":\"org.kindling.spark.KindlingModel\"")
        .contains("\"uid\":\"" + model.uid() + "\"");
    assertThatThrownBy(() -> model.write().save(path)).hasMessageContaining("already exists");
    model.write().overwrite().save(path);

    KindlingModel loaded = KindlingModel.load(path);
    assertThat(loaded.uid()).isEqualTo(model.uid());
    assertThat(loaded.getBatchSize()).isEqualTo(9);
    assertThat(loaded.getInputShape()).containsExactly(FEATURES);
    assertThat(loaded.getProbabilityCol()).isEmpty();
    assertThat(loaded.isSet(loaded.featuresCol())).isFalse();
    assertThat(loaded.modelData()).isEqualTo(data);
    // the saved files are an MXNet checkpoint with prefix PATH/model, epoch 0
    KindlingModel fromCheckpoint = KindlingModel.fromCheckpoint(path + "/model", 0);
    assertThat(fromCheckpoint.modelData()).isEqualTo(data);
  }

  @Test
  void loadNamesTheProblemWithABrokenDirectory() throws IOException {
    Path path = dir.resolve("broken");
    Files.createDirectories(path.resolve("metadata"));
    Files.writeString(path.resolve("metadata/part-00000"), "{\"class\":\"org.example.Other\"}");
    assertThatThrownBy(() -> KindlingModel.load(path.toString()))
        .hasMessageContaining("org.example.Other").hasMessageContaining("not a");
    assertThatThrownBy(() -> KindlingModel.fromCheckpoint(dir.resolve("none/m").toString(), 3))
        .hasMessageContaining("none/m-symbol.json");
  }

  @Test
  void aCheckpointThatDoesNotFitTheInputShapeIsRefusedOnTheDriverNamingItsFile()
      throws IOException {
    // fc1 is (5, FEATURES): the names fit, the shapes only for FEATURES inputs
    String prefix = dir.resolve("shapes/m").toString();
    Files.createDirectories(dir.resolve("shapes"));
    Checkpoints.writeSymbol(prefix, data.symbolJson(), new org.apache.hadoop.conf.Configuration());
    Checkpoints.writeParams(prefix, 1, data.params(), new org.apache.hadoop.conf.Configuration());
    KindlingModel model = KindlingModel.fromCheckpoint(prefix, 1);
    Dataset<Row> frame = vectorFrame();
    assertThatThrownBy(() -> model.copy(new ParamMap()).setInputShape(FEATURES + 1)
        .transform(frame))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(prefix + "-0001.params: ")
        .hasMessageContaining("'fc1_weight' has shape (5, 6) but the symbol needs (5, 7)");
  }
}
