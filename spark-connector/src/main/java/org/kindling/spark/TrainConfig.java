package org.kindling.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything one training job needs, validated once in {@link Builder#build()} so that a bad
 * setting fails on the driver with a message naming the option, before any Spark stage starts.
 *
 * <p>Option names follow MXNet's {@code fit.py} and the Spark package ({@code --num-workers},
 * {@code --batch-size}, {@code --lr}, {@code --model-prefix}, ...); {@link TrainArgs} maps the
 * command line onto this class. The object is serializable because the barrier tasks receive it
 * in their closure.
 */
public final class TrainConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The built-in network names accepted by {@code --network}. */
  public static final String NETWORK_MLP = "mlp";

  private final String data;
  private final String valData;
  private final int numWorkers;
  private final int batchSize;
  private final int epochs;
  private final double learningRate;
  private final double momentum;
  private final double weightDecay;
  private final String network;
  private final int[] hidden;
  private final int numClasses;
  private final int[] inputShape;
  private final String symbolFile;
  private final String modelPrefix;
  private final String kvstore;
  private final long seed;
  private final int dispBatches;
  private final float scale;
  private final String master;
  private final String memoryLimit;

  private TrainConfig(Builder b) {
    this.data = b.data;
    this.valData = b.valData;
    this.numWorkers = b.numWorkers;
    this.batchSize = b.batchSize;
    this.epochs = b.epochs;
    this.learningRate = b.learningRate;
    this.momentum = b.momentum;
    this.weightDecay = b.weightDecay;
    this.network = b.network;
    this.hidden = b.hidden.clone();
    this.numClasses = b.numClasses;
    this.inputShape = b.inputShape.clone();
    this.symbolFile = b.symbolFile;
    this.modelPrefix = b.modelPrefix;
    this.kvstore = b.kvstore;
    this.seed = b.seed;
    this.dispBatches = b.dispBatches;
    this.scale = b.scale;
    this.master = b.master;
    this.memoryLimit = b.memoryLimit;
  }

  /** A builder with MXNet {@code fit.py}-like defaults (batch 128, lr 0.1, momentum 0.9). */
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
    b.learningRate = learningRate;
    b.momentum = momentum;
    b.weightDecay = weightDecay;
    b.network = network;
    b.hidden = hidden.clone();
    b.numClasses = numClasses;
    b.inputShape = inputShape.clone();
    b.symbolFile = symbolFile;
    b.modelPrefix = modelPrefix;
    b.kvstore = kvstore;
    b.seed = seed;
    b.dispBatches = dispBatches;
    b.scale = scale;
    b.master = master;
    b.memoryLimit = memoryLimit;
    return b;
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

  /** Number of passes over the data. */
  public int epochs() {
    return epochs;
  }

  /** SGD learning rate. */
  public double learningRate() {
    return learningRate;
  }

  /** SGD momentum in {@code [0, 1)}. */
  public double momentum() {
    return momentum;
  }

  /** L2 weight decay. */
  public double weightDecay() {
    return weightDecay;
  }

  /** The built-in network ({@code mlp}), or {@code null} when {@link #symbolFile()} is set. */
  public String network() {
    return network;
  }

  /** Hidden layer widths of the built-in MLP, e.g. {@code [256, 128]}. */
  public int[] hidden() {
    return hidden.clone();
  }

  /** Number of classes (width of the last FullyConnected layer of the built-in MLP). */
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

  /** A symbol JSON file (any Hadoop FS) to train instead of the built-in network, or null. */
  public String symbolFile() {
    return symbolFile;
  }

  /** Checkpoint prefix URI ({@code prefix-symbol.json}, {@code prefix-0001.params}), or null. */
  public String modelPrefix() {
    return modelPrefix;
  }

  /** KVStore type: {@code dist_sync} (the server on the driver) or {@code local} (one task). */
  public String kvstore() {
    return kvstore;
  }

  /** Seed for parameter initialization. */
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

  /** True when the job uses the parameter server on the driver. */
  public boolean distributed() {
    return kvstore.startsWith("dist");
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("TrainConfig{data=").append(data);
    if (valData != null) {
      s.append(", valData=").append(valData);
    }
    s.append(", numWorkers=").append(numWorkers)
        .append(", batchSize=").append(batchSize)
        .append(", epochs=").append(epochs)
        .append(", lr=").append(learningRate)
        .append(", momentum=").append(momentum)
        .append(", wd=").append(weightDecay);
    if (symbolFile != null) {
      s.append(", symbol=").append(symbolFile);
    } else {
      s.append(", network=").append(network)
          .append(", hidden=").append(Arrays.toString(hidden))
          .append(", numClasses=").append(numClasses);
    }
    s.append(", inputShape=").append(Arrays.toString(inputShape))
        .append(", kvstore=").append(kvstore)
        .append(", seed=").append(seed);
    if (modelPrefix != null) {
      s.append(", modelPrefix=").append(modelPrefix);
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
    private double learningRate = 0.1;
    private double momentum = 0.9;
    private double weightDecay = 1e-4;
    private String network = NETWORK_MLP;
    private int[] hidden = {256, 128};
    private int numClasses = 10;
    private int[] inputShape = {784};
    private String symbolFile;
    private String modelPrefix;
    private String kvstore = "dist_sync";
    private long seed = 42;
    private int dispBatches = 50;
    private float scale = 1f / 255f;
    private String master;
    private String memoryLimit;

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

    /** Number of epochs ({@code --epochs}). */
    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    /** Learning rate ({@code --lr}). */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** Momentum ({@code --momentum}). */
    public Builder momentum(double v) {
      momentum = v;
      return this;
    }

    /** Weight decay ({@code --wd}). */
    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    /** Built-in network name ({@code --network}); clears a symbol file. */
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

    /** Symbol JSON file to train ({@code --symbol}); replaces the built-in network. */
    public Builder symbolFile(String v) {
      symbolFile = v;
      return this;
    }

    /** Checkpoint prefix URI ({@code --model-prefix}), or null for no checkpoints. */
    public Builder modelPrefix(String v) {
      modelPrefix = v;
      return this;
    }

    /** KVStore type ({@code --kvstore}). */
    public Builder kvstore(String v) {
      kvstore = v;
      return this;
    }

    /** Initialization seed ({@code --seed}). */
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

    /** Spark master for embedded runs ({@code --master}), or null. */
    public Builder master(String v) {
      master = v;
      return this;
    }

    /** Array memory cap, e.g. {@code 2g} ({@code --memory-limit}), or null. */
    public Builder memoryLimit(String v) {
      memoryLimit = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the option and the value when a setting is invalid
     */
    public TrainConfig build() {
      if (data == null || data.isBlank()) {
        throw new IllegalArgumentException("--data is required: the training .rec file(s)");
      }
      if (valData != null && valData.isBlank()) {
        valData = null;
      }
      if (modelPrefix != null && modelPrefix.isBlank()) {
        modelPrefix = null;
      }
      require(numWorkers >= 1, "--num-workers must be >= 1, got " + numWorkers);
      require(batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
      require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
      require(learningRate > 0 && Double.isFinite(learningRate),
          "--lr must be a positive number, got " + learningRate);
      require(momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
      require(weightDecay >= 0 && Double.isFinite(weightDecay),
          "--wd must be >= 0, got " + weightDecay);
      require(dispBatches >= 1, "--disp-batches must be >= 1, got " + dispBatches);
      require(scale > 0 && Float.isFinite(scale), "--scale must be > 0, got " + scale);
      require(inputShape.length >= 1, "--input-shape must have at least one dimension");
      long size = 1;
      for (int d : inputShape) {
        require(d >= 1, "--input-shape dimensions must be >= 1, got " + Arrays.toString(inputShape));
        size *= d;
      }
      require(size <= (1 << 26), "--input-shape " + Arrays.toString(inputShape)
          + " has " + size + " values per example; the limit is " + (1 << 26));
      if (symbolFile != null && symbolFile.isBlank()) {
        symbolFile = null;
      }
      if (symbolFile == null) {
        network = Objects.requireNonNullElse(network, NETWORK_MLP).toLowerCase(Locale.ROOT);
        require(NETWORK_MLP.equals(network),
            "--network must be 'mlp' (or give --symbol FILE), got '" + network + "'");
        for (int h : hidden) {
          require(h >= 1, "--hidden widths must be >= 1, got " + Arrays.toString(hidden));
        }
        require(numClasses >= 2, "--num-classes must be >= 2, got " + numClasses);
      } else {
        network = null;
      }
      if (memoryLimit != null) {
        MemoryLimit.parse(memoryLimit, "--memory-limit");
      }
      kvstore = Objects.requireNonNullElse(kvstore, "").toLowerCase(Locale.ROOT);
      require(kvstore.equals("dist_sync") || kvstore.equals("local"),
          "--kvstore must be 'dist_sync' or 'local', got '" + kvstore + "'");
      require(!kvstore.equals("local") || numWorkers == 1,
          "--kvstore local trains in a single task: use --num-workers 1 (got " + numWorkers
              + ") or --kvstore dist_sync");
      return new TrainConfig(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
