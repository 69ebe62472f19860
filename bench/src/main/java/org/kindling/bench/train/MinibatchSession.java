package org.kindling.bench.train;

/**
 * A framework's model, optimizer and staged batches, ready to train epoch by epoch; driven by
 * {@link EpochLoop}.
 */
public interface MinibatchSession extends AutoCloseable {

  /**
   * Trains one epoch, visiting the staged batches in {@code batchOrder}, and returns only when
   * every update has finished (asynchronous engines wait here), so that timing it is honest.
   */
  void trainEpoch(int[] batchOrder) throws Exception;

  /** Fraction of the test set classified correctly by the current model. */
  double testAccuracy() throws Exception;

  /** Frees the model and the staged data. */
  @Override
  void close();
}
