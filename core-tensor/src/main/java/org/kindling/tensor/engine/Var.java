package org.kindling.tensor.engine;

/**
 * A variable that the {@link Engine} tracks dependencies on: usually the storage of one
 * {@code NDArray}, but any resource (a network buffer, a file) can have one. Create with
 * {@link Engine#newVar(String)}. Identity is object identity.
 */
public interface Var {
  /** A debugging name, e.g. the array or parameter it guards. */
  String name();

  /**
   * A stamp of this variable's contents: it changes when an operation that writes the variable
   * finishes and when a {@code waitToWrite} on it returns (the caller then writes directly), and
   * no two variables, or two writes, ever get the same stamp in this JVM. Read inside an
   * operation that reads the variable, it names the contents that operation sees, so a kernel
   * may keep something derived from an input (oneDNN's reordered weights) for as long as the
   * stamp stays the same. Writes that bypass the engine (into a buffer without {@code
   * waitToWrite}) are not seen.
   */
  long version();
}
