package org.kindling.tensor.engine;

/**
 * A variable that the {@link Engine} tracks dependencies on: usually the storage of one
 * {@code NDArray}, but any resource (a network buffer, a file) can have one. Create with
 * {@link Engine#newVar(String)}. Identity is object identity.
 */
public interface Var {
  /** A debugging name, e.g. the array or parameter it guards. */
  String name();
}
