package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.optimizer.LambUpdatePhase1;
import org.kindling.tensor.op.optimizer.LambUpdatePhase2;
import org.kindling.tensor.ops.Reductions;

/**
 * MXNet's {@code LAMB} optimizer as its per-parameter path runs it: {@code g =
 * lamb_update_phase1(weight, grad, mean, var)} (Adam's moments, bias-corrected at the key's
 * update {@code t} when {@code bias_correction}, plus {@code wd·weight}), then {@code
 * lamb_update_phase2(weight, g, ‖weight‖, ‖g‖)}: {@code weight -= lr·r1/r2·g} with {@code r1}
 * held within {@code [lower_bound, upper_bound]} (each when positive).
 *
 * <p>MXNet's updater, by default, hands LAMB its parameters in groups and runs
 * {@code _multi_lamb_update}, which computes the same formula in one kernel; Kindling updates
 * each parameter as it is pushed. Defaults as MXNet's: learning_rate 0.001, beta1 0.9, beta2
 * 0.999, epsilon 1e-6, no bounds (negative), bias_correction true.
 */
public final class LAMB extends MomentOptimizer {
  private final double lowerBound;
  private final double upperBound;
  private final boolean biasCorrection;

  private LAMB(Builder b) {
    super(b);
    check(name(), !Double.isNaN(b.lowerBound), "lower_bound", b.lowerBound,
        "a number (negative: none)");
    check(name(), !Double.isNaN(b.upperBound), "upper_bound", b.upperBound,
        "a number (negative: none)");
    this.lowerBound = b.lowerBound;
    this.upperBound = b.upperBound;
    this.biasCorrection = b.biasCorrection;
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code lower_bound} on the weight norm (negative: none). */
  public double lowerBound() {
    return lowerBound;
  }

  /** {@code upper_bound} on the weight norm (negative: none). */
  public double upperBound() {
    return upperBound;
  }

  /** {@code bias_correction}. */
  public boolean biasCorrection() {
    return biasCorrection;
  }

  @Override
  String name() {
    return "lamb";
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    appendMoments(w).number("lower_bound", lowerBound).number("upper_bound", upperBound)
        .bool("bias_correction", biasCorrection);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    NDArray g = Imperative.call(LambUpdatePhase1.OP, new LambUpdatePhase1.Params((float) beta1(),
        (float) beta2(), (float) epsilon(), s.t(), biasCorrection, (float) s.wd(),
        (float) rescaleGrad(), operatorClip()), weight, grad, states[0], states[1]);
    NDArray r1 = Reductions.norm(weight);
    NDArray r2 = Reductions.norm(g);
    // Python passes the bounds only when they are truthy
    float lower = lowerBound > 0 ? (float) lowerBound : -1f;
    float upper = upperBound > 0 ? (float) upperBound : -1f;
    applyInPlace(LambUpdatePhase2.OP, new LambUpdatePhase2.Params((float) s.lr(), lower, upper),
        weight, weight, g, r1, r2);
  }

  private static final List<String> KEYS = List.of("beta1", "beta2", "epsilon", "lower_bound",
      "upper_bound", "bias_correction");

  static LAMB fromSpec(SpecReader r) {
    Builder b = builder().readMoments(r);
    b.lowerBound(r.number("lower_bound", b.lowerBound))
        .upperBound(r.number("upper_bound", b.upperBound))
        .biasCorrection(r.bool("bias_correction", b.biasCorrection));
    r.requireUsed("", "lamb", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds a {@link LAMB}. */
  public static final class Builder extends MomentOptimizer.Builder<Builder> {
    private double lowerBound = -1;
    private double upperBound = -1;
    private boolean biasCorrection = true;

    private Builder() {
      super(0.001, 1e-6);
    }

    /** {@code lower_bound} on the weight norm; negative (the default) for none. */
    public Builder lowerBound(double v) {
      lowerBound = v;
      return this;
    }

    /** {@code upper_bound} on the weight norm; negative (the default) for none. */
    public Builder upperBound(double v) {
      upperBound = v;
      return this;
    }

    /** {@code bias_correction} (default true). */
    public Builder biasCorrection(boolean v) {
      biasCorrection = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public LAMB build() {
      return new LAMB(this);
    }
  }
}
