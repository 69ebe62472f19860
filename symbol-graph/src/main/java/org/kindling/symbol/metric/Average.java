package org.kindling.symbol.metric;

import org.kindling.tensor.op.MxEnum;

/** How {@link F1} and {@link PearsonCorrelation} aggregate batches (MXNet's {@code average}). */
public enum Average implements MxEnum {
  /** The mean of per-batch scores. */
  MACRO,
  /** One score over all batches' data. */
  MICRO
}
