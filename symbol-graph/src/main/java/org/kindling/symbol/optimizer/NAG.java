package org.kindling.symbol.optimizer;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.NagMomUpdate;

/**
 * MXNet's {@code NAG} (Nesterov accelerated gradient) optimizer: {@code nag_mom_update} with a
 * momentum state, or {@code sgd_update} when {@code momentum} is 0 (the default). With
 * {@code g = clip(rescale_grad·grad, clip_gradient) + wd·weight}:
 *
 * <pre>
 *   mom = momentum·mom;  weight = weight - mom + (momentum + 1)·(mom - lr·g);  mom = mom - lr·g
 * </pre>
 *
 * {@code learning_rate} defaults to None (0.01 without a scheduler).
 */
public final class NAG extends MomentumOptimizer {
  private NAG(Builder b) {
    super(b);
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  String name() {
    return "nag";
  }

  @Override
  void stepWithMomentum(Step s, NDArray weight, NDArray grad, NDArray mom) {
    applyInPlace(NagMomUpdate.OP, new NagMomUpdate.Params((float) s.lr(), (float) momentum(),
        (float) s.wd(), (float) rescaleGrad(), operatorClip()), weight, weight, grad, mom);
  }

  static NAG fromSpec(SpecReader r) {
    Builder b = builder().readMomentum(r);
    r.requireUsed("", "nag", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds a {@link NAG}. */
  public static final class Builder extends MomentumOptimizer.Builder<Builder> {
    private Builder() {
      super(null, 0);
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public NAG build() {
      return new NAG(this);
    }
  }
}
