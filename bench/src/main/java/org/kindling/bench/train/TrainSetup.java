package org.kindling.bench.train;

/**
 * Everything a framework runner gets: the options, the network to train, the training batches
 * and the test set.
 *
 * @param options the run's settings
 * @param network the network to build and train
 * @param train the shuffled training mini-batches (shared by every network and framework)
 * @param test the test set
 */
public record TrainSetup(TrainOptions options, Network network, Batches train, FashionMnist test) {
  /** The SGD learning rate of this network in this run. */
  public float learningRate() {
    return options.learningRate(network);
  }

  /** The same data and options for {@code other}. */
  public TrainSetup with(Network other) {
    return new TrainSetup(options, other, train, test);
  }
}
