package org.kindling.symbol.metric;

/**
 * MXNet's {@code CrossEntropy} ({@code ce}), named {@code cross-entropy}: the mean over rows of
 * {@code -log(p[label] + eps)} for {@code (batch, classes)} probabilities and class-index labels
 * (any type, truncated). {@code eps} defaults to 1e-12 as in MXNet. A label outside the classes
 * is an error (numpy would wrap a negative one).
 */
public final class CrossEntropy extends PickedLogLoss {
  /** With MXNet's {@code eps = 1e-12}. */
  public CrossEntropy() {
    this(1e-12);
  }

  /** @param eps added to the probability before the log */
  public CrossEntropy(double eps) {
    super("cross-entropy", eps);
  }
}
