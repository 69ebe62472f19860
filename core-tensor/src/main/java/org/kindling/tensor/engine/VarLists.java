package org.kindling.tensor.engine;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Checks shared by the engines: the arguments of a push, and waits inside operations. */
final class VarLists {
  /** Up to this many variables a quadratic scan beats hashing (the common case is 1 to 4). */
  private static final int LINEAR_SCAN_LIMIT = 16;

  private VarLists() {}

  /**
   * Checks a push: the work and the pool are given, and the variables are as
   * {@link #checkDisjoint} requires.
   *
   * @throws IllegalArgumentException naming the operation
   */
  static void checkPush(String opName, Object work, List<? extends Var> reads,
      List<? extends Var> writes, FnProperty prop) {
    checkDisjoint(opName, reads, writes);
    if (work == null) {
      throw new IllegalArgumentException("operation '" + opName + "' has no function");
    }
    if (prop == null) {
      throw new IllegalArgumentException("operation '" + opName + "' has no FnProperty");
    }
  }

  /**
   * The error for a wait ({@code what}, e.g. {@code waitToRead on 'w'}) made inside the engine
   * operation {@code opName}.
   */
  static IllegalStateException waitInsideOperation(String what, String opName) {
    return new IllegalStateException(what + " inside engine operation '" + opName
        + "' is not allowed: an operation must not block on the engine (it could deadlock)."
        + " List the variable in the operation's reads or writes, push the rest as a dependent"
        + " operation, or push work that completes later with pushAsync");
  }

  /**
   * Checks that no variable is null, appears twice in one list, or appears in both lists; a
   * duplicate write would make an operation wait for itself.
   *
   * @throws IllegalArgumentException naming the operation and the variable
   */
  static void checkDisjoint(String opName, List<? extends Var> reads, List<? extends Var> writes) {
    Objects.requireNonNull(opName, "operation name");
    Objects.requireNonNull(reads, "reads");
    Objects.requireNonNull(writes, "writes");
    int nr = reads.size();
    int total = nr + writes.size();
    Map<Var, Integer> seen = total > LINEAR_SCAN_LIMIT ? new IdentityHashMap<>() : null;
    for (int i = 0; i < total; i++) {
      Var a = i < nr ? reads.get(i) : writes.get(i - nr);
      if (a == null) {
        throw new IllegalArgumentException(
            "operation '" + opName + "': null variable in " + (i < nr ? "reads" : "writes"));
      }
      int dup = -1;
      if (seen != null) {
        Integer prev = seen.putIfAbsent(a, i);
        dup = prev == null ? -1 : prev;
      } else {
        for (int j = 0; j < i && dup < 0; j++) {
          if ((j < nr ? reads.get(j) : writes.get(j - nr)) == a) {
            dup = j;
          }
        }
      }
      if (dup >= 0) {
        throw new IllegalArgumentException(
            "operation '" + opName + "': variable '" + a.name() + "' is listed twice"
                + (dup < nr && i >= nr
                    ? " (in reads and writes; list it only in writes)"
                    : " in " + (i < nr ? "reads" : "writes")));
      }
    }
  }
}
