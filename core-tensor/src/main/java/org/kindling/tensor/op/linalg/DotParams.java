package org.kindling.tensor.op.linalg;

import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code DotParam}, the parameters of {@code dot} and {@code batch_dot}.
 *
 * @param transposeA {@code transpose_a}: transpose the first input before the product
 * @param transposeB {@code transpose_b}: transpose the second input before the product
 * @param forwardStype {@code forward_stype}: MXNet's requested output storage type, or null
 *     (None). Only dense storage exists here, so every value computes the same dense result.
 */
public record DotParams(boolean transposeA, boolean transposeB, StorageType forwardStype) {
  /** MXNet's storage types, the values of {@code forward_stype}. */
  public enum StorageType implements MxEnum {
    DEFAULT,
    ROW_SPARSE,
    CSR
  }

  static final Param<Boolean> TRANSPOSE_A = Param.boolParam("transpose_a", false);
  static final Param<Boolean> TRANSPOSE_B = Param.boolParam("transpose_b", false);
  static final Param<StorageType> FORWARD_STYPE =
      Param.enumParam("forward_stype", StorageType.class, StorageType.DEFAULT).optional();

  /** No transposes (MXNet's defaults). */
  public static DotParams plain() {
    return new DotParams(false, false, null);
  }

  /** With the given transposes. */
  public static DotParams of(boolean transposeA, boolean transposeB) {
    return new DotParams(transposeA, transposeB, null);
  }
}
