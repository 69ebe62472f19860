package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.NagMomUpdate;
import org.kindling.tensor.op.optimizer.SgdUpdate;

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
  void appendOwnSpec(SpecWriter w) {
    w.number("momentum", momentum());
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    float rescale = (float) rescaleGrad();
    if (momentum() == 0) {
      applyInPlace(SgdUpdate.OP, new SgdUpdate.Params((float) s.lr(), (float) s.wd(), rescale,
          operatorClip(), true), weight, weight, grad);
    } else {
      applyInPlace(NagMomUpdate.OP, new NagMomUpdate.Params((float) s.lr(), (float) momentum(),
          (float) s.wd(), rescale, operatorClip()), weight, weight, grad, states[0]);
    }
  }

  private static final List<String> KEYS = List.of("momentum");

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
