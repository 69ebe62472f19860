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
public final class Adam extends BaseOptimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;

  private Adam(Builder b) {
    super(b);
    Moments.check(name(), b.beta1, b.beta2, b.epsilon);
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code beta1}. */
  public double beta1() {
    return beta1;
  }

  /** {@code beta2}. */
  public double beta2() {
    return beta2;
  }

  /** {@code epsilon}. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  String name() {
    return "adam";
  }

  @Override
  int numStates() {
    return 2;
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.number("beta1", beta1).number("beta2", beta2).number("epsilon", epsilon);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    double lr = s.lr() * Moments.biasCorrection(beta1, beta2, s.t());
    applyInPlace(AdamUpdate.OP, new AdamUpdate.Params((float) lr, (float) beta1, (float) beta2,
        (float) epsilon, (float) s.wd(), (float) rescaleGrad(), operatorClip(), true), weight,
        weight, grad, states[0], states[1]);
  }

  private static final List<String> KEYS = List.of("beta1", "beta2", "epsilon");

  static Adam fromSpec(SpecReader r) {
    Builder b = builder().readCommon(r);
    b.beta1(r.number("beta1", b.beta1)).beta2(r.number("beta2", b.beta2))
        .epsilon(r.number("epsilon", b.epsilon));
    r.requireUsed("", "adam", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link Adam}. */
  public static final class Builder extends BaseOptimizer.Builder<Builder> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;

    private Builder() {
      super(0.001);
    }

    /** {@code beta1} in [0, 1) (default 0.9). */
    public Builder beta1(double v) {
      beta1 = v;
      return this;
    }

    /** {@code beta2} in [0, 1) (default 0.999). */
    public Builder beta2(double v) {
      beta2 = v;
      return this;
    }

    /** {@code epsilon} (default 1e-8). */
    public Builder epsilon(double v) {
      epsilon = v;
      return this;
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
