package org.kindling.tensor.op;

import java.util.List;
import org.kindling.tensor.Shape;

/**
 * The input and output shapes of one node during shape inference; {@code null} means unknown.
 * Operators fill unknown slots and check known ones (see {@link Slots}).
 */
public final class ShapeSlots extends Slots<Shape> {
  /**
   * @param in input shapes (modified in place), null entries unknown
   * @param out output shapes (modified in place), null entries unknown
   * @param inNames input names, for messages
   * @param outNames output names, for messages
   */
  public ShapeSlots(Shape[] in, Shape[] out, List<String> inNames, List<String> outNames) {
    super(in, out, inNames, outNames, "shape", Shape::toString);
  }
}
