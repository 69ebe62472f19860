package org.kindling.tensor.op;

import java.util.List;
import java.util.function.Function;

/**
 * The input and output values of one node during an inference pass, shapes ({@link ShapeSlots})
 * or element types ({@link TypeSlots}); {@code null} means unknown. Operators fill unknown slots
 * and check known ones through {@link #assignIn}/{@link #assignOut}, which report
 * inconsistencies naming the slot.
 *
 * @param <T> what is inferred
 */
public abstract sealed class Slots<T> permits ShapeSlots, TypeSlots {
  private final T[] in;
  private final T[] out;
  private final List<String> inNames;
  private final List<String> outNames;
  private final String kind;
  private final Function<T, String> describe;
  private boolean changed;

  /**
   * @param in input values (modified in place), null entries unknown
   * @param out output values (modified in place), null entries unknown
   * @param inNames input names, for messages
   * @param outNames output names, for messages
   * @param kind what is inferred, for messages
   * @param describe a value as messages show it
   */
  Slots(T[] in, T[] out, List<String> inNames, List<String> outNames, String kind,
      Function<T, String> describe) {
    this.in = in;
    this.out = out;
    this.inNames = inNames;
    this.outNames = outNames;
    this.kind = kind;
    this.describe = describe;
  }

  /** What is inferred, for messages: {@code shape} or {@code type}. */
  public final String kind() {
    return kind;
  }

  /** A value as messages show it ({@code (2, 3)}, {@code float32}). */
  public final String describe(T value) {
    return describe.apply(value);
  }

  /** Number of inputs. */
  public final int numInputs() {
    return in.length;
  }

  /** Number of outputs. */
  public final int numOutputs() {
    return out.length;
  }

  /** Input {@code i}'s value, or null if unknown. */
  public final T in(int i) {
    return in[i];
  }

  /** Output {@code i}'s value, or null if unknown. */
  public final T out(int i) {
    return out[i];
  }

  /**
   * Sets input {@code i} if unknown, or checks it equals {@code v}; a null {@code v} changes
   * nothing.
   *
   * @throws IllegalArgumentException naming the input if it is known and differs
   */
  public final void assignIn(int i, T v) {
    in[i] = assign(in[i], v, "input '" + inNames.get(i) + "'");
  }

  /**
   * Sets output {@code i} if unknown, or checks it equals {@code v}; a null {@code v} changes
   * nothing.
   *
   * @throws IllegalArgumentException naming the output if it is known and differs
   */
  public final void assignOut(int i, T v) {
    out[i] = assign(out[i], v, "output '" + outNames.get(i) + "'");
  }

  private T assign(T current, T v, String what) {
    if (v == null || v.equals(current)) {
      return current;
    }
    if (current == null) {
      changed = true;
      return v;
    }
    throw new IllegalArgumentException(kind() + " inconsistent for " + what + ": it is "
        + describe(current) + " but " + describe(v) + " is required");
  }

  /**
   * MXNet's {@code ElemwiseShape}/{@code ElemwiseType}: every input and output has one value,
   * taken from the first known slot (inputs, then outputs); nothing happens while every slot is
   * unknown.
   *
   * @throws IllegalArgumentException naming a known slot whose value differs
   */
  public final void allSame() {
    T known = null;
    for (T v : in) {
      known = known == null ? v : known;
    }
    for (T v : out) {
      known = known == null ? v : known;
    }
    for (int i = 0; i < in.length; i++) {
      assignIn(i, known);
    }
    for (int k = 0; k < out.length; k++) {
      assignOut(k, known);
    }
  }

  /** True if any slot was filled since construction. */
  public final boolean changed() {
    return changed;
  }
}
