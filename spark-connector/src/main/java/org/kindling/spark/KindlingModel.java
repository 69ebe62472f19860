package org.kindling.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.kindling.tensor.Shape;

/**
 * A trained Kindling (or MXNet) network as a Spark ML {@link Model}: {@link #transform} scores
 * a DataFrame in batches and appends the predicted class and the class probabilities.
 *
 * <p>Follows Spark's conventions: a {@code (String uid)} constructor and a no-arg one with a
 * random uid; typed params with defaults and validators ({@code featuresCol} "features",
 * {@code predictionCol} "prediction", {@code probabilityCol} "probability" (empty to omit),
 * {@code batchSize} 256, {@code inputShape} empty = the length of the features); {@link
 * #transformSchema} checks the input and appends the outputs; {@link #copy} keeps params and
 * weights; {@link #write()} and the static {@link #read()} / {@link #load(String)} save and load
 * a directory with Spark's {@code metadata/} plus {@code model-symbol.json} and {@code
 * model-0000.params}, which MXNet's {@code load_checkpoint(path + "/model", 0)} reads.
 *
 * <p>Input: a column of {@code ml.linalg.Vector} or {@code array<float|double>}, each row one
 * example of {@code prod(inputShape)} values in row-major order. Output: {@code prediction}
 * (double, the argmax) and {@code probability} (a dense vector of the network's output row).
 *
 * <p>{@code transform} checks the parameters against the symbol on the driver (errors name the
 * checkpoint file and the parameter), broadcasts the symbol and parameters once; each partition
 * binds one inference executor of {@code (batchSize, inputShape...)} and maps its rows in batches
 * (the last batch is padded and the filler rows dropped). Array memory is capped by {@link
 * MemoryLimit#KEY} on the driver and the executors.
 */
