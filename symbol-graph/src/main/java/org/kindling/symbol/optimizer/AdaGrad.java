package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.ops.Elementwise;

/**
 * MXNet's {@code AdaGrad} optimizer on dense gradients, whose Python update is NDArray
 * arithmetic (MXNet's {@code _sparse_adagrad_update} runs only for row-sparse gradients), here
 * the same operators in the same order:
 *
 * <pre>
 *   g = rescale_grad·grad;  g = clip(g, -clip_gradient, clip_gradient)   (if clip_gradient >= 0)
 *   history += g²
 *   weight += (g / sqrt(history + eps) + wd·weight)·(-lr)
 * </pre>
 *
 * Weight decay applies to the weight after the adaptive step, not inside the history. As in
 * Python, which tests {@code clip_gradient is not None} here, a clip of 0 zeroes the gradient;
 * only a negative value (Kindling's None) turns clipping off. Defaults as MXNet's:
 * {@code learning_rate} None (0.01 without a scheduler), {@code eps} 1e-7.
 */
public final class AdaGrad extends BaseOptimizer {
  private final double eps;

  private AdaGrad(Builder b) {
    super(b);
    check(name(), b.eps >= 0 && Double.isFinite(b.eps), "eps", b.eps, ">= 0 and finite");
    this.eps = b.eps;
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code eps} (MXNet's {@code float_stable_eps}). */
  public double eps() {
    return eps;
  }

  @Override
  String name() {
    return "adagrad";
  }

  @Override
  int numStates() {
    return 1;
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.number("eps", eps);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    NDArray history = states[0];
    NDArray g = NDArrayMath.mulScalar(grad, rescaleGrad());
    if (clipGradient() >= 0) {
      g = NDArrayMath.clip(g, -clipGradient(), clipGradient());
    }
    NDArrayMath.addInPlace(history, NDArrayMath.square(g));
    NDArray div = Elementwise.divide(g, NDArrayMath.sqrt(NDArrayMath.plusScalar(history, eps)));
    NDArray change = NDArrayMath.mulScalar(
        Elementwise.add(div, NDArrayMath.mulScalar(weight, s.wd())), -s.lr());
    NDArrayMath.addInPlace(weight, change);
  }

  private static final List<String> KEYS = List.of("eps");

  static AdaGrad fromSpec(SpecReader r) {
    Builder b = builder().readCommon(r);
    b.eps(r.number("eps", b.eps));
    r.requireUsed("", "adagrad", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link AdaGrad}. */
  public static final class Builder extends BaseOptimizer.Builder<Builder> {
    private double eps = 1e-7;

    private Builder() {
      super(null);
    }

    /** {@code eps}, added to the history under the square root (default 1e-7). */
    public Builder eps(double v) {
      eps = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public AdaGrad build() {
      return new AdaGrad(this);
    }
  }
}
