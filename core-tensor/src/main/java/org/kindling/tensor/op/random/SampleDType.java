package org.kindling.tensor.op.random;

import org.kindling.tensor.DType;
import org.kindling.tensor.op.MxEnum;

/**
 * The {@code dtype} values of MXNet's {@code _random_*} samplers: {@code None} (use the type
 * inferred for the output, else float32), {@code float32}, {@code float64}, {@code float16}.
 */
public enum SampleDType implements MxEnum {
  /** {@code None}: inferred, float32 by default. */
  NONE(null),
  /** {@code float32}. */
  FLOAT32(DType.FLOAT32),
  /** {@code float64}. */
  FLOAT64(DType.FLOAT64),
  /** {@code float16}. */
  FLOAT16(DType.FLOAT16);

  private final DType dtype;

  SampleDType(DType dtype) {
    this.dtype = dtype;
  }

  /** The element type, or null for {@code None}. */
  public DType dtype() {
    return dtype;
  }

  @Override
  public String mxName() {
    return this == NONE ? "None" : dtype.numpyName();
  }
}