public final class KindlingModel extends Model<KindlingModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  /** Name of the symbol file inside a saved model directory. */
  static final String SYMBOL_FILE = "model-symbol.json";

  /** Name of the parameters file inside a saved model directory (epoch 0). */
  static final String PARAMS_FILE = "model-0000.params";

  private final String uid;
  private final ModelData data;

  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final IntParam batchSize;
  private final IntArrayParam inputShape;

  /**
   * A model without a network, for Spark's reflection (e.g. {@code Params} introspection);
   * {@link #transform} on it fails. Use {@link #fromCheckpoint} or {@link #load}.
   */
  public KindlingModel(String uid) {
    this(uid, null);
  }

  /** A model without a network and with a random uid; see {@link #KindlingModel(String)}. */
  public KindlingModel() {
    this(Identifiable$.MODULE$.randomUID("kindling"));
  }

  /** A model of {@code data} with a random uid. */
  public KindlingModel(ModelData data) {
    this(Identifiable$.MODULE$.randomUID("kindling"), data);
  }

  /** A model of {@code data} (may be null for an empty model) with the given uid. */
  public KindlingModel(String uid, ModelData data) {
    this.uid = uid;
    this.data = data;
    featuresCol = new Param<>(this, "featuresCol",
        "features column: ml.linalg.Vector or array<float|double>, one example per row",
        nonEmpty());
    predictionCol = new Param<>(this, "predictionCol",
        "output column of the predicted class index (double)", nonEmpty());
    probabilityCol = new Param<>(this, "probabilityCol",
        "output column of the network's output row as a vector (empty: not produced)",
        (scala.Function1<String, Object> & java.io.Serializable) s -> s != null);
    batchSize = new IntParam(this, "batchSize",
        "rows scored per forward pass (the last batch of a partition is padded)",
        ParamValidators.<Object>gtEq(1));
    inputShape = new IntArrayParam(this, "inputShape",
        "shape of one example without the batch axis, e.g. [1, 28, 28]; empty means"
            + " [length of the features]",
        (scala.Function1<int[], Object> & java.io.Serializable)
            dims -> Arrays.stream(dims).allMatch(d -> d >= 1));
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(batchSize, 256);
    setDefault(inputShape, new int[0]);
  }

  private static scala.Function1<String, Object> nonEmpty() {
    // serializable, because a model (and so its params) may travel inside a user's closure
    return (scala.Function1<String, Object> & java.io.Serializable) s -> s != null && !s.isEmpty();
  }

  /**
   * The model of checkpoint {@code PREFIX-%04d.params} with {@code PREFIX-symbol.json}, read
   * from any Hadoop file system, with the active Spark session's Hadoop configuration (or a
   * default one when no session runs).
   *
   * @throws UncheckedIOException naming the file if a checkpoint file is missing or unreadable
   */
  public static KindlingModel fromCheckpoint(String prefix, int epoch) {
    return fromCheckpoint(prefix, epoch, activeHadoopConf());
  }

  /** As {@link #fromCheckpoint(String, int)} with an explicit Hadoop configuration. */
  public static KindlingModel fromCheckpoint(String prefix, int epoch, Configuration conf) {
    try {
      byte[] symbol = HadoopFiles.readAll(new Path(Checkpoints.symbolFile(prefix)), conf);
      byte[] params = HadoopFiles.readAll(new Path(Checkpoints.paramsFile(prefix, epoch)), conf);
      ModelData data = new ModelData(new String(symbol, java.nio.charset.StandardCharsets.UTF_8),
          params, Checkpoints.symbolFile(prefix), Checkpoints.paramsFile(prefix, epoch));
      NetworkRunner.validate(data, null);
      return new KindlingModel(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Configuration activeHadoopConf() {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isDefined()) {
      return active.get().sparkContext().hadoopConfiguration();
    }
    return new Configuration();
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The network and weights, or null for an empty model. */
  public ModelData modelData() {
    return data;
  }

  /** The features column param. */
  public Param<String> featuresCol() {
    return featuresCol;
  }

  /** The prediction column param. */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** The probability column param. */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  /** The batch size param. */
  public IntParam batchSize() {
    return batchSize;
  }

  /** The per-example input shape param. */
  public IntArrayParam inputShape() {
    return inputShape;
  }

  /** The features column name. */
  public String getFeaturesCol() {
    return $(featuresCol);
  }

  /** The prediction column name. */
  public String getPredictionCol() {
    return $(predictionCol);
  }

  /** The probability column name (empty: not produced). */
  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  /** Rows per forward pass. */
  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  /** The per-example input shape (empty: the features length). */
  public int[] getInputShape() {
    return $(inputShape).clone();
  }

  /** Sets the features column. */
  public KindlingModel setFeaturesCol(String value) {
    return (KindlingModel) set(featuresCol, value);
  }

  /** Sets the prediction column. */
  public KindlingModel setPredictionCol(String value) {
    return (KindlingModel) set(predictionCol, value);
  }

  /** Sets the probability column (empty to omit it). */
  public KindlingModel setProbabilityCol(String value) {
    return (KindlingModel) set(probabilityCol, value);
  }

  /** Sets the batch size. */
  public KindlingModel setBatchSize(int value) {
    return (KindlingModel) set(batchSize, value);
  }

  /** Sets the per-example input shape, e.g. {@code 1, 28, 28}. */
  public KindlingModel setInputShape(int... value) {
    return (KindlingModel) set(inputShape, value.clone());
  }

  /** Sets param {@code name} from its JSON encoding (used by the reader). */
  void setFromJson(String name, String json) {
    Param<Object> p = getParam(name);
    set(p, p.jsonDecode(json));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String features = getFeaturesCol();
    if (!Arrays.asList(schema.fieldNames()).contains(features)) {
      throw new IllegalArgumentException("features column '" + features
          + "' does not exist; columns: " + String.join(", ", schema.fieldNames()));
    }
    DataType t = schema.apply(features).dataType();
    boolean ok = t.equals(SQLDataTypes.VectorType())
        || (t instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
            || a.elementType().equals(DataTypes.DoubleType)));
    if (!ok) {
      throw new IllegalArgumentException("features column '" + features + "' must be a"
          + " Vector or array<float|double>, but is " + t.catalogString());
    }
    StructType out = schema;
    out = appendColumn(out, getPredictionCol(), DataTypes.DoubleType);
    if (!getProbabilityCol().isEmpty()) {
      out = appendColumn(out, getProbabilityCol(), SQLDataTypes.VectorType());
    }
    return out;
  }

  private static StructType appendColumn(StructType schema, String name, DataType type) {
    if (Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("output column '" + name + "' already exists");
    }
    return schema.add(new StructField(name, type, false, Metadata.empty()));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema(), true);
    if (data == null) {
      throw new IllegalStateException("KindlingModel " + uid + " has no network: create it with"
          + " KindlingModel.fromCheckpoint(prefix, epoch) or KindlingModel.load(path)");
    }
    KindlingConf.apply(dataset.sparkSession().sparkContext().getConf());
    if (getInputShape().length > 0) {
      // names and shapes checked here, on the driver, before any task starts
      try {
        NetworkRunner.validate(data, Shape.of(getInputShape()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<ModelData> shared = jsc.broadcast(data);
    int featuresIndex = dataset.schema().fieldIndex(getFeaturesCol());
    PartitionScorer scorer = new PartitionScorer(shared, featuresIndex, getInputShape(),
        getBatchSize(), !getProbabilityCol().isEmpty());
    return dataset.toDF().mapPartitions(scorer, Encoders.row(outSchema));
  }

  @Override
  public KindlingModel copy(ParamMap extra) {
    // defaultCopy would go through the (uid) constructor and lose the weights; copy them along
    KindlingModel copy = copyValues(new KindlingModel(uid, data), extra);
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new KindlingModelWriter(this);
  }

  /** A reader for models saved with {@link #write()}. */
  public static MLReader<KindlingModel> read() {
    return new KindlingModelReader();
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static KindlingModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "KindlingModel: uid=" + uid + (data == null ? ", empty" : ", " + data);
  }
}
