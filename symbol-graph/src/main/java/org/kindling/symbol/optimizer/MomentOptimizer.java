package org.kindling.symbol.optimizer;

/**
 * What the moment-based optimizers (Adam, AdamW, LAMB) share: the decay rates {@code beta1},
 * {@code beta2} in [0, 1) and {@code epsilon} (>= 0) of the mean and variance, which are their
 * two state arrays per parameter, and Adam's bias correction.
 */
public abstract sealed class MomentOptimizer extends BaseOptimizer permits Adam, AdamW, LAMB {
  private final double beta1;
  private final double beta2;
  private final double epsilon;

  MomentOptimizer(Builder<?> b) {
    super(b);
    String n = name();
    check(n, b.beta1 >= 0 && b.beta1 < 1, "beta1", b.beta1, "in [0, 1)");
    check(n, b.beta2 >= 0 && b.beta2 < 1, "beta2", b.beta2, "in [0, 1)");
    check(n, b.epsilon >= 0 && Double.isFinite(b.epsilon), "epsilon", b.epsilon,
        ">= 0 and finite");
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
  }

  /** {@code beta1}. */
  public final double beta1() {
    return beta1;
  }

  /** {@code beta2}. */
  public final double beta2() {
    return beta2;
  }

  /** {@code epsilon}. */
  public final double epsilon() {
    return epsilon;
  }

  @Override
  final int numStates() {
    return 2; // mean, variance
  }

  /** Appends {@code beta1}, {@code beta2} and {@code epsilon}, in MXNet's order. */
  final SpecWriter appendMoments(SpecWriter w) {
    return w.number("beta1", beta1).number("beta2", beta2).number("epsilon", epsilon);
  }

  /**
   * Adam's bias correction at a key's update {@code t} as MXNet's optimizers fold it into the
   * learning rate, in Python's double arithmetic: {@code sqrt(1 - beta2^t) / (1 - beta1^t)}.
   */
  final double biasCorrection(int t) {
    double coef1 = 1. - Math.pow(beta1, t);
    double coef2 = 1. - Math.pow(beta2, t);
    return Math.sqrt(coef2) / coef1;
  }

  /**
   * A builder that also sets the decay rates and {@code epsilon}.
   *
   * @param <B> the concrete builder
   */
  public abstract static sealed class Builder<B extends Builder<B>>
      extends BaseOptimizer.Builder<B> permits Adam.Builder, AdamW.Builder, LAMB.Builder {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon;

    /**
     * @param defaultLearningRate the optimizer's default, or null for MXNet's None
     * @param defaultEpsilon the optimizer's default epsilon
     */
    Builder(Double defaultLearningRate, double defaultEpsilon) {
      super(defaultLearningRate);
      this.epsilon = defaultEpsilon;
    }

    /** {@code beta1} in [0, 1) (default 0.9). */
    public final B beta1(double v) {
      beta1 = v;
      return self();
    }

    /** {@code beta2} in [0, 1) (default 0.999). */
    public final B beta2(double v) {
      beta2 = v;
      return self();
    }

    /** {@code epsilon} (default: the optimizer's, see its class). */
    public final B epsilon(double v) {
      epsilon = v;
      return self();
    }

    /** Reads the common keys, {@code beta1}, {@code beta2} and {@code epsilon} of a spec. */
    final B readMoments(SpecReader r) {
      readCommon(r);
      return beta1(r.number("beta1", beta1)).beta2(r.number("beta2", beta2))
          .epsilon(r.number("epsilon", epsilon));
    }
  }
}
