package org.kindling.tensor.op;

import java.util.Locale;

/**
 * An enumeration whose values have MXNet attribute names (e.g. {@code relu}). Only enums
 * implement it ({@link Param} requires {@code Enum & MxEnum}).
 */
public interface MxEnum {
  /**
   * The name MXNet uses in attribute strings. By default the constant's name in lower case,
   * which is MXNet's spelling for most of its enumerations; enums that differ override this.
   */
  default String mxName() {
    return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
  }
}
