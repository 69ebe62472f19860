package org.kindling.symbol.optimizer;

/**
 * What the momentum optimizers (SGD, NAG, Signum) share: MXNet's {@code momentum} in [0, 1),
 * and one state array (the momentum) per parameter when it is nonzero, none otherwise.
 */
public abstract sealed class MomentumOptimizer extends BaseOptimizer permits SGD, NAG, Signum {
  private final double momentum;

  MomentumOptimizer(Builder<?> b) {
    super(b);
    check(name(), b.momentum >= 0 && b.momentum < 1, "momentum", b.momentum, "in [0, 1)");
    this.momentum = b.momentum;
  }

  /** {@code momentum}. */
  public final double momentum() {
    return momentum;
  }

  @Override
  final int numStates() {
    return momentum != 0 ? 1 : 0;
  }

  /**
   * A builder that also sets {@code momentum}.
   *
   * @param <B> the concrete builder
   */
  public abstract static sealed class Builder<B extends Builder<B>>
      extends BaseOptimizer.Builder<B> permits SGD.Builder, NAG.Builder, Signum.Builder {
    private double momentum;

    /**
     * @param defaultLearningRate the optimizer's default, or null for MXNet's None
     * @param defaultMomentum the optimizer's default momentum
     */
    Builder(Double defaultLearningRate, double defaultMomentum) {
      super(defaultLearningRate);
      this.momentum = defaultMomentum;
    }

    /** {@code momentum} in [0, 1) (default: the optimizer's, see its class). */
    public final B momentum(double v) {
      momentum = v;
      return self();
    }

    /** Reads the common keys and {@code momentum} of a spec. */
    final B readMomentum(SpecReader r) {
      readCommon(r);
      return momentum(r.number("momentum", momentum));
    }
  }
}
