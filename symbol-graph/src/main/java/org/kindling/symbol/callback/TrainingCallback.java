package org.kindling.symbol.callback;

import java.io.IOException;
import java.util.List;

/**
 * Something the training loop notifies after every batch and every epoch, as the {@code
 * batch_end_callback} and {@code epoch_end_callback} of MXNet's {@code Module.fit}. Both methods
 * do nothing by default, so a callback implements only the events it needs.
 */
public interface TrainingCallback {
  /** What the loop does after an epoch-end event. */
  enum Action {
    /** Go on training. */
    CONTINUE,
    /** Stop after this epoch (e.g. early stopping). */
    STOP
  }

  /** Called after each batch's update, with the running training metrics. */
  default void batchEnd(BatchEndParam param) {}

  /**
   * Called after each epoch (training and evaluation done).
   *
   * @return {@link Action#STOP} to end training after this epoch
   * @throws IOException if the callback writes files (checkpoints, history) and a write fails
   */
  default Action epochEnd(EpochEndParam param) throws IOException {
    return Action.CONTINUE;
  }

  /**
   * One callback that forwards each event to {@code callbacks} in order. Every callback sees
   * every epoch end; training stops if any of them says {@link Action#STOP}, as Gluon's
   * estimator stops when any handler asks to.
   */
  static TrainingCallback all(List<? extends TrainingCallback> callbacks) {
    List<TrainingCallback> list = List.copyOf(callbacks);
    return new TrainingCallback() {
      @Override
      public void batchEnd(BatchEndParam param) {
        for (TrainingCallback c : list) {
          c.batchEnd(param);
        }
      }

      @Override
      public Action epochEnd(EpochEndParam param) throws IOException {
        Action result = Action.CONTINUE;
        for (TrainingCallback c : list) {
          if (c.epochEnd(param) == Action.STOP) {
            result = Action.STOP;
          }
        }
        return result;
      }
    };
  }
}
