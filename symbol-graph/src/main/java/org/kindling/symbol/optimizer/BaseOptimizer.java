package org.kindling.symbol.optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;

/**
 * What MXNet's {@code mx.optimizer.Optimizer} base class does for every optimizer, keyed by
 * parameter name as MXNet's Module keys it ({@code param_idx2name}):
 *
 * <ul>
 *   <li><b>Counts.</b> Each update of a key first counts it: the key's count {@code t} starts at
 *       {@code begin_num_update} and grows by one, and {@code num_update} is the largest count
 *       so far ({@code _update_count}).
 *   <li><b>Learning rate.</b> Then the rate is the scheduler's at {@code num_update}, or the
 *       fixed {@code learning_rate} (0.01 when neither is given), times the key's
 *       {@code lr_mult} (default 1). A {@code learning_rate} given with a scheduler replaces the
 *       scheduler's {@code base_lr} ({@link LRScheduler#withBaseLr}).
 *   <li><b>Weight decay.</b> {@code wd} times the key's {@code wd_mult}: given explicitly, or 1
 *       for names ending in {@code _weight} or {@code _gamma} and 0 for the rest (biases, betas),
 *       as MXNet's {@code set_wd_mult} assigns.
 *   <li><b>Gradient.</b> {@code rescale_grad} and {@code clip_gradient} go to the update
 *       operators. MXNet's default {@code clip_gradient=None} is any negative value here; its
 *       operators receive -1 (off) for None and for 0, as Python's {@code if
 *       self.clip_gradient:} passes neither.
 *   <li><b>State.</b> A key's state arrays (zeros of the weight's shape) are made on its first
 *       update ({@code create_state}) and saved, with the counts, by {@link #saveStates}.
 * </ul>
 *
 * Each update pushes the operators' engine operations and returns; the weight is updated in
 * place. Updates are serialized on the optimizer, so its counts follow the order of the calls.
 * Weights and gradients are float32 ({@code multi_precision} is not offered: Kindling trains in
 * float32).
 */
