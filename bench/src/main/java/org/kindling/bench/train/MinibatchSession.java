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

  /**
   * The current model's class scores for {@code count} images (inference mode).
   *
   * @param pixels {@code count x 784} row-major, the layout of {@link FashionMnist#images()}
   * @return {@code count x 10} row-major scores (any monotonic form: logits or probabilities)
   */
  float[] predict(float[] pixels, int count) throws Exception;

  /**
   * Number of trainable parameters (weights and biases) of the model, printed with the result
   * so that a table shows every framework built the same network.
   */
  long parameterCount();

  /** Frees the model and the staged data. */
  @Override
  void close();
}
