package org.kindling.bench.train;

/**
 * Everything a framework runner gets: the options, the training batches and the test set.
 *
 * @param options the run's settings
 * @param train the shuffled training mini-batches
 * @param test the test set
 */
public record TrainSetup(TrainOptions options, Batches train, FashionMnist test) {
  /** Hidden layer sizes of the MLP 784-512-256-10. */
  public static final int[] HIDDEN = {512, 256};
}