public abstract sealed class BaseOptimizer implements Optimizer
    permits MomentumOptimizer, MomentOptimizer, RMSProp, AdaGrad, AdaDelta {
  /** MXNet's learning rate when neither {@code learning_rate} nor a scheduler is given. */
  static final double DEFAULT_LEARNING_RATE = 0.01;

  private final Double learningRate;
  private final LRScheduler lrScheduler;
  private final double wd;
  private final double rescaleGrad;
  private final double clipGradient;
  private final int beginNumUpdate;
  private final Map<String, Double> lrMult;
  private final Map<String, Double> wdMult;

  private final Map<String, OptimizerStates.Slot> slots = new LinkedHashMap<>();
  private int numUpdate;

  BaseOptimizer(Builder<?> b) {
    String n = name();
    LRScheduler s = b.lrScheduler;
    Double lr = b.learningRate;
    if (lr == null && s == null) {
      lr = DEFAULT_LEARNING_RATE;
    }
    if (lr != null) {
      check(n, lr > 0 && Double.isFinite(lr), "learning_rate", lr, "> 0 and finite");
      s = s == null ? null : s.withBaseLr(lr);
    }
    check(n, b.wd >= 0 && Double.isFinite(b.wd), "wd", b.wd, ">= 0 and finite");
    check(n, b.rescaleGrad > 0 && Double.isFinite(b.rescaleGrad), "rescale_grad", b.rescaleGrad,
        "> 0 and finite");
    check(n, !Double.isNaN(b.clipGradient), "clip_gradient", b.clipGradient,
        "a number (negative: no clipping)");
    check(n, b.beginNumUpdate >= 0, "begin_num_update", b.beginNumUpdate, ">= 0");
    for (Map<String, Double> m : List.of(b.lrMult, b.wdMult)) {
      for (Map.Entry<String, Double> e : m.entrySet()) {
        String which = (m == b.lrMult ? "lr_mult." : "wd_mult.") + e.getKey();
        check(n, !e.getKey().isEmpty() && !e.getKey().matches(".*[\\s=].*"), which, e.getValue(),
            "keyed by a parameter name without spaces or '='");
        check(n, e.getValue() >= 0 && Double.isFinite(e.getValue()), which, e.getValue(),
            ">= 0 and finite");
      }
    }
    this.learningRate = lr;
    this.lrScheduler = s;
    this.wd = b.wd;
    this.rescaleGrad = b.rescaleGrad;
    this.clipGradient = b.clipGradient;
    this.beginNumUpdate = b.beginNumUpdate;
    this.numUpdate = b.beginNumUpdate; // MXNet's num_update starts there too
    this.lrMult = Collections.unmodifiableMap(new LinkedHashMap<>(b.lrMult));
    this.wdMult = Collections.unmodifiableMap(new LinkedHashMap<>(b.wdMult));
  }

  /**
   * Throws an {@link IllegalArgumentException} {@code "<optimizer>: <param>=<value> must be
   * <rule>"} unless {@code ok}.
   */
  static void check(String optimizer, boolean ok, String param, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(optimizer + ": " + param + "=" + value + " must be "
          + rule);
    }
  }

  // ------------------------------------------------------------------ what subclasses define

  /** The optimizer's name in specs and MXNet's registry ({@code sgd}, {@code adam}, ...). */
  abstract String name();

  /** How many state arrays a parameter gets (MXNet's {@code create_state}). */
  abstract int numStates();

  /** Appends the optimizer's own parameters to its spec, in MXNet's order. */
  abstract void appendOwnSpec(SpecWriter w);

  /** What one update of one key uses: its learning rate and weight decay, and its count. */
  record Step(String key, double lr, double wd, int t) {}

  /**
   * Pushes the update of {@code weight} (in place) and {@code states}. Arrays made here are
   * closed when it returns (after their last use, through the engine).
   */
  abstract void step(Step s, NDArray weight, NDArray grad, NDArray[] states);

  // ------------------------------------------------------------------ settings

  /**
   * The learning rate before any schedule: {@code learning_rate}, else the scheduler's
   * {@code base_lr}.
   */
  public final double learningRate() {
    return learningRate != null ? learningRate : lrScheduler.baseLr();
  }

  /** The schedule, or null for a fixed rate. */
  public final LRScheduler lrScheduler() {
    return lrScheduler;
  }

  /** {@code wd}. */
  public final double wd() {
    return wd;
  }

  /** {@code rescale_grad}. */
  public final double rescaleGrad() {
    return rescaleGrad;
  }

  /** {@code clip_gradient} (negative: off). */
  public final double clipGradient() {
    return clipGradient;
  }

  /** {@code begin_num_update}. */
  public final int beginNumUpdate() {
    return beginNumUpdate;
  }

  /** The learning-rate multipliers given by name. */
  public final Map<String, Double> lrMult() {
    return lrMult;
  }

  /** The weight-decay multipliers given by name (others follow the name rule). */
  public final Map<String, Double> wdMult() {
    return wdMult;
  }

  /**
   * {@code num_update}: the largest update count of any key so far ({@code begin_num_update}
   * before the first update).
   */
  public final synchronized int numUpdate() {
    return numUpdate;
  }

  /** The key's update count so far ({@code begin_num_update} before its first update). */
  public final synchronized int updateCount(String key) {
    OptimizerStates.Slot s = slots.get(key);
    return s == null ? beginNumUpdate : s.count;
  }

  /** The learning rate at {@code num_update}, before the key's multiplier. */
  final double learningRateAt(int n) {
    return lrScheduler != null ? lrScheduler.learningRate(n) : learningRate;
  }

  /** The key's {@code lr_mult}. */
  final double lrMultOf(String key) {
    return lrMult.getOrDefault(key, 1.0);
  }

  /** The key's {@code wd_mult}: explicit, else 1 for {@code _weight}/{@code _gamma}, else 0. */
  final double wdMultOf(String key) {
    Double m = wdMult.get(key);
    if (m != null) {
      return m;
    }
    return key.endsWith("_weight") || key.endsWith("_gamma") ? 1 : 0;
  }

  /**
   * The {@code clip_gradient} the update operators receive: the value if positive, else -1,
   * as Python's {@code if self.clip_gradient:} (None and 0 are not passed).
   */
  final float operatorClip() {
    return clipGradient > 0 ? (float) clipGradient : -1f;
  }

  // ------------------------------------------------------------------ updates

  @Override
  public final synchronized void update(String key, NDArray weight, NDArray grad) {
    String n = name();
    if (!weight.shape().equals(grad.shape())) {
      throw new IllegalArgumentException(n + " update of '" + key + "': weight " + weight.shape()
          + " and gradient " + grad.shape() + " differ");
    }
    if (weight.dtype() != DType.FLOAT32 || grad.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(n + " update of '" + key + "' needs float32 arrays, "
          + "got weight " + weight.dtype().numpyName() + " and gradient "
          + grad.dtype().numpyName());
    }
    OptimizerStates.Slot slot = slots.get(key);
    if (slot == null) {
      NDArray[] states = new NDArray[numStates()];
      for (int i = 0; i < states.length; i++) {
        states[i] = NDScope.unscoped(NDArray.zeros(weight.shape()));
      }
      slot = new OptimizerStates.Slot(weight.shape(), beginNumUpdate, states);
      slots.put(key, slot);
    } else if (slot.shape == null) {
      slot.shape = weight.shape(); // restored without state arrays
    } else if (!slot.shape.equals(weight.shape())) {
      throw new IllegalArgumentException(n + " update of '" + key + "': weight shape changed "
          + "from " + slot.shape + " to " + weight.shape());
    }
    slot.count++;
    numUpdate = Math.max(numUpdate, slot.count);
    Step s = new Step(key, learningRateAt(numUpdate) * lrMultOf(key), wd * wdMultOf(key),
        slot.count);
    try (NDScope scope = NDScope.open()) {
      step(s, weight, grad, slot.states);
    }
  }

  /** Pushes {@code op} with the weight as its own output (MXNet's {@code out=weight}). */
  static <P extends Record> void applyInPlace(OpDef<P> op, P params, NDArray weight,
      NDArray... inputs) {
    Imperative.invokeInto(OpInstance.of(op, params), false, inputs, new NDArray[] {weight});
  }

  // ------------------------------------------------------------------ spec and states

  @Override
  public final String spec() {
    SpecWriter w = new SpecWriter(name());
    if (learningRate != null) {
      w.number("learning_rate", learningRate);
    }
    appendOwnSpec(w);
    w.number("wd", wd).number("rescale_grad", rescaleGrad).number("clip_gradient", clipGradient);
    if (beginNumUpdate != 0) {
      w.integer("begin_num_update", beginNumUpdate);
    }
    if (lrScheduler != null) {
      lrScheduler.appendSpec(w);
    }
    lrMult.forEach((k, v) -> w.number("lr_mult." + k, v));
    wdMult.forEach((k, v) -> w.number("wd_mult." + k, v));
    return w.toString();
  }

  @Override
  public String toString() {
    return spec();
  }

  /**
   * {@inheritDoc} The file also records this optimizer's spec; {@link #loadStates} checks only
   * that it names the same optimizer, so settings such as the learning rate may change between
   * saving and loading (as MXNet allows).
   */
  @Override
  public final synchronized byte[] saveStates() {
    return OptimizerStates.write(spec(), numUpdate, slots);
  }

  /**
   * {@inheritDoc} Replaces every key's state and count and {@code num_update} with the file's.
   *
   * @throws IllegalArgumentException if the bytes are not a state file, were saved by another
   *     optimizer, or hold another number of state arrays per key than this optimizer keeps
   *     (e.g. SGD with and without momentum); nothing changes then
   */
  @Override
  public final synchronized void loadStates(byte[] states) {
    OptimizerStates.Contents c = OptimizerStates.read(states, spec(), numStates());
    slots.values().forEach(OptimizerStates.Slot::close);
    slots.clear();
    slots.putAll(c.slots());
    numUpdate = c.numUpdate();
  }

  /** Releases every key's state arrays (after the updates already pushed); counts are kept. */
  @Override
  public final synchronized void close() {
    slots.values().forEach(OptimizerStates.Slot::close);
    slots.clear();
  }

  // ------------------------------------------------------------------ builder

  /**
   * What every optimizer's builder sets: MXNet's {@code Optimizer} arguments.
   *
   * @param <B> the concrete builder
   */
  public abstract static sealed class Builder<B extends Builder<B>>
      permits MomentumOptimizer.Builder, MomentOptimizer.Builder, RMSProp.Builder,
          AdaGrad.Builder, AdaDelta.Builder {
    private Double learningRate;
    private LRScheduler lrScheduler;
    private double wd;
    private double rescaleGrad = 1;
    private double clipGradient = -1;
    private int beginNumUpdate;
    private final Map<String, Double> lrMult = new LinkedHashMap<>();
    private final Map<String, Double> wdMult = new LinkedHashMap<>();

    /** @param defaultLearningRate the optimizer's default, or null for MXNet's None */
    Builder(Double defaultLearningRate) {
      this.learningRate = defaultLearningRate;
    }

    @SuppressWarnings("unchecked")
    final B self() {
      return (B) this;
    }

    /** {@code learning_rate} (> 0); with a scheduler, it replaces the scheduler's base rate. */
    public final B learningRate(double v) {
      learningRate = v;
      return self();
    }

    /** {@code lr_scheduler}. */
    public final B lrScheduler(LRScheduler s) {
      lrScheduler = s;
      return self();
    }

    /** {@code wd} (>= 0, default 0). */
    public final B wd(double v) {
      wd = v;
      return self();
    }

    /** {@code rescale_grad} (> 0, default 1), usually {@code 1/batch_size}. */
    public final B rescaleGrad(double v) {
      rescaleGrad = v;
      return self();
    }

    /** {@code clip_gradient}; negative (the default) disables clipping. */
    public final B clipGradient(double v) {
      clipGradient = v;
      return self();
    }

    /** {@code begin_num_update} (default 0): the count every key starts from. */
    public final B beginNumUpdate(int v) {
      beginNumUpdate = v;
      return self();
    }

    /** The learning-rate multiplier of the parameter {@code name} (MXNet's {@code lr_mult}). */
    public final B lrMult(String name, double v) {
      lrMult.put(name, v);
      return self();
    }

    /** The weight-decay multiplier of the parameter {@code name} (MXNet's {@code wd_mult}). */
    public final B wdMult(String name, double v) {
      wdMult.put(name, v);
      return self();
    }

    /** Reads the common keys of a spec (see {@link Optimizers#fromSpec}). */
    final B readCommon(SpecReader r) {
      Double lr = r.optionalNumber("learning_rate");
      Double alias = r.optionalNumber("lr");
      if (lr != null && alias != null) {
        throw r.error("lr", "repeats learning_rate");
      }
      if (lr != null || alias != null) {
        learningRate(lr != null ? lr : alias);
      }
      lrScheduler = LRScheduler.fromSpec(r);
      wd = r.number("wd", wd);
      rescaleGrad = r.number("rescale_grad", rescaleGrad);
      clipGradient = r.number("clip_gradient", clipGradient);
      beginNumUpdate = r.integer("begin_num_update", beginNumUpdate);
      for (String k : r.withPrefix("lr_mult.")) {
        lrMult.put(k.substring("lr_mult.".length()), r.number(k, 1));
      }
      for (String k : r.withPrefix("wd_mult.")) {
        wdMult.put(k.substring("wd_mult.".length()), r.number(k, 1));
      }
      return self();
    }

    /** The common keys, for messages about unknown ones. */
    static List<String> commonKeys(List<String> own) {
      List<String> all = new ArrayList<>(List.of("learning_rate"));
      all.addAll(own);
      all.addAll(List.of("wd", "rescale_grad", "clip_gradient", "begin_num_update",
          "lr_scheduler", "lr_scheduler.<key>", "lr_mult.<name>", "wd_mult.<name>"));
      return all;
    }
  }
}
