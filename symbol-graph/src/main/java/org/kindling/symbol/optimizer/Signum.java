package org.kindling.symbol.optimizer;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.optimizer.SignsgdUpdate;
import org.kindling.tensor.op.optimizer.SignumUpdate;

/**
 * MXNet's {@code Signum} optimizer: {@code signum_update} with a momentum state, or
 * {@code signsgd_update} when {@code momentum} is 0. With {@code g = clip(rescale_grad·grad,
 * clip_gradient)}:
 *
 * <pre>
 *   momentum != 0:  mom = momentum·mom - (1 - momentum)·(wd·weight + g);
 *                   weight = (1 - lr·wd_lh)·weight + lr·sign(mom)
 *   momentum == 0:  weight = (1 - lr·wd)·weight - lr·sign(grad)
 * </pre>
 *
 * Defaults as MXNet's: learning_rate 0.01, momentum 0.9, wd_lh 0. A nonzero {@code wd_lh}
 * needs momentum: MXNet's {@code signsgd_update} has no such parameter and refuses it.
 */
public final class Signum extends MomentumOptimizer {
  private final double wdLh;

  private Signum(Builder b) {
    super(b);
    check(name(), b.wdLh >= 0 && Double.isFinite(b.wdLh), "wd_lh", b.wdLh, ">= 0 and finite");
    check(name(), b.wdLh == 0 || momentum() != 0, "wd_lh", b.wdLh,
        "0 when momentum is 0 (MXNet's signsgd_update takes no wd_lh)");
    this.wdLh = b.wdLh;
  }

  /** A builder with MXNet's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code wd_lh}, the decoupled weight decay. */
  public double wdLh() {
    return wdLh;
  }

  @Override
  String name() {
    return "signum";
  }

  @Override
  void appendOwnSpec(SpecWriter w) {
    super.appendOwnSpec(w);
    w.number("wd_lh", wdLh);
  }

  @Override
  void stepWithMomentum(Step s, NDArray weight, NDArray grad, NDArray mom) {
    applyInPlace(SignumUpdate.OP, new SignumUpdate.Params((float) s.lr(), (float) momentum(),
        (float) s.wd(), (float) rescaleGrad(), operatorClip(), (float) wdLh), weight, weight,
        grad, mom);
  }

  @Override
  void stepWithoutMomentum(Step s, NDArray weight, NDArray grad) {
    applyInPlace(SignsgdUpdate.OP, new SignsgdUpdate.Params((float) s.lr(), (float) s.wd(),
        (float) rescaleGrad(), operatorClip()), weight, weight, grad);
  }

  private static final List<String> KEYS = List.of("momentum", "wd_lh");

  static Signum fromSpec(SpecReader r) {
    Builder b = builder().readMomentum(r);
    b.wdLh(r.number("wd_lh", b.wdLh));
    r.requireUsed("", "signum", Builder.commonKeys(KEYS));
    return b.build();
  }

  /** Builds a {@link Signum}. */
  public static final class Builder extends MomentumOptimizer.Builder<Builder> {
    private double wdLh;

    private Builder() {
      super(0.01, 0.9);
    }

    /** {@code wd_lh} (default 0). */
    public Builder wdLh(double v) {
      wdLh = v;
      return this;
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public Signum build() {
      return new Signum(this);
    }
  }
}
