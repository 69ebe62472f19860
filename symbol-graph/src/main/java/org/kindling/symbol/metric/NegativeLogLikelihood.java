package org.kindling.symbol.metric;

/**
 * MXNet's {@code NegativeLogLikelihood} ({@code nll_loss}), named {@code nll-loss}: the same
 * value as {@link CrossEntropy}, the mean over rows of {@code -log(p[label] + eps)}.
 */
public final class NegativeLogLikelihood extends PickedLogLoss {
  /** With MXNet's {@code eps = 1e-12}. */
  public NegativeLogLikelihood() {
    this(1e-12);
  }

  /** @param eps added to the probability before the log */
  public NegativeLogLikelihood(double eps) {
    super("nll-loss", eps);
  }
}
