package org.kindling.tensor.op;

import org.kindling.tensor.DType;

/**
 * An operator's {@code dtype} parameter: an enumeration of the element types it accepts, each
 * constant named as its {@link DType} ({@code FLOAT32} is MXNet's {@code float32}). Only enums
 * implement it.
 */
public interface DTypeEnum extends MxEnum {
  /** The element type of the same name. */
  default DType dtype() {
    return DType.valueOf(((Enum<?>) this).name());
  }
}
