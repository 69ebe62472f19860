package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.ops.Elementwise;

/**
 * MXNet's {@code AdaDelta} optimizer, whose Python update is NDArray arithmetic, here the same
 * operators in the same order:
 *
 * <pre>
 *   g = rescale_grad·grad;  g = clip(g, -clip_gradient, clip_gradient)   (if clip_gradient >= 0)
 *   acc_g = rho·acc_g + (1 - rho)·g·g
 *   delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon)·g
 *   acc_delta = rho·acc_delta + (1 - rho)·delta·delta
 *   weight -= delta + wd·weight
 * </pre>
 *
 * As in MXNet the learning rate (and so any scheduler) plays no part, weight decay is applied
 * to the weight outside the accumulators, and a clip of 0 zeroes the gradient (negative: off).
 * MXNet's Python also scales the caller's gradient array in place ({@code grad *=
 * rescale_grad}); Kindling computes the scaled gradient into a new array and leaves the
 * gradient as it was. Defaults as MXNet's: rho 0.9, epsilon 1e-5.
 */
public final class AdaDelta extends BaseOptimizer {
  private final double rho;
  private final double epsilon;

  private AdaDelta(Builder b) {
    super(b);
    check(name(), b.rho >= 0 && b.rho < 1, "rho", b.rho, "in [0, 1)");
    check(name(), b.epsilon >= 0 && Double.isFinite(b.epsilon), "epsilon", b.epsilon,
        ">= 0 and finite");
    this.rho = b.rho;
    this.epsilon = b.epsilon;
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code rho}. */
  public double rho() {
    return rho;
  }

  /** {@code epsilon}. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  String name() {
    return "adadelta";
  }

  @Override
  int numStates() {
    return 2;
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.number("rho", rho).number("epsilon", epsilon);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    NDArray accG = states[0];
    NDArray accDelta = states[1];
    NDArray g = NDArrayMath.mulScalar(grad, rescaleGrad());
    if (clipGradient() >= 0) {
      g = NDArrayMath.clip(g, -clipGradient(), clipGradient());
    }
    NDArrayMath.mulScalarInPlace(accG, rho);
    NDArrayMath.addInPlace(accG, Elementwise.multiply(NDArrayMath.mulScalar(g, 1. - rho), g));
    NDArray delta = Elementwise.multiply(
        Elementwise.divide(NDArrayMath.sqrt(NDArrayMath.plusScalar(accDelta, epsilon)),
            NDArrayMath.sqrt(NDArrayMath.plusScalar(accG, epsilon))), g);
    NDArrayMath.mulScalarInPlace(accDelta, rho);
    NDArrayMath.addInPlace(accDelta,
        Elementwise.multiply(NDArrayMath.mulScalar(delta, 1. - rho), delta));
    NDArrayMath.subtractInPlace(weight,
        Elementwise.add(delta, NDArrayMath.mulScalar(weight, s.wd())));
  }

  private static final List<String> KEYS = List.of("rho", "epsilon");

  static AdaDelta fromSpec(SpecReader r) {
    Builder b = builder().readCommon(r);
    b.rho(r.number("rho", b.rho)).epsilon(r.number("epsilon", b.epsilon));
    r.requireUsed("", "adadelta", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link AdaDelta}. */
  public static final class Builder extends BaseOptimizer.Builder<Builder> {
    private double rho = 0.9;
    private double epsilon = 1e-5;

    private Builder() {
      super(null);
    }

    /** {@code rho} in [0, 1) (default 0.9). */
    public Builder rho(double v) {
      rho = v;
      return this;
    }

    /** {@code epsilon} (default 1e-5). */
    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public AdaDelta build() {
      return new AdaDelta(this);
    }
  }
}
