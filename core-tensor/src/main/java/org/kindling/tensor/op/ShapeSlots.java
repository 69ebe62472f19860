package org.kindling.tensor.op;

import java.util.List;
import org.kindling.tensor.Shape;

/**
 * The input and output shapes of one node during shape inference; {@code null} means unknown.
 * Operators fill unknown slots and check known ones through {@link #assignIn}/{@link
 * #assignOut}, which report inconsistencies naming the slot.
 */
public final class ShapeSlots {
  private final Shape[] in;
  private final Shape[] out;
  private final List<String> inNames;
  private final List<String> outNames;
  private boolean changed;

  /**
   * @param in input shapes (modified in place), null entries unknown
   * @param out output shapes (modified in place), null entries unknown
   * @param inNames input names, for messages
   * @param outNames output names, for messages
   */
  public ShapeSlots(Shape[] in, Shape[] out, List<String> inNames, List<String> outNames) {
    this.in = in;
    this.out = out;
    this.inNames = inNames;
    this.outNames = outNames;
  }

  /** Number of inputs. */
  public int numInputs() {
    return in.length;
  }

  /** Input {@code i}'s shape, or null if unknown. */
  public Shape in(int i) {
    return in[i];
  }

  /** Output {@code i}'s shape, or null if unknown. */
  public Shape out(int i) {
    return out[i];
  }

  /**
   * Sets input {@code i} if unknown, or checks it equals {@code s}.
   *
   * @throws IllegalArgumentException naming the input if it is known and differs
   */
  public void assignIn(int i, Shape s) {
    in[i] = assign(in[i], s, "input '" + inNames.get(i) + "'");
  }

  /** Sets output {@code i} if unknown, or checks it equals {@code s}. */
  public void assignOut(int i, Shape s) {
    out[i] = assign(out[i], s, "output '" + outNames.get(i) + "'");
  }

  private Shape assign(Shape current, Shape s, String what) {
    if (current == null) {
      changed = true;
      return s;
    }
    if (!current.equals(s)) {
      throw new IllegalArgumentException(
          "shape inconsistent for " + what + ": it is " + current + " but " + s + " is required");
    }
    return current;
  }

  /**
   * MXNet's {@code ElemwiseShape}: every input and output has one shape, taken from the first
   * known slot (inputs, then outputs); nothing happens while every slot is unknown.
   *
   * @throws IllegalArgumentException naming a known slot whose shape differs
   */
  public void allSame() {
    Shape known = null;
    for (Shape d : in) {
      known = known == null ? d : known;
    }
    for (Shape d : out) {
      known = known == null ? d : known;
    }
    if (known == null) {
      return;
    }
    for (int i = 0; i < in.length; i++) {
      assignIn(i, known);
    }
    for (int k = 0; k < out.length; k++) {
      assignOut(k, known);
    }
  }

  /** True if any slot was filled since construction. */
  public boolean changed() {
    return changed;
  }
}
