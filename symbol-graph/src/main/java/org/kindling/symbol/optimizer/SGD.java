package org.kindling.symbol.optimizer;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.SgdMomUpdate;

/**
 * MXNet's {@code SGD} optimizer: {@code sgd_update}, or {@code sgd_mom_update} with a momentum
 * state when {@code momentum != 0}. With {@code g = clip(rescale_grad·grad, clip_gradient)}:
 *
 * <pre>
 *   momentum == 0:  weight = (1 - lr·wd)·weight - lr·g
 *   momentum != 0:  mom = momentum·mom - lr·wd·weight - lr·g;  weight = weight + mom
 * </pre>
 *
 * Defaults as MXNet's: {@code learning_rate} None (0.01 without a scheduler), momentum 0. The
 * learning rate, weight decay and counts follow {@link BaseOptimizer}. MXNet's
 * {@code lazy_update} concerns sparse gradients only and is not offered.
 */
public final class SGD extends MomentumOptimizer {
  private SGD(Builder b) {
    super(b);
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  String name() {
    return "sgd";
  }

  @Override
  void stepWithMomentum(Step s, NDArray weight, NDArray grad, NDArray mom) {
    applyInPlace(SgdMomUpdate.OP, new SgdMomUpdate.Params((float) s.lr(), (float) momentum(),
        (float) s.wd(), (float) rescaleGrad(), operatorClip(), true), weight, weight, grad, mom);
  }

  static SGD fromSpec(SpecReader r) {
    Builder b = builder().readMomentum(r);
    r.requireUsed("", "sgd", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link SGD}; every setter takes MXNet's parameter of the same meaning. */
  public static final class Builder extends MomentumOptimizer.Builder<Builder> {
    private Builder() {
      super(null, 0);
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public SGD build() {
      return new SGD(this);
    }
  }
}
