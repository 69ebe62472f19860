package org.kindling.tensor.op.shape;

import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.ShapeSlots;

/**
 * A {@link DataMovement} of one input, {@code data}, whose output shape follows from the input's
 * (transpose, reverse, slice, tile, repeat, broadcast, squeeze). Shapes are inferred forward,
 * once the input is known, as MXNet's shape functions for these operators do; an operator that
 * also infers backward overrides {@link #inferShape}.
 *
 * @param <P> the operator's parameter record
 */
abstract class OneInputMovement<P extends Record> extends DataMovement<P> {
  OneInputMovement(String name, List<String> aliases, Class<P> type, List<Param<?>> params) {
    super(name, aliases, type, params);
  }

  @Override
  public final List<String> inputNames(P p) {
    return List.of("data");
  }

  /**
   * The output shape for an input of shape {@code in}.
   *
   * @throws IllegalArgumentException if the parameters do not fit the input, naming both
   */
  abstract Shape outputShape(P p, Shape in);

  @Override
  public void inferShape(P p, ShapeSlots s) {
    if (s.in(0) != null) {
      s.assignOut(0, outputShape(p, s.in(0)));
    }
  }
}
