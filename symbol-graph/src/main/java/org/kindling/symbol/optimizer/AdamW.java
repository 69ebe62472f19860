package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.optimizer.AdamwUpdate;

/**
 * AdamW (decoupled weight decay) through MXNet 1.9.1's {@code _adamw_update} operator. MXNet
 * 1.9.1's Python package has no AdamW optimizer (GluonNLP's {@code BERTAdam} drives the
 * operator); Kindling follows the {@code AdamW} class MXNet added to {@code mx.optimizer} after
 * 1.9.1, whose fused step calls exactly this operator: {@code lr = 1}, {@code eta} = the key's
 * learning rate, bias-corrected at update {@code t} when {@code correct_bias} as Adam's
 * ({@code ·sqrt(1 - beta2^t) / (1 - beta1^t)}), {@code wd} the key's weight decay, and
 * {@code rescale_grad} passed as a one-element array. With {@code g = clip(rescale_grad·grad,
 * clip_gradient)}:
 *
 * <pre>
 *   mean = beta1·mean + (1 - beta1)·g;  var = beta2·var + (1 - beta2)·g²
 *   weight = weight - eta·(mean / (sqrt(var) + epsilon) + wd·weight)
 * </pre>
 *
 * Defaults: learning_rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-6, correct_bias true.
 */
public final class AdamW extends BaseOptimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean correctBias;

  private AdamW(Builder b) {
    super(b);
    Moments.check(name(), b.beta1, b.beta2, b.epsilon);
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.correctBias = b.correctBias;
  }

  /** A builder with the defaults. */
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

  /** {@code correct_bias}. */
  public boolean correctBias() {
    return correctBias;
  }

  @Override
  String name() {
    return "adamw";
  }

  @Override
  int numStates() {
    return 2;
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.number("beta1", beta1).number("beta2", beta2).number("epsilon", epsilon)
        .bool("correct_bias", correctBias);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    double eta = correctBias ? s.lr() * Moments.biasCorrection(beta1, beta2, s.t()) : s.lr();
    NDArray rescale = NDArray.of(new float[] {(float) rescaleGrad()}, Shape.of(1));
    applyInPlace(AdamwUpdate.OP, new AdamwUpdate.Params(1f, (float) beta1, (float) beta2,
        (float) epsilon, (float) s.wd(), (float) eta, operatorClip()), weight,
        weight, grad, states[0], states[1], rescale);
  }

  private static final List<String> KEYS = List.of("beta1", "beta2", "epsilon", "correct_bias");

  static AdamW fromSpec(SpecReader r) {
    Builder b = builder().readCommon(r);
    b.beta1(r.number("beta1", b.beta1)).beta2(r.number("beta2", b.beta2))
        .epsilon(r.number("epsilon", b.epsilon))
        .correctBias(r.bool("correct_bias", b.correctBias));
    r.requireUsed("", "adamw", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link AdamW}. */
  public static final class Builder extends BaseOptimizer.Builder<Builder> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-6;
    private boolean correctBias = true;

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

    /** {@code epsilon} (default 1e-6). */
    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    /** {@code correct_bias} (default true). */
    public Builder correctBias(boolean v) {
      correctBias = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public AdamW build() {
      return new AdamW(this);
    }
  }
}
