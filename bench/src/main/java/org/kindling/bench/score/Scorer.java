package org.kindling.bench.score;

import org.kindling.symbol.zoo.ForwardScore;

/** A peer framework that scores Kindling's zoo networks, with Kindling's weights. */
interface Scorer {
  /** The framework's display name, e.g. {@code MXNet 1.9.1 (DJL)}. */
  String name();

  /** Versions of the framework and of what binds it. */
  String version();

  /** What the row's figures ran on: threads, kernels in use. */
  String notes();

  /**
   * The network of {@code reference} (its graph and weights) on this framework, bound for its
   * batch, with its input batch.
   *
   * @throws Exception if this framework cannot build or bind the network; the message says why
   */
  PeerNet open(ForwardScore reference) throws Exception;
}
