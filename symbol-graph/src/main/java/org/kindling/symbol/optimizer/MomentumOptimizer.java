package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.SgdUpdate;

/**
 * What the momentum optimizers (SGD, NAG, Signum) share: MXNet's {@code momentum} in [0, 1),
 * and one state array (the momentum) per parameter when it is nonzero, none otherwise. Without
 * momentum, SGD and NAG both run {@code sgd_update}.
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

  /** The spec keys of {@link #appendOwnSpec}. */
  static final List<String> KEYS = List.of("momentum");

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.number("momentum", momentum);
  }

  @Override
  final void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    if (momentum == 0) {
      stepWithoutMomentum(s, weight, grad);
    } else {
      stepWithMomentum(s, weight, grad, states[0]);
    }
  }

  /** Pushes the update when {@code momentum} is 0: {@code sgd_update}. */
  void stepWithoutMomentum(Step s, NDArray weight, NDArray grad) {
    applyInPlace(SgdUpdate.OP, new SgdUpdate.Params((float) s.lr(), (float) s.wd(),
        (float) rescaleGrad(), operatorClip(), true), weight, weight, grad);
  }

  /** Pushes the update with the momentum state {@code mom}. */
  abstract void stepWithMomentum(Step s, NDArray weight, NDArray grad, NDArray mom);

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
