package org.kindling.tensor.op;

import java.util.List;
import org.kindling.tensor.DType;

/**
 * The input and output element types of one node during type inference; {@code null} means
 * unknown. The counterpart of {@link ShapeSlots}: operators fill unknown slots and check known
 * ones, and a conflict is reported naming the slot.
 */
public final class TypeSlots {
  private final DType[] in;
  private final DType[] out;
  private final List<String> inNames;
  private final List<String> outNames;

  /**
   * @param in input types (modified in place), null entries unknown
   * @param out output types (modified in place), null entries unknown
   * @param inNames input names, for messages
   * @param outNames output names, for messages
   */
  public TypeSlots(DType[] in, DType[] out, List<String> inNames, List<String> outNames) {
    this.in = in;
    this.out = out;
    this.inNames = inNames;
    this.outNames = outNames;
  }

  /** Number of inputs. */
  public int numInputs() {
    return in.length;
  }

  /** Number of outputs. */
  public int numOutputs() {
    return out.length;
  }

  /** Input {@code i}'s type, or null if unknown. */
  public DType in(int i) {
    return in[i];
  }

  /** Output {@code i}'s type, or null if unknown. */
  public DType out(int i) {
    return out[i];
  }

  /** Sets input {@code i} if unknown, or checks it equals {@code t}. */
  public void assignIn(int i, DType t) {
    in[i] = assign(in[i], t, "input '" + inNames.get(i) + "'");
  }

  /** Sets output {@code i} if unknown, or checks it equals {@code t}. */
  public void assignOut(int i, DType t) {
    out[i] = assign(out[i], t, "output '" + outNames.get(i) + "'");
  }

  private static DType assign(DType current, DType t, String what) {
    if (t == null || current == t) {
      return current == null ? t : current;
    }
    if (current == null) {
      return t;
    }
    throw new IllegalArgumentException("type inconsistent for " + what + ": it is "
        + current.numpyName() + " but " + t.numpyName() + " is required");
  }

  /**
   * MXNet's {@code ElemwiseType}: every input and output has one type, taken from whichever
   * slot is known.
   */
  public void allSame() {
    DType t = null;
    for (DType d : in) {
      t = t == null ? d : t;
    }
    for (DType d : out) {
      t = t == null ? d : t;
    }
    if (t == null) {
      return;
    }
    for (int i = 0; i < in.length; i++) {
      assignIn(i, t);
    }
    for (int k = 0; k < out.length; k++) {
      assignOut(k, t);
    }
  }
}
