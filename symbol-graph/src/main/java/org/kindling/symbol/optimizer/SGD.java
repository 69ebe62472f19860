package org.kindling.symbol.optimizer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.optimizer.SgdMomUpdate;
import org.kindling.tensor.op.optimizer.SgdUpdate;

/**
 * Stochastic gradient descent with MXNet's exact update ({@code sgd_update} /
 * {@code sgd_mom_update}). With {@code g = clip(rescale_grad·grad, clip_gradient)} (no clipping
 * when {@code clip_gradient < 0}):
 *
 * <pre>
 *   momentum == 0:  weight = (1 − lr·wd)·weight − lr·g
 *   momentum != 0:  mom = momentum·mom − lr·wd·weight − lr·g;  weight = weight + mom
 * </pre>
 *
 * <p>As MXNet's optimizers do when they know parameter names, weight decay applies only to keys
 * ending in {@code _weight} or {@code _gamma}; biases and other parameters get {@code wd = 0}.
 * Momentum state is created (zeros) on a key's first update. Each update is one engine
 * operation reading the gradient and writing the weight and its state.
 */
public final class SGD implements Optimizer {
  private final float learningRate;
  private final float momentum;
  private final float wd;
  private final float rescaleGrad;
  private final float clipGradient;
  private final Map<String, NDArray> state = new ConcurrentHashMap<>();

  private SGD(Builder b) {
    this.learningRate = b.learningRate;
    this.momentum = b.momentum;
    this.wd = b.wd;
    this.rescaleGrad = b.rescaleGrad;
    this.clipGradient = b.clipGradient;
  }

  /** A builder with MXNet's defaults (learning_rate 0.01, no momentum, wd 0, rescale 1, no clip). */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code learning_rate}. */
  public float learningRate() {
    return learningRate;
  }

  /** {@code momentum}. */
  public float momentum() {
    return momentum;
  }

  /** {@code wd}. */
  public float wd() {
    return wd;
  }

  /** {@code rescale_grad}. */
  public float rescaleGrad() {
    return rescaleGrad;
  }

  /** {@code clip_gradient} (negative: off). */
  public float clipGradient() {
    return clipGradient;
  }

  /** The weight-decay multiplier MXNet assigns by name: 1 for weights and gammas, else 0. */
  static float wdMult(String key) {
    return key.endsWith("_weight") || key.endsWith("_gamma") ? 1f : 0f;
  }

  @Override
  public void update(String key, NDArray weight, NDArray grad) {
    if (!weight.shape().equals(grad.shape())) {
      throw new IllegalArgumentException("SGD update of '" + key + "': weight " + weight.shape()
          + " and gradient " + grad.shape() + " differ");
    }
    if (weight.dtype() != DType.FLOAT32 || grad.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException("SGD update of '" + key + "' needs float32 arrays");
    }
    float effWd = wd * wdMult(key);
    if (momentum == 0f) {
      Imperative.invokeInto(OpInstance.of(SgdUpdate.OP, new SgdUpdate.Params(learningRate, effWd,
          rescaleGrad, clipGradient, true)), false, new NDArray[] {weight, grad},
          new NDArray[] {weight});
      return;
    }
    NDArray mom = state.computeIfAbsent(key, k -> NDArray.zeros(weight.shape()));
    if (!mom.shape().equals(weight.shape())) {
      throw new IllegalArgumentException("SGD update of '" + key + "': weight shape changed from "
          + mom.shape() + " to " + weight.shape());
    }
    Imperative.invokeInto(OpInstance.of(SgdMomUpdate.OP, new SgdMomUpdate.Params(learningRate,
        momentum, effWd, rescaleGrad, clipGradient, true)), false,
        new NDArray[] {weight, grad, mom}, new NDArray[] {weight});
  }

  @Override
  public String spec() {
    return "sgd learning_rate=" + Optimizers.formatNumber(learningRate)
        + " momentum=" + Optimizers.formatNumber(momentum)
        + " wd=" + Optimizers.formatNumber(wd)
        + " rescale_grad=" + Optimizers.formatNumber(rescaleGrad)
        + " clip_gradient=" + Optimizers.formatNumber(clipGradient);
  }

  @Override
  public String toString() {
    return spec();
  }

  /** Builds an {@link SGD}; every setter takes MXNet's parameter of the same meaning. */
  public static final class Builder {
    private float learningRate = 0.01f;
    private float momentum = 0f;
    private float wd = 0f;
    private float rescaleGrad = 1f;
    private float clipGradient = -1f;

    private Builder() {}

    /** {@code learning_rate} (> 0 and finite). */
    public Builder learningRate(float v) {
      learningRate = v;
      return this;
    }

    /** {@code momentum} in [0, 1). */
    public Builder momentum(float v) {
      momentum = v;
      return this;
    }

    /** {@code wd} (>= 0). */
    public Builder wd(float v) {
      wd = v;
      return this;
    }

    /** {@code rescale_grad}, usually {@code 1/batch_size}. */
    public Builder rescaleGrad(float v) {
      rescaleGrad = v;
      return this;
    }

    /** {@code clip_gradient}; negative disables clipping. */
    public Builder clipGradient(float v) {
      clipGradient = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public SGD build() {
      check(learningRate > 0f && Float.isFinite(learningRate), "learning_rate", learningRate,
          "> 0 and finite");
      check(momentum >= 0f && momentum < 1f, "momentum", momentum, "in [0, 1)");
      check(wd >= 0f && Float.isFinite(wd), "wd", wd, ">= 0");
      check(Float.isFinite(rescaleGrad) && rescaleGrad > 0f, "rescale_grad", rescaleGrad,
          "> 0 and finite");
      check(!Float.isNaN(clipGradient), "clip_gradient", clipGradient, "a number");
      return new SGD(this);
    }

    private static void check(boolean ok, String name, float v, String rule) {
      if (!ok) {
        throw new IllegalArgumentException("sgd: " + name + "=" + v + " must be " + rule);
      }
    }
  }
}
