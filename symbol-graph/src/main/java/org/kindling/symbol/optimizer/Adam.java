package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.AdamUpdate;

/**
 * MXNet's {@code Adam} optimizer: {@code adam_update} with the mean and variance as states, and
 * the bias correction folded into the learning rate as MXNet does: at a key's update {@code t},
 * {@code lr·sqrt(1 - beta2^t) / (1 - beta1^t)}. With {@code g = clip(rescale_grad·grad +
 * wd·weight, clip_gradient)}:
 *
 * <pre>
 *   mean = beta1·mean + (1 - beta1)·g;  var = beta2·var + (1 - beta2)·g²
 *   weight = weight - lr_t·mean / (sqrt(var) + epsilon)
 * </pre>
 *
 * Defaults as MXNet's: learning_rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8.
 */
public final class Adam extends MomentOptimizer {
  private Adam(Builder b) {
    super(b);
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  String name() {
    return "adam";
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    appendMoments(w);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    double lr = s.lr() * biasCorrection(s.t());
    applyInPlace(AdamUpdate.OP, new AdamUpdate.Params((float) lr, (float) beta1(),
        (float) beta2(), (float) epsilon(), (float) s.wd(), (float) rescaleGrad(), operatorClip(),
        true), weight, weight, grad, states[0], states[1]);
  }

  private static final List<String> KEYS = List.of("beta1", "beta2", "epsilon");

  static Adam fromSpec(SpecReader r) {
    Builder b = builder().readMoments(r);
    r.requireUsed("", "adam", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link Adam}. */
  public static final class Builder extends MomentOptimizer.Builder<Builder> {
    private Builder() {
      super(0.001, 1e-8);
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public Adam build() {
      return new Adam(this);
    }
  }
}
