package org.kindling.tensor.op;

/** The parameters of an operator that declares none, such as {@code Flatten}. */
public record NoParams() {
  /** The only value. */
  public static final NoParams NONE = new NoParams();
}
