package org.kindling.symbol.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A learning-rate schedule as MXNet's {@code mx.lr_scheduler}: the learning rate as a function
 * of {@code num_update}, the largest update count of any weight (which only grows), with an
 * optional warm-up over the first {@code warmup_steps} updates.
 *
 * <p>MXNet's schedulers are stateful objects that advance as they are called; since
 * {@code num_update} never decreases, their answer is a function of {@code num_update} alone,
 * which is how Kindling computes it (so an optimizer restored from its saved {@code num_update}
 * continues the schedule exactly).
 *
 * <p><b>Base rates.</b> {@link #baseLr()} is the rate the decay starts from. MXNet's optimizer
 * overwrites a scheduler's {@code base_lr} with its own {@code learning_rate} when it has one
 * ({@link #withBaseLr}), but the warm-up still climbs to the scheduler's own constructed rate
 * ({@code warmup_final_lr}), and the polynomial and cosine decays start from it too
 * ({@code base_lr_orig}): {@link #constructedLr()} keeps that rate.
 */
public abstract sealed class LRScheduler
    permits FactorScheduler, MultiFactorScheduler, AnnealingScheduler {

  /** MXNet's {@code warmup_mode}. */
  public enum WarmupMode {
    /** From {@code warmup_begin_lr} up to the base rate in equal steps. */
    LINEAR,
    /** {@code warmup_begin_lr} throughout the warm-up. */
    CONSTANT;

    /** MXNet's spelling. */
    public String mxName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses MXNet's spelling.
     *
     * @throws IllegalArgumentException for another word
     */
    public static WarmupMode of(String s) {
      for (WarmupMode m : values()) {
        if (m.mxName().equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("warmup_mode '" + s + "' is not 'linear' or 'constant'");
    }
  }

  /** What every scheduler takes: MXNet's {@code LRScheduler} arguments. */
  record Common(double baseLr, double constructedLr, int warmupSteps, double warmupBeginLr,
      WarmupMode warmupMode) {
    Common {
      if (warmupSteps < 0) {
        throw new IllegalArgumentException("lr_scheduler: warmup_steps=" + warmupSteps
            + " must be >= 0");
      }
      if (warmupBeginLr > constructedLr) {
        throw new IllegalArgumentException("lr_scheduler: warmup_begin_lr=" + warmupBeginLr
            + " must not exceed base_lr=" + constructedLr + " (MXNet: \"Base lr has to be higher"
            + " than warmup_begin_lr\")");
      }
      if (warmupMode == null) {
        throw new IllegalArgumentException("lr_scheduler: warmup_mode must be given");
      }
    }

    /** These arguments with MXNet's optimizer override of {@code base_lr} (see withBaseLr). */
    Common withBaseLr(double lr) {
      return new Common(lr, constructedLr, warmupSteps, warmupBeginLr, warmupMode);
    }
  }

  private final Common common;

  LRScheduler(Common common) {
    this.common = common;
  }

  final Common common() {
    return common;
  }

  /** The rate the decay starts from (MXNet's {@code base_lr}, possibly the optimizer's). */
  public final double baseLr() {
    return common.baseLr();
  }

  /** The {@code base_lr} the scheduler was made with (warm-up target, poly/cosine start). */
  public final double constructedLr() {
    return common.constructedLr();
  }

  /** {@code warmup_steps}. */
  public final int warmupSteps() {
    return common.warmupSteps();
  }

  /** {@code warmup_begin_lr}. */
  public final double warmupBeginLr() {
    return common.warmupBeginLr();
  }

  /** {@code warmup_mode}. */
  public final WarmupMode warmupMode() {
    return common.warmupMode();
  }

  /**
   * The learning rate after {@code numUpdate} updates, as MXNet's {@code scheduler(num_update)}.
   */
  public final double learningRate(int numUpdate) {
    if (numUpdate < common.warmupSteps()) {
      if (common.warmupMode() == WarmupMode.CONSTANT) {
        return common.warmupBeginLr();
      }
      double increase = (common.constructedLr() - common.warmupBeginLr())
          * (double) numUpdate / (double) common.warmupSteps();
      return common.warmupBeginLr() + increase;
    }
    return decayed(numUpdate);
  }

  /**
   * Checks a decay {@code factor}: at most 1, so the rate never grows.
   *
   * @throws IllegalArgumentException naming the scheduler and the factor
   */
  final void checkFactor(double factor) {
    if (!(factor <= 1.0)) {
      throw new IllegalArgumentException(kind() + " scheduler: factor=" + factor
          + " must be at most 1 (the rate must not grow)");
    }
  }

  /** The rate after the warm-up. */
  abstract double decayed(int numUpdate);

  /**
   * This schedule with MXNet's optimizer override: {@code base_lr} becomes {@code lr}, the warm-up
   * target and the poly/cosine start stay.
   */
  public abstract LRScheduler withBaseLr(double lr);

  /** The scheduler's name in a spec ({@code factor}, {@code multifactor}, ...). */
  abstract String kind();

  /** Writes {@code lr_scheduler=<kind>} and its {@code lr_scheduler.<key>=<value>} pairs. */
  final void appendSpec(SpecWriter w) {
    w.word("lr_scheduler", kind());
    appendOwnSpec(w);
    w.number("lr_scheduler.base_lr", common.constructedLr());
    w.integer("lr_scheduler.warmup_steps", common.warmupSteps());
    w.number("lr_scheduler.warmup_begin_lr", common.warmupBeginLr());
    w.word("lr_scheduler.warmup_mode", common.warmupMode().mxName());
  }

  /** Writes the scheduler's own {@code lr_scheduler.<key>=<value>} pairs. */
  abstract void appendOwnSpec(SpecWriter w);

  /** The spec keys every scheduler reads besides its own. */
  private static final List<String> COMMON_KEYS = List.of("lr_scheduler.base_lr",
      "lr_scheduler.warmup_steps", "lr_scheduler.warmup_begin_lr", "lr_scheduler.warmup_mode");

  /** Reads the common keys, with MXNet's defaults (base 0.01, no warm-up, linear). */
  static Common readCommon(SpecReader r) {
    double base = r.number("lr_scheduler.base_lr", 0.01);
    String mode = r.word("lr_scheduler.warmup_mode", "linear");
    WarmupMode m;
    try {
      m = WarmupMode.of(mode);
    } catch (IllegalArgumentException e) {
      throw r.error("lr_scheduler.warmup_mode", e.getMessage());
    }
    return new Common(base, base, r.integer("lr_scheduler.warmup_steps", 0),
        r.number("lr_scheduler.warmup_begin_lr", 0), m);
  }

  /**
   * Reads the scheduler of a spec, or null if it names none.
   *
   * @throws IllegalArgumentException naming the spec and key for an unknown kind, an unknown
   *     {@code lr_scheduler.} key or a bad value
   */
  static LRScheduler fromSpec(SpecReader r) {
    if (!r.has("lr_scheduler")) {
      for (String k : r.keys()) {
        if (k.startsWith("lr_scheduler.")) {
          throw r.error(k, "is given without lr_scheduler=<factor|multifactor|poly|cosine>");
        }
      }
      return null;
    }
    String kind = r.word("lr_scheduler", null);
    LRScheduler s;
    List<String> own;
    switch (kind) {
      case "factor" -> {
        s = FactorScheduler.fromSpec(r);
        own = FactorScheduler.KEYS;
      }
      case "multifactor" -> {
        s = MultiFactorScheduler.fromSpec(r);
        own = MultiFactorScheduler.KEYS;
      }
      case "poly" -> {
        s = PolyScheduler.fromSpec(r);
        own = PolyScheduler.KEYS;
      }
      case "cosine" -> {
        s = CosineScheduler.fromSpec(r);
        own = CosineScheduler.KEYS;
      }
      default -> throw r.error("lr_scheduler", "unknown scheduler '" + kind
          + "' (supported: factor, multifactor, poly, cosine)");
    }
    List<String> known = new ArrayList<>(own);
    known.addAll(COMMON_KEYS);
    r.requireUsed("lr_scheduler.", kind + " scheduler", known);
    return s;
  }

  /**
   * What every scheduler builder sets: MXNet's {@code LRScheduler} arguments.
   *
   * @param <B> the concrete builder
   */
  public abstract static sealed class Builder<B extends Builder<B>>
      permits FactorScheduler.Builder, MultiFactorScheduler.Builder, PolyScheduler.Builder,
          CosineScheduler.Builder {
    private double baseLr = 0.01;
    private int warmupSteps;
    private double warmupBeginLr;
    private WarmupMode warmupMode = WarmupMode.LINEAR;

    Builder() {}

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** {@code base_lr} (default 0.01). */
    public B baseLr(double v) {
      baseLr = v;
      return self();
    }

    /** {@code warmup_steps} (default 0: no warm-up). */
    public B warmupSteps(int v) {
      warmupSteps = v;
      return self();
    }

    /** {@code warmup_begin_lr} (default 0). */
    public B warmupBeginLr(double v) {
      warmupBeginLr = v;
      return self();
    }

    /** {@code warmup_mode} (default linear). */
    public B warmupMode(WarmupMode v) {
      warmupMode = v;
      return self();
    }

    final Common common() {
      return new Common(baseLr, baseLr, warmupSteps, warmupBeginLr, warmupMode);
    }
  }

  @Override
  public final String toString() {
    SpecWriter w = new SpecWriter();
    appendSpec(w);
    return w.toString();
  }
}
