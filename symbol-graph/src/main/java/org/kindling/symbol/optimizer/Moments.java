package org.kindling.symbol.optimizer;

/** What the moment-based optimizers (Adam, AdamW, LAMB) share. */
final class Moments {
  private Moments() {}

  /** Checks MXNet's decay rates and epsilon are usable. */
  static void check(String optimizer, double beta1, double beta2, double epsilon) {
    BaseOptimizer.check(optimizer, beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)");
    BaseOptimizer.check(optimizer, beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)");
    BaseOptimizer.check(optimizer, epsilon >= 0 && Double.isFinite(epsilon), "epsilon", epsilon,
        ">= 0 and finite");
  }

  /**
   * Adam's bias correction as MXNet's optimizers fold it into the learning rate, in Python's
   * double arithmetic: {@code sqrt(1 - beta2^t) / (1 - beta1^t)}.
   */
  static double biasCorrection(double beta1, double beta2, int t) {
    double coef1 = 1. - Math.pow(beta1, t);
    double coef2 = 1. - Math.pow(beta2, t);
    return Math.sqrt(coef2) / coef1;
  }
}
