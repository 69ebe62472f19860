package org.kindling.tensor.op;

import java.util.Locale;

/**
 * How a gradient is stored, as MXNet's {@code grad_req}: {@link #WRITE} overwrites the gradient
 * array on every backward pass, {@link #ADD} accumulates into it (the caller zeroes it), and
 * {@link #NULL} computes no gradient.
 */
public enum GradReq {
  /** Overwrite ({@code write}). */
  WRITE("write"),
  /** Accumulate ({@code add}). */
  ADD("add"),
  /** No gradient ({@code null}). */
  NULL("null");

  private final String mxName;

  GradReq(String mxName) {
    this.mxName = mxName;
  }

  /** MXNet's name: {@code write}, {@code add} or {@code null}. */
  public String mxName() {
    return mxName;
  }

  /**
   * The request for MXNet's name (also {@code inplace}, which MXNet treats as write).
   *
   * @throws IllegalArgumentException for unknown names
   */
  public static GradReq fromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    switch (n) {
      case "write":
      case "inplace":
        return WRITE;
      case "add":
        return ADD;
      case "null":
        return NULL;
      default:
        throw new IllegalArgumentException(
            "unknown grad_req '" + name + "' (use write, add or null)");
    }
  }
}
