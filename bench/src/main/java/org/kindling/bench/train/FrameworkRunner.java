package org.kindling.bench.train;

/**
 * Trains the benchmark MLP in one framework. Implementations touch their framework's classes
 * only inside {@link #run}, so that a framework missing from the class path costs its own row,
 * not the whole run.
 */
public interface FrameworkRunner {

  /** Display name for the table, e.g. {@code DL4J}. */
  String name();

  /**
   * Trains 1 warm-up epoch plus {@code options().epochs()} timed epochs on {@code setup.train()}
   * and measures accuracy on {@code setup.test()}. Releases everything it allocated.
   */
  TrainResult run(TrainSetup setup) throws Exception;
}
