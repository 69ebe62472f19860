package org.kindling.symbol.module;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.kindling.symbol.callback.TrainingCallback;
import org.kindling.symbol.init.Initializer;
import org.kindling.symbol.init.Uniform;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.metric.Metrics;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.OptimizerSpec;
import org.slf4j.LoggerFactory;

/**
 * The settings of {@link Module#fit}, with MXNet's {@code fit} defaults: metric {@code acc} for
 * training and evaluation, initializer {@code Uniform(0.01)}, optimizer {@code sgd} with {@code
 * learning_rate=0.01}, no store (local updates), epochs {@code beginEpoch} (0) to {@code
 * numEpoch} (required). The initializer, store and optimizer are used only where the module has
 * not done that step yet.
 */
public final class FitOptions {
  private final int beginEpoch;
  private final int numEpoch;
  private final EvalMetric evalMetric;
  private final EvalMetric validationMetric;
  private final List<TrainingCallback> callbacks;
  private final Initializer initializer;
  private final KVStore kvStore;
  private final OptimizerSpec optimizerSpec;
  private final Optimizer optimizer;
  private final Consumer<String> log;

  private FitOptions(Builder b) {
    this.beginEpoch = b.beginEpoch;
    this.numEpoch = b.numEpoch;
    this.evalMetric = b.evalMetric != null ? b.evalMetric : Metrics.create("acc");
    this.validationMetric = b.validationMetric != null ? b.validationMetric : evalMetric;
    this.callbacks = List.copyOf(b.callbacks);
    this.initializer = b.initializer;
    this.kvStore = b.kvStore;
    this.optimizerSpec = b.optimizerSpec;
    this.optimizer = b.optimizer;
    this.log = b.log;
  }

  /**
   * Starts the options of a fit that ends after epoch {@code numEpoch - 1} (MXNet's {@code
   * num_epoch}: the number of epochs completed at the end, counting those before {@code
   * beginEpoch}).
   */
  public static Builder builder(int numEpoch) {
    return new Builder(numEpoch);
  }

  /** The first epoch to run, counted from 0 (MXNet's {@code begin_epoch}). */
  public int beginEpoch() {
    return beginEpoch;
  }

  /** The epoch count at the end (MXNet's {@code num_epoch}). */
  public int numEpoch() {
    return numEpoch;
  }

  /** The training metric. */
  public EvalMetric evalMetric() {
    return evalMetric;
  }

  /** The evaluation metric (by default the training metric, as MXNet's). */
  public EvalMetric validationMetric() {
    return validationMetric;
  }

  /** The callbacks, notified in order. */
  public List<TrainingCallback> callbacks() {
    return callbacks;
  }

  /** The initializer for parameters not initialized yet. */
  public Initializer initializer() {
    return initializer;
  }

  /** The store updates go through, or null for local updates. */
  public KVStore kvStore() {
    return kvStore;
  }

  /** The optimizer spec (used unless {@link #optimizer()} is set). */
  public OptimizerSpec optimizerSpec() {
    return optimizerSpec;
  }

  /** An optimizer given as an object, or null. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** Where the per-epoch lines ({@code Epoch[0] Train-accuracy=...}) go. */
  public Consumer<String> log() {
    return log;
  }

  /** Mutable builder; {@link #build()} checks the epochs. */
  public static final class Builder {
    private final int numEpoch;
    private int beginEpoch;
    private EvalMetric evalMetric;
    private EvalMetric validationMetric;
    private final List<TrainingCallback> callbacks = new ArrayList<>();
    private Initializer initializer = new Uniform(0.01, 0);
    private KVStore kvStore;
    private OptimizerSpec optimizerSpec = OptimizerSpec.parse("sgd learning_rate=0.01");
    private Optimizer optimizer;
    private Consumer<String> log = LoggerFactory.getLogger(Module.class)::info;

    private Builder(int numEpoch) {
      this.numEpoch = numEpoch;
    }

    /** The first epoch to run, from 0; a resumed run passes the checkpoint's number. */
    public Builder beginEpoch(int v) {
      beginEpoch = v;
      return this;
    }

    /** The training metric (a {@code CompositeEvalMetric} for several). */
    public Builder evalMetric(EvalMetric m) {
      evalMetric = Objects.requireNonNull(m, "evalMetric");
      return this;
    }

    /** The evaluation metric, if it differs from the training one. */
    public Builder validationMetric(EvalMetric m) {
      validationMetric = Objects.requireNonNull(m, "validationMetric");
      return this;
    }

    /** Adds callbacks, notified in the order added. */
    public Builder callbacks(TrainingCallback... cs) {
      for (TrainingCallback c : cs) {
        callbacks.add(Objects.requireNonNull(c, "callback"));
      }
      return this;
    }

    /** Adds callbacks, notified in the order added. */
    public Builder callbacks(List<? extends TrainingCallback> cs) {
      return callbacks(cs.toArray(new TrainingCallback[0]));
    }

    /** The initializer for parameters the module has not initialized yet. */
    public Builder initializer(Initializer init) {
      initializer = Objects.requireNonNull(init, "initializer");
      return this;
    }

    /** The store updates go through (null: local updates). */
    public Builder kvStore(KVStore kv) {
      kvStore = kv;
      return this;
    }

    /** The optimizer as MXNet's name and parameters (completed by the module). */
    public Builder optimizer(OptimizerSpec spec) {
      optimizerSpec = Objects.requireNonNull(spec, "optimizer");
      optimizer = null;
      return this;
    }

    /** The optimizer as an object, used as is. */
    public Builder optimizer(Optimizer opt) {
      optimizer = Objects.requireNonNull(opt, "optimizer");
      return this;
    }

    /** Where the per-epoch lines go (default: the module's SLF4J logger at info). */
    public Builder log(Consumer<String> out) {
      log = Objects.requireNonNull(out, "log");
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException unless {@code 0 <= beginEpoch < numEpoch}
     */
    public FitOptions build() {
      if (beginEpoch < 0 || numEpoch <= beginEpoch) {
        throw new IllegalArgumentException("fit runs epochs beginEpoch .. numEpoch - 1: need 0 <= "
            + "beginEpoch < numEpoch, got beginEpoch " + beginEpoch + ", numEpoch " + numEpoch);
      }
      return new FitOptions(this);
    }
  }
}
