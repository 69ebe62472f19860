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
public final class AdamW extends MomentOptimizer {
  private final boolean correctBias;

  private AdamW(Builder b) {
    super(b);
    this.correctBias = b.correctBias;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
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
  void appendOwnSpec(SpecWriter w) {
    appendMoments(w)
        .bool("correct_bias", correctBias);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    double eta = correctBias ? s.lr() * biasCorrection(s.t()) : s.lr();
    NDArray rescale = NDArray.of(new float[] {(float) rescaleGrad()}, Shape.of(1));
    applyInPlace(AdamwUpdate.OP, new AdamwUpdate.Params(1f, (float) beta1(), (float) beta2(),
        (float) epsilon(), (float) s.wd(), (float) eta, operatorClip()), weight,
        weight, grad, states[0], states[1], rescale);
  }

  private static final List<String> KEYS = List.of("beta1", "beta2", "epsilon", "correct_bias");

  static AdamW fromSpec(SpecReader r) {
    Builder b = builder().readMoments(r);
    b.correctBias(r.bool("correct_bias", b.correctBias));
    r.requireUsed("", "adamw", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link AdamW}. */
  public static final class Builder extends MomentOptimizer.Builder<Builder> {
    private boolean correctBias = true;

    private Builder() {
      super(0.001, 1e-6);
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
