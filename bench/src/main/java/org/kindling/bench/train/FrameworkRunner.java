package org.kindling.bench.train;

import java.util.Optional;

/**
 * Trains the benchmark networks in one framework. Implementations touch their framework's
 * classes only inside {@link #run}, so that a framework missing from the class path costs its
 * own row, not the whole run.
 */
public interface FrameworkRunner {

  /** Display name for the table, e.g. {@code DL4J}. */
  String name();

  /**
   * Why this framework cannot train {@code network} (the text of its row), or empty if it can.
   * Must not touch the framework's classes.
   */
  default Optional<String> unsupported(Network network) {
    return Optional.empty();
  }

  /**
   * Trains {@code setup.network()} for 1 warm-up epoch plus {@code options().epochs()} timed
   * epochs on {@code setup.train()} and measures accuracy on {@code setup.test()}. Releases
   * everything it allocated.
   */
  TrainResult run(TrainSetup setup) throws Exception;
}
