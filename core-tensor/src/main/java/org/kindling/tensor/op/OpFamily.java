package org.kindling.tensor.op;

import java.util.List;

/**
 * Operators that one {@link OpDef} class defines from a table, registered together: a family
 * whose members differ only in data (name, aliases, element function, samples), as MXNet
 * registers its unary and binary math operators through one macro each. Found as a service
 * ({@code @AutoService(OpFamily.class)}, a public no-argument constructor) beside the one-class
 * {@link OpDef} services; members of one class are told apart by name.
 */
public interface OpFamily {
  /** The family's operators, each with its own canonical name. */
  List<OpDef<?>> members();
}
