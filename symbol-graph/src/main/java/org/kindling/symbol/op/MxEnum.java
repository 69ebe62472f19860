package org.kindling.symbol.op;

/** An enumeration whose values have MXNet attribute names (e.g. {@code relu}). */
public interface MxEnum {
  /** The name MXNet uses in attribute strings. */
  String mxName();
}
