package org.kindling.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.symbol.init.Initializers;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.init.WeightInitializer;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.metric.Metrics;
import org.kindling.symbol.optimizer.OptimizerSpec;
import org.kindling.symbol.spec.Spec;

/**
 * Everything one training job needs, validated once in {@link Builder#build()} so that a bad
 * setting fails on the driver with a message naming the option, before any Spark stage starts.
 * Settings are typed: the network ({@link NetworkSpec}), the store ({@link KVStoreKind}), the
 * optimizer ({@link OptimizerSpec}, MXNet's name and parameters), the initializer and the
 * metrics (MXNet-style {@link Spec}s, checked by building them once).
 *
 * <p>Option names follow MXNet's {@code fit.py} and the Spark package ({@code --num-workers},
 * {@code --batch-size}, {@code --lr}, {@code --model-prefix}, ...); {@link TrainArgs} maps the
 * command line onto this class. The object is serializable because the barrier tasks receive it
 * in their closure.
 */
public final class TrainConfig implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Optimizers whose default {@code learning_rate} is {@code fit.py}'s 0.1. */
  private static final Set<String> FIT_PY_LR = Set.of("sgd", "nag");
  /** Optimizers that get {@code fit.py}'s {@code --mom} (0.9), as its {@code has_momentum}. */
  private static final Set<String> HAS_MOMENTUM = Set.of("sgd", "nag", "signum");
  /** MXNet {@code fit.py}'s initializer. */
  public static final String DEFAULT_INITIALIZER =
      "xavier(rnd_type=gaussian, factor_type=in, magnitude=2)";
  /** The default metrics: MXNet's {@code accuracy}, and a loss for the history's loss panel. */
  public static final List<String> DEFAULT_METRICS = List.of("accuracy", "ce");

  private final String data;
  private final String valData;
  private final int numWorkers;
  private final int batchSize;
  private final int epochs;
  private final int beginEpoch;
  private final NetworkSpec network;
  private final int numClasses;
  private final int[] inputShape;
  private final OptimizerSpec optimizer;
  private final Spec initializer;
  private final List<Spec> metrics;
  private final String modelPrefix;
  private final boolean overwrite;
  private final boolean skipCorrupt;
  /** {@code --shuffle} / {@code --no-shuffle}, or null: the Spark conf's, else on. */
  private final Boolean shuffle;
  private final KVStoreKind kvstore;
  private final GradientCompression gradientCompression;
  private final Integer serverShards;
  private final Integer bigArrayBound;
  private final Integer numServers;
  private final Integer kvstorePort;
  private final Integer keyServerPort;
  private final long seed;
  private final int dispBatches;
  private final float scale;
  private final ImageInput image;
  private final String master;
  private final String memoryLimit;
  private final String accel;
  private final String threads;

  private TrainConfig(Builder b, NetworkSpec network, OptimizerSpec optimizer, Spec initializer,
      List<Spec> metrics, KVStoreKind kvstore, ImageInput image) {
    this.data = b.data;
    this.valData = b.valData;
    this.numWorkers = b.numWorkers;
    this.batchSize = b.batchSize;
    this.epochs = b.epochs;
    this.beginEpoch = b.beginEpoch;
    this.network = network;
    this.numClasses = b.numClasses;
    this.inputShape = b.inputShape.clone();
    this.optimizer = optimizer;
    this.initializer = initializer;
    this.metrics = List.copyOf(metrics);
    this.modelPrefix = b.modelPrefix;
    this.overwrite = b.overwrite;
    this.skipCorrupt = b.skipCorrupt;
    this.shuffle = b.shuffle;
    this.kvstore = kvstore;
    this.gradientCompression = b.gradientCompression;
    this.serverShards = b.serverShards;
    this.bigArrayBound = b.bigArrayBound;
    this.numServers = b.numServers;
    this.kvstorePort = b.kvstorePort;
    this.keyServerPort = b.keyServerPort;
    this.seed = b.seed;
    this.dispBatches = b.dispBatches;
    this.scale = b.scale;
    this.image = image;
    this.master = b.master;
    this.memoryLimit = b.memoryLimit;
    this.accel = b.accel;
    this.threads = b.threads;
  }

  /** A builder with MXNet {@code fit.py}-like defaults (batch 128, SGD lr 0.1, momentum 0.9). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.data = data;
    b.valData = valData;
    b.numWorkers = numWorkers;
    b.batchSize = batchSize;
    b.epochs = epochs;
    b.beginEpoch = beginEpoch;
    if (network instanceof NetworkSpec.SymbolFile f) {
      b.symbolFile = f.uri();
    } else if (network instanceof NetworkSpec.Mlp m) {
      b.network = NetworkSpec.Mlp.NAME;
      b.hidden = m.hidden().stream().mapToInt(Integer::intValue).toArray();
    } else if (network instanceof NetworkSpec.ZooNetwork z) {
      b.network = z.name();
    }
    b.numClasses = numClasses;
    b.inputShape = inputShape.clone();
    b.optimizerName = optimizer.name();
    optimizer.params().forEach((k, v) -> {
      switch (k) {
        case "learning_rate" -> b.learningRate = Double.parseDouble(v);
        case "momentum" -> b.momentum = Double.parseDouble(v);
        case "wd" -> b.weightDecay = Double.parseDouble(v);
        default -> b.optimizerParams.put(k, v);
      }
    });
    b.initializer = initializer.toString();
    b.metrics = metrics.stream().map(Spec::toString).toList();
    b.modelPrefix = modelPrefix;
    b.overwrite = overwrite;
    b.skipCorrupt = skipCorrupt;
    b.shuffle = shuffle;
    b.kvstore = kvstore;
    b.gradientCompression = gradientCompression;
    b.serverShards = serverShards;
    b.bigArrayBound = bigArrayBound;
    b.numServers = numServers;
    b.kvstorePort = kvstorePort;
    b.keyServerPort = keyServerPort;
    b.seed = seed;
    b.dispBatches = dispBatches;
    b.scale = scale;
    b.image = image.toBuilder();
    b.master = master;
    b.memoryLimit = memoryLimit;
    b.accel = accel;
    b.threads = threads;
    return b;
  }

  /**
   * The gradient compression of the pushes ({@code --gc-type}, {@code --gc-threshold}), or null
   * if not given here: then {@link TrainJob} takes it from the Spark conf ({@link
   * GradientCompressionConf}), else none.
   */
  public GradientCompression gradientCompression() {
    return gradientCompression;
  }

  /** Training data: one or more {@code .rec} URIs separated by {@code ;}. */
  public String data() {
    return data;
  }

  /** Validation data URI(s), or {@code null} when no per-epoch validation is wanted. */
  public String valData() {
    return valData;
  }

  /** Number of barrier tasks (workers), each training on one byte-range part of the data. */
  public int numWorkers() {
    return numWorkers;
  }

  /** Batch size per worker; the global batch of one synchronous step is this times workers. */
  public int batchSize() {
    return batchSize;
  }

  /** The number of epochs completed at the end (MXNet's {@code num_epoch}). */
  public int epochs() {
    return epochs;
  }

  /**
   * The checkpoint to continue from ({@code --begin-epoch}, MXNet {@code fit.py}'s {@code
   * --load-epoch}): 0 for a fresh run, else {@code PREFIX-%04d.params} of this number and its
   * {@code .states}; the run then trains epochs {@code beginEpoch + 1 .. epochs}.
   */
  public int beginEpoch() {
    return beginEpoch;
  }

  /** The network to train. */
  public NetworkSpec network() {
    return network;
  }

  /** Number of classes (width of the network's last FullyConnected layer). */
  public int numClasses() {
    return numClasses;
  }

  /** Shape of one example without the batch axis, e.g. {@code [784]} or {@code [1, 28, 28]}. */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** Number of values in one example: the product of {@link #inputShape()}. */
  public int exampleSize() {
    int n = 1;
    for (int d : inputShape) {
      n *= d;
    }
    return n;
  }

  /**
   * The optimizer by MXNet's name and parameters; {@code Module} completes it with {@code
   * rescale_grad = 1 / (batch * workers)} unless the parameters set it.
   */
  public OptimizerSpec optimizer() {
    return optimizer;
  }

  /** The initializer spec, e.g. {@code xavier(rnd_type=gaussian, magnitude=2)}. */
  public Spec initializer() {
    return initializer;
  }

  /** A new initializer of {@link #initializer()} seeded with {@link #seed()}. */
  public WeightInitializer createInitializer() {
    return Initializers.create(initializer, seed);
  }

  /** The metric specs, in order, e.g. {@code accuracy}, {@code ce}. */
  public List<Spec> metrics() {
    return metrics;
  }

  /** New metrics of {@link #metrics()}, in order. */
  public List<EvalMetric> createMetrics() {
    return metrics.stream().map(Metrics::create).toList();
  }

  /** Checkpoint prefix URI ({@code prefix-symbol.json}, {@code prefix-0001.params}), or null. */
  public String modelPrefix() {
    return modelPrefix;
  }

  /** True if existing {@code PREFIX-*} checkpoints may be replaced ({@code --overwrite}). */
  public boolean overwrite() {
    return overwrite;
  }

  /**
   * True if corrupt records (a bad image-record header, content of the wrong size, an image
   * that does not decode) are skipped, counted and reported instead of failing the job ({@code
   * --skip-corrupt}, or the Spark conf key {@value SkipCorruptConf#KEY}, which {@link TrainJob}
   * applies); in training and in validation.
   */
  public boolean skipCorrupt() {
    return skipCorrupt;
  }

  /**
   * True if each worker reads its part of the training data in a new order every epoch,
   * drawn from {@code (seed, epoch, part)} ({@link org.kindling.io.split.ShuffledPartSource};
   * decision 0056): {@code --shuffle} / {@code --no-shuffle}, else the Spark conf key {@value
   * ShuffleConf#KEY}, which {@link TrainJob} applies, else true, as MXNet's training scripts
   * and PyTorch users ask of training data. The validation data is always read in file order.
   */
  public boolean shuffle() {
    return shuffle == null || shuffle;
  }

  /** True if {@code --shuffle}, {@code --no-shuffle} or the Spark conf chose {@link #shuffle()}. */
  boolean shuffleChosen() {
    return shuffle != null;
  }

  /** The key-value store. */
  public KVStoreKind kvstore() {
    return kvstore;
  }

  /** Seed of the parameter initialization, of the shuffle and of random augmentations. */
  public long seed() {
    return seed;
  }

  /** Progress is reported every this many batches (MXNet's {@code --disp-batches}). */
  public int dispBatches() {
    return dispBatches;
  }

  /** Factor applied to raw pixel bytes when they become float inputs (1/255 maps to [0, 1]). */
  public float scale() {
    return scale;
  }

  /** How records become batches: raw pixels, or decoded images ({@code --data-shape}). */
  public ImageInput image() {
    return image;
  }

  /** Spark master for embedded runs, or null to take it from {@code spark-submit}. */
  public String master() {
    return master;
  }

  /**
   * The array memory cap ({@link MemoryLimit#KEY}) for the session the job creates, in Spark's
   * size syntax, or null to keep the session's setting.
   */
  public String memoryLimit() {
    return memoryLimit;
  }

  /**
   * The Kindling entries of the session the job runs in: {@link MemoryLimit#KEY} and {@link
   * CpuAccelConf}'s keys, where set ({@code --memory-limit}, {@code --accel}, {@code --threads}),
   * so that the driver and every executor apply them.
   */
  public Map<String, String> sessionConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (memoryLimit != null) {
      conf.put(MemoryLimit.KEY, memoryLimit);
    }
    conf.putAll(CpuAccelConf.entries(accel, "--accel", threads, "--threads"));
    return conf;
  }

  /**
   * The parameter server's shard threads ({@code --server-shards}), or null: {@link
   * ServerShardsConf}.
   */
  public Integer serverShards() {
    return serverShards;
  }

  /**
   * Elements from which a key is split across the server shards ({@code --bigarray-bound}), or
   * null: {@link ServerShardsConf}.
   */
  public Integer bigArrayBound() {
    return bigArrayBound;
  }

  /**
   * The key servers executors host for the job ({@code --num-servers}; 0: every key on the
   * driver's server), or null: {@link ServerShardsConf}.
   */
  public Integer numServers() {
    return numServers;
  }

  /**
   * The driver's parameter server's port ({@code --kvstore-port}; 0: any free port), or null:
   * {@link KVStorePortConf}.
   */
  public Integer kvstorePort() {
    return kvstorePort;
  }

  /**
   * The first port of the key servers executors host ({@code --key-server-port}; 0: any free
   * port), or null: {@link KVStorePortConf}.
   */
  public Integer keyServerPort() {
    return keyServerPort;
  }

  /** True when the job uses the parameter server on the driver. */
  public boolean distributed() {
    return kvstore.distributed();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("TrainConfig{data=").append(data);
    if (valData != null) {
      s.append(", valData=").append(valData);
    }
    s.append(", numWorkers=").append(numWorkers)
        .append(", batchSize=").append(batchSize)
        .append(", epochs=").append(epochs);
    if (beginEpoch > 0) {
      s.append(", beginEpoch=").append(beginEpoch);
    }
    s.append(", network=").append(network)
        .append(", numClasses=").append(numClasses)
        .append(", inputShape=").append(Arrays.toString(inputShape))
        .append(", input=").append(image)
        .append(", optimizer=").append(optimizer)
        .append(", initializer=").append(initializer)
        .append(", metrics=").append(metrics)
        .append(", kvstore=").append(kvstore);
    if (gradientCompression != null) {
      s.append(", gradientCompression=").append(gradientCompression);
    }
    if (serverShards != null) {
      s.append(", serverShards=").append(serverShards);
    }
    if (bigArrayBound != null) {
      s.append(", bigArrayBound=").append(bigArrayBound);
    }
    if (numServers != null) {
      s.append(", numServers=").append(numServers);
    }
    if (kvstorePort != null) {
      s.append(", kvstorePort=").append(kvstorePort);
    }
    if (keyServerPort != null) {
      s.append(", keyServerPort=").append(keyServerPort);
    }
    s.append(", seed=").append(seed);
    if (!shuffle()) {
      s.append(", noShuffle");
    }
    if (skipCorrupt) {
      s.append(", skipCorrupt");
    }
    if (modelPrefix != null) {
      s.append(", modelPrefix=").append(modelPrefix).append(overwrite ? " (overwrite)" : "");
    }
    return s.append('}').toString();
  }

  /** Mutable builder; {@link #build()} validates every field and names the bad option. */
  public static final class Builder {
    private String data;
    private String valData;
    private int numWorkers = 1;
    private int batchSize = 128;
    private int epochs = 10;
    private int beginEpoch;
    private String network = NetworkSpec.Mlp.NAME;
    private int[] hidden = {256, 128};
    private int numClasses = 10;
    /** Null: the data shape of decoded images, else 784. */
    private int[] inputShape;
    private String symbolFile;
    private String optimizerName = "sgd";
    private final Map<String, String> optimizerParams = new LinkedHashMap<>();
    private Double learningRate;
    private Double momentum;
    private Double weightDecay;
    private String initializer = DEFAULT_INITIALIZER;
    private List<String> metrics = DEFAULT_METRICS;
    private String modelPrefix;
    private boolean overwrite;
    private boolean skipCorrupt;
    private Boolean shuffle;
    private KVStoreKind kvstore = KVStoreKind.DIST_DEVICE_SYNC;
    private GradientCompression gradientCompression;
    private String gcType;
    private String gcThreshold;
    private Integer serverShards;
    private Integer bigArrayBound;
    private Integer numServers;
    private Integer kvstorePort;
    private Integer keyServerPort;
    private long seed = 42;
    private int dispBatches = 50;
    private float scale = 1f / 255f;
    private ImageInput.Builder image = ImageInput.builder();
    private String master;
    private String memoryLimit;
    private String accel;
    private String threads;

    private Builder() {}

    /** Training data URIs, {@code ;}-separated ({@code --data}). */
    public Builder data(String v) {
      data = v;
      return this;
    }

    /** Validation data URIs, or null ({@code --val-data}). */
    public Builder valData(String v) {
      valData = v;
      return this;
    }

    /** Number of workers ({@code --num-workers}). */
    public Builder numWorkers(int v) {
      numWorkers = v;
      return this;
    }

    /** Batch size per worker ({@code --batch-size}). */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** Epochs completed at the end ({@code --epochs}). */
    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    /** The checkpoint to continue from, 0 for none ({@code --begin-epoch}). */
    public Builder beginEpoch(int v) {
      beginEpoch = v;
      return this;
    }

    /** Network name: {@code mlp} or a zoo network ({@code --network}). */
    public Builder network(String v) {
      network = v;
      return this;
    }

    /** Hidden widths of the MLP ({@code --hidden 256,128}). */
    public Builder hidden(int... v) {
      hidden = v.clone();
      return this;
    }

    /** Number of classes ({@code --num-classes}). */
    public Builder numClasses(int v) {
      numClasses = v;
      return this;
    }

    /** Per-example input shape ({@code --input-shape 784} or {@code 1,28,28}). */
    public Builder inputShape(int... v) {
      inputShape = v.clone();
      return this;
    }

    /** Symbol JSON file to train ({@code --symbol}); replaces {@code --network}. */
    public Builder symbolFile(String v) {
      symbolFile = v;
      return this;
    }

    /** Optimizer name, MXNet's ({@code --optimizer}: sgd, nag, adam, adamw, ...). */
    public Builder optimizer(String v) {
      optimizerName = v;
      return this;
    }

    /** One optimizer parameter by MXNet's name ({@code --optimizer-params beta1=0.9}). */
    public Builder optimizerParam(String key, String value) {
      optimizerParams.put(key, value);
      return this;
    }

    /** Optimizer parameters by MXNet's names, added in order. */
    public Builder optimizerParams(Map<String, String> params) {
      optimizerParams.putAll(params);
      return this;
    }

    /** {@code learning_rate} ({@code --lr}). */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** {@code momentum} ({@code --momentum}), for optimizers that have one. */
    public Builder momentum(double v) {
      momentum = v;
      return this;
    }

    /** {@code wd} ({@code --wd}). */
    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    /** Initializer spec ({@code --initializer 'xavier(magnitude=2)'}). */
    public Builder initializer(String v) {
      initializer = v;
      return this;
    }

    /** Metric specs ({@code --metrics acc,ce}). */
    public Builder metrics(List<String> v) {
      metrics = List.copyOf(v);
      return this;
    }

    /** Metric specs ({@code --metrics acc,ce}). */
    public Builder metrics(String... v) {
      return metrics(List.of(v));
    }

    /** Checkpoint prefix URI ({@code --model-prefix}), or null for no checkpoints. */
    public Builder modelPrefix(String v) {
      modelPrefix = v;
      return this;
    }

    /** Allow replacing existing {@code PREFIX-*} checkpoints ({@code --overwrite}). */
    public Builder overwrite(boolean v) {
      overwrite = v;
      return this;
    }

    /** Skip, count and report corrupt records instead of failing ({@code --skip-corrupt}). */
    public Builder skipCorrupt(boolean v) {
      skipCorrupt = v;
      return this;
    }

    /**
     * Whether training reads each worker's part in a new order every epoch ({@code --shuffle},
     * {@code --no-shuffle}); not calling it leaves it to the Spark conf, else on.
     */
    public Builder shuffle(boolean v) {
      shuffle = v;
      return this;
    }

    /** KVStore type by MXNet's name ({@code --kvstore}). */
    public Builder kvstore(String v) {
      return kvstore(KVStoreKind.parse(v));
    }

    /** KVStore type. */
    public Builder kvstore(KVStoreKind v) {
      kvstore = v;
      return this;
    }

    /** Gradient compression: {@code 2bit}, {@code fp16} or {@code none} ({@code --gc-type}). */
    public Builder gcType(String v) {
      gcType = v;
      return this;
    }

    /** Threshold of 2-bit gradient compression ({@code --gc-threshold}; default 0.5). */
    public Builder gcThreshold(String v) {
      gcThreshold = v;
      return this;
    }

    /**
     * Gradient compression of the pushes; null (the default) leaves it to the Spark conf
     * ({@link GradientCompressionConf}), else off.
     */
    public Builder gradientCompression(GradientCompression v) {
      gradientCompression = v;
      gcType = null;
      gcThreshold = null;
      return this;
    }

    /** Seed of the parameter initialization and of the data's shuffle ({@code --seed}). */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Progress interval in batches ({@code --disp-batches}). */
    public Builder dispBatches(int v) {
      dispBatches = v;
      return this;
    }

    /** Pixel scale ({@code --scale}). */
    public Builder scale(float v) {
      scale = v;
      return this;
    }

    /** Raw pixels (the default) or decoded images ({@code --data-shape} and its options). */
    public Builder image(ImageInput.Builder v) {
      image = v;
      return this;
    }

    /** The image settings being built, for setting one option at a time. */
    public ImageInput.Builder imageOptions() {
      return image;
    }

    /** Spark master for embedded runs ({@code --master}), or null. */
    public Builder master(String v) {
      master = v;
      return this;
    }

    /** The parameter server's shard threads ({@code --server-shards}), or null. */
    public Builder serverShards(String v) {
      serverShards = v == null ? null : ServerShardsConf.shards(v, "--server-shards");
      return this;
    }

    /** Elements from which a key is split across the shards ({@code --bigarray-bound}), or null. */
    public Builder bigArrayBound(String v) {
      bigArrayBound = v == null ? null : ServerShardsConf.bound(v, "--bigarray-bound");
      return this;
    }

    /**
     * Key servers hosted by executors ({@code --num-servers}, 0 for none), or null for the Spark
     * conf's setting.
     */
    public Builder numServers(String v) {
      numServers = v == null ? null : ServerShardsConf.numServers(v, "--num-servers");
      return this;
    }

    /**
     * The driver's parameter server's port ({@code --kvstore-port}, 0 for any free port), or
     * null for the Spark conf's setting.
     */
    public Builder kvstorePort(String v) {
      kvstorePort = v == null ? null : KVStorePortConf.port(v, "--kvstore-port");
      return this;
    }

    /**
     * The key servers' first port ({@code --key-server-port}, 0 for any free port), or null for
     * the Spark conf's setting.
     */
    public Builder keyServerPort(String v) {
      keyServerPort = v == null ? null : KVStorePortConf.port(v, "--key-server-port");
      return this;
    }

    /** Array memory cap, e.g. {@code 2g} ({@code --memory-limit}), or null. */
    public Builder memoryLimit(String v) {
      memoryLimit = v;
      return this;
    }

    /**
     * The accelerated CPU kernels: {@code auto}, {@code off} or {@code force} ({@code
     * --accel}, {@link CpuAccelConf#MODE}), or null for the session's setting.
     */
    public Builder accel(String v) {
      accel = v;
      return this;
    }

    /** oneDNN threads per call ({@code --threads}, {@link CpuAccelConf#THREADS}), or null. */
    public Builder threads(String v) {
      threads = v;
      return this;
    }

    /**
     * Validates and builds: builds the network's symbol (zoo networks and the MLP; a symbol
     * file is read later, through Hadoop), the optimizer, the initializer and the metrics once.
     *
     * @throws IllegalArgumentException naming the option and the value when a setting is invalid
     */
    public TrainConfig build() {
      if (data == null || data.isBlank()) {
        throw new IllegalArgumentException("--data is required: the training .rec file(s)");
      }
      valData = blankToNull(valData);
      modelPrefix = blankToNull(modelPrefix);
      symbolFile = blankToNull(symbolFile);
      require(numWorkers >= 1, "--num-workers must be >= 1, got " + numWorkers);
      require(batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
      require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
      require(beginEpoch >= 0 && beginEpoch < epochs, "--begin-epoch must be in [0, --epochs),"
          + " got " + beginEpoch + " with --epochs " + epochs);
      require(beginEpoch == 0 || modelPrefix != null, "--begin-epoch " + beginEpoch
          + " continues from PREFIX-" + String.format("%04d", beginEpoch) + ".params: give"
          + " --model-prefix PREFIX");
      require(dispBatches >= 1, "--disp-batches must be >= 1, got " + dispBatches);
      require(scale > 0 && Float.isFinite(scale), "--scale must be > 0, got " + scale);
      require(numClasses >= 2, "--num-classes must be >= 2, got " + numClasses);
      ImageInput input = image.build();
      inputShape = resolveInputShape(input);
      require(inputShape.length >= 1, "--input-shape must have at least one dimension");
      long size = 1;
      for (int d : inputShape) {
        require(d >= 1, "--input-shape dimensions must be >= 1, got " + Arrays.toString(inputShape));
        size *= d;
      }
      require(size <= (1 << 26), "--input-shape " + Arrays.toString(inputShape)
          + " has " + size + " values per example; the limit is " + (1 << 26));
      if (memoryLimit != null) {
        MemoryLimit.parse(memoryLimit, "--memory-limit");
      }
      CpuAccelConf.entries(accel, "--accel", threads, "--threads"); // reads both, or fails
      require(kvstore != null, "--kvstore must be set");
      if (gcType != null || gcThreshold != null) {
        gradientCompression = GradientCompressionConf.parse(gcType, "--gc-type", gcThreshold,
            "--gc-threshold");
      }
      require(gradientCompression == null || !gradientCompression.enabled()
          || kvstore.distributed(), "--gc-type " + (gradientCompression == null ? ""
          : gradientCompression.type().mxName()) + " compresses the pushes to the driver's"
          + " parameter server: use a dist --kvstore (MXNet compresses for device and dist"
          + " stores only), not local");
      require(numServers == null || numServers == 0 || kvstore.distributed(), "--num-servers "
          + numServers + " hosts key servers of a parameter server: use a dist --kvstore, not "
          + kvstore.mxName());
      require(kvstorePort == null || kvstorePort == 0 || kvstore.distributed(), "--kvstore-port "
          + kvstorePort + " is the port of the driver's parameter server: use a dist --kvstore,"
          + " not " + kvstore.mxName());
      require(kvstore.distributed() || numWorkers == 1,
          "--kvstore local trains in a single task: use --num-workers 1 (got " + numWorkers
              + ") or --kvstore dist_sync");
      NetworkSpec net = symbolFile != null ? new NetworkSpec.SymbolFile(symbolFile)
          : NetworkSpec.named(network, hidden);
      checkNetwork(net);
      return new TrainConfig(this, net, optimizerSpec(), initializerSpec(), metricSpecs(),
          kvstore, input);
    }

    /** The network's input: {@code --input-shape}, else the decoded images' shape, else 784. */
    private int[] resolveInputShape(ImageInput input) {
      if (!input.decodes()) {
        return inputShape != null ? inputShape : new int[] {784};
      }
      int[] shape = input.dataShape();
      require(inputShape == null || Arrays.equals(inputShape, shape), "--input-shape "
          + (inputShape == null ? "" : Arrays.toString(inputShape)) + " differs from --data-shape "
          + Arrays.toString(shape) + ", the shape of the decoded images the network gets;"
          + " leave --input-shape out");
      return shape;
    }

    private void checkNetwork(NetworkSpec net) {
      if (net instanceof NetworkSpec.SymbolFile) {
        return;
      }
      try {
        net.build(numClasses, inputShape, null).inferShape(Map.of(Networks.DATA,
            org.kindling.tensor.Shape.of(prepend(1, inputShape))));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("built-in networks read no files", e);
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith("--network")) {
          throw e;
        }
        throw new IllegalArgumentException("--network " + net.describe(numClasses, inputShape)
            + " with --input-shape " + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
      }
    }

    private OptimizerSpec optimizerSpec() {
      String name = optimizerName == null ? "" : optimizerName.trim();
      require(!name.isEmpty(), "--optimizer needs a name (sgd, nag, adam, ...)");
      Map<String, String> params = new LinkedHashMap<>();
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      flag(params, "learning_rate", "--lr", learningRate,
          FIT_PY_LR.contains(lower) ? 0.1 : null);
      flag(params, "momentum", "--momentum", momentum,
          HAS_MOMENTUM.contains(lower) ? 0.9 : null);
      flag(params, "wd", "--wd", weightDecay, 1e-4);
      params.putAll(optimizerParams);
      OptimizerSpec spec;
      try {
        spec = OptimizerSpec.of(name, params);
        spec.create(); // validates every parameter; rescale_grad comes from the Module later
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--optimizer " + name + ": " + e.getMessage(), e);
      }
      return spec;
    }

    /**
     * Puts an option's value under {@code key}, or its default when neither the option nor
     * {@code --optimizer-params} gives one; both at once are ambiguous.
     */
    private void flag(Map<String, String> params, String key, String option, Double given,
        Double fallback) {
      if (given != null && optimizerParams.containsKey(key)) {
        throw new IllegalArgumentException(option + " and --optimizer-params " + key
            + "=... both set " + key + "; give one");
      }
      Double v = given != null ? given : optimizerParams.containsKey(key) ? null : fallback;
      if (v != null) {
        params.put(key, java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString());
      }
    }

    private Spec initializerSpec() {
      try {
        Spec s = Spec.parse(initializer == null ? "" : initializer, "initializer");
        Initializers.create(s, seed);
        return s;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--initializer: " + e.getMessage(), e);
      }
    }

    private List<Spec> metricSpecs() {
      require(metrics != null && !metrics.isEmpty(), "--metrics needs at least one metric");
      List<Spec> out = new ArrayList<>();
      for (String m : metrics) {
        Spec s;
        EvalMetric probe;
        try {
          s = Spec.parse(m, "metric");
          probe = Metrics.create(s);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--metrics: " + e.getMessage(), e);
        }
        try {
          probe.merge(0, 0); // the workers' sums are merged on the driver
        } catch (UnsupportedOperationException e) {
          throw new IllegalArgumentException("--metrics " + m + ": its value is not a function "
              + "of sums the workers could add up (" + e.getMessage() + "); choose another"
              + " metric or averaging", e);
        }
        out.add(s);
      }
      return out;
    }

    private static int[] prepend(int first, int[] rest) {
      int[] out = new int[rest.length + 1];
      out[0] = first;
      System.arraycopy(rest, 0, out, 1, rest.length);
      return out;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
