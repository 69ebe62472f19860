package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.RmspropUpdate;
import org.kindling.tensor.op.optimizer.RmspropalexUpdate;

/**
 * MXNet's {@code RMSProp} optimizer: Tieleman and Hinton's version ({@code rmsprop_update}, one
 * state {@code n}) or, {@code centered}, Graves's ({@code rmspropalex_update}, states {@code n,
 * g, delta}). With {@code r = clip(rescale_grad·grad + wd·weight, clip_gradient)}:
 *
 * <pre>
 *   plain:     n = (1 - gamma1)·r² + gamma1·n;  weight -= lr·r / sqrt(n + epsilon)
 *   centered:  n as above;  g = (1 - gamma1)·r + gamma1·g;
 *              delta = gamma2·delta - lr·r / sqrt(n - g² + epsilon);  weight += delta
 * </pre>
 *
 * then the weight is clipped to {@code ±clip_weights} when that is positive. Defaults as
 * MXNet's: learning_rate 0.001, gamma1 0.9, gamma2 0.9, epsilon 1e-8, not centered, no weight
 * clipping (negative).
 */
public final class RMSProp extends BaseOptimizer {
  private final double gamma1;
  private final double gamma2;
  private final double epsilon;
  private final boolean centered;
  private final double clipWeights;

  private RMSProp(Builder b) {
    super(b);
    check(name(), b.gamma1 >= 0 && b.gamma1 < 1, "gamma1", b.gamma1, "in [0, 1)");
    check(name(), b.gamma2 >= 0 && b.gamma2 < 1, "gamma2", b.gamma2, "in [0, 1)");
    check(name(), b.epsilon >= 0 && Double.isFinite(b.epsilon), "epsilon", b.epsilon,
        ">= 0 and finite");
    check(name(), !Double.isNaN(b.clipWeights), "clip_weights", b.clipWeights,
        "a number (negative: no clipping)");
    this.gamma1 = b.gamma1;
    this.gamma2 = b.gamma2;
    this.epsilon = b.epsilon;
    this.centered = b.centered;
    this.clipWeights = b.clipWeights;
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code gamma1}. */
  public double gamma1() {
    return gamma1;
  }

  /** {@code gamma2} (centered only). */
  public double gamma2() {
    return gamma2;
  }

  /** {@code epsilon}. */
  public double epsilon() {
    return epsilon;
  }

  /** {@code centered}. */
  public boolean centered() {
    return centered;
  }

  /** {@code clip_weights} (negative: off). */
  public double clipWeights() {
    return clipWeights;
  }

  @Override
  String name() {
    return "rmsprop";
  }

  @Override
  int numStates() {
    return centered ? 3 : 1;
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    w.number("gamma1", gamma1).number("gamma2", gamma2).number("epsilon", epsilon)
        .bool("centered", centered).number("clip_weights", clipWeights);
  }

  @Override
  void step(Step s, NDArray weight, NDArray grad, NDArray[] states) {
    // as clip_gradient: Python passes clip_weights only when it is truthy
    float clipW = clipWeights > 0 ? (float) clipWeights : -1f;
    if (centered) {
      applyInPlace(RmspropalexUpdate.OP, new RmspropalexUpdate.Params((float) s.lr(),
          (float) gamma1, (float) gamma2, (float) epsilon, (float) s.wd(), (float) rescaleGrad(),
          operatorClip(), clipW), weight, weight, grad, states[0], states[1], states[2]);
    } else {
      applyInPlace(RmspropUpdate.OP, new RmspropUpdate.Params((float) s.lr(), (float) gamma1,
          (float) epsilon, (float) s.wd(), (float) rescaleGrad(), operatorClip(), clipW),
          weight, weight, grad, states[0]);
    }
  }

  private static final List<String> KEYS =
      List.of("gamma1", "gamma2", "epsilon", "centered", "clip_weights");

  static RMSProp fromSpec(SpecReader r) {
    Builder b = builder().readCommon(r);
    b.gamma1(r.number("gamma1", b.gamma1)).gamma2(r.number("gamma2", b.gamma2))
        .epsilon(r.number("epsilon", b.epsilon)).centered(r.bool("centered", b.centered))
        .clipWeights(r.number("clip_weights", b.clipWeights));
    r.requireUsed("", "rmsprop", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds an {@link RMSProp}. */
  public static final class Builder extends BaseOptimizer.Builder<Builder> {
    private double gamma1 = 0.9;
    private double gamma2 = 0.9;
    private double epsilon = 1e-8;
    private boolean centered;
    private double clipWeights = -1;

    private Builder() {
      super(0.001);
    }

    /** {@code gamma1} in [0, 1) (default 0.9). */
    public Builder gamma1(double v) {
      gamma1 = v;
      return this;
    }

    /** {@code gamma2} in [0, 1) (default 0.9; centered only). */
    public Builder gamma2(double v) {
      gamma2 = v;
      return this;
    }

    /** {@code epsilon} (default 1e-8). */
    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    /** {@code centered} (default false): Graves's version. */
    public Builder centered(boolean v) {
      centered = v;
      return this;
    }

    /** {@code clip_weights}; negative (the default) disables it. */
    public Builder clipWeights(double v) {
      clipWeights = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public RMSProp build() {
      return new RMSProp(this);
    }
  }
}
