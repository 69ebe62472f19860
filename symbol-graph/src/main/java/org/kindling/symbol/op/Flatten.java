package org.kindling.symbol.op;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

/**
 * {@code Flatten} (alias {@code flatten}): {@code (N, d1, d2, ...) -> (N, d1·d2·...)}; a 1-D
 * input {@code (N,)} becomes {@code (N, 1)}. Data order is unchanged (a copy).
 */
public final class Flatten extends ReshapingOperator<NoParams> {
  Flatten() {
    super("Flatten", List.of("flatten"), List.of());
  }

  @Override
  protected NoParams fromValues(ParamValues v) {
    return NoParams.NONE;
  }

  @Override
  public Map<String, String> toAttrs(NoParams p) {
    return new TreeMap<>();
  }

  @Override
  public void inferShape(NoParams p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    if (d.ndim() == 0) {
      throw new IllegalArgumentException("cannot flatten a 0-dimensional input");
    }
    s.assignOut(0, Shape.of(d.get(0), (int) d.sizeFrom(1)));
  }
}
