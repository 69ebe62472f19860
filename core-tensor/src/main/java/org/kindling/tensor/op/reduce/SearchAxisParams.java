package org.kindling.tensor.op.reduce;

import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code ReduceAxisParam}, the parameters of {@code argmax} and {@code argmin}.
 *
 * @param axis {@code axis}: the axis to search, negative from the end; null (None) searches
 *     the flattened input
 * @param keepdims {@code keepdims}: keep the searched axis with extent 1
 */
public record SearchAxisParams(Integer axis, boolean keepdims) {
  static final Param<Integer> AXIS = Param.intParam("axis", 0).optional();
  static final Param<Boolean> KEEPDIMS = Param.boolParam("keepdims", false);

  /** Over the flattened input (MXNet's defaults). */
  public static SearchAxisParams flat() {
    return new SearchAxisParams(null, false);
  }

  /** Along {@code axis}. */
  public static SearchAxisParams along(int axis) {
    return new SearchAxisParams(axis, false);
  }

  /** A copy with {@code keepdims} set. */
  public SearchAxisParams withKeepdims(boolean v) {
    return new SearchAxisParams(axis, v);
  }
}

