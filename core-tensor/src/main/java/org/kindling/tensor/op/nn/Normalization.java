package org.kindling.tensor.op.nn;

import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.Param;

/**
 * How a loss head normalizes its gradient, MXNet's {@code normalization} of
 * {@link SoftmaxOutput} and {@link MakeLoss}: not at all ({@code null}), by the batch size
 * ({@code batch}) or by the number of valid elements ({@code valid}).
 */
public enum Normalization implements MxEnum {
  NULL,
  BATCH,
  VALID;

  /** The {@code normalization} parameter, default {@code null}. */
  static final Param<Normalization> PARAM =
      Param.enumParam("normalization", Normalization.class, NULL);
}
