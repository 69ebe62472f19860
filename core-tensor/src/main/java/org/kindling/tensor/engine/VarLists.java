package org.kindling.tensor.engine;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Argument checks for {@link Engine#push} shared by the engines. */
final class VarLists {
  /** Up to this many variables a quadratic scan beats hashing (the common case is 1 to 4). */
  private static final int LINEAR_SCAN_LIMIT = 16;

  private VarLists() {}

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
