package org.kindling.tensor.op;

import java.util.List;
import org.kindling.tensor.DType;

/**
 * The input and output element types of one node during type inference; {@code null} means
 * unknown. The counterpart of {@link ShapeSlots}: operators fill unknown slots and check known
 * ones (see {@link Slots}); types are named as NumPy names them.
 */
public final class TypeSlots extends Slots<DType> {
  /**
   * @param in input types (modified in place), null entries unknown
   * @param out output types (modified in place), null entries unknown
   * @param inNames input names, for messages
   * @param outNames output names, for messages
   */
  public TypeSlots(DType[] in, DType[] out, List<String> inNames, List<String> outNames) {
    super(in, out, inNames, outNames, "type", DType::numpyName);
  }
}
