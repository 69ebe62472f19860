package org.kindling.kvstore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.kindling.symbol.kvstore.KeyGroups;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The checks of a many-key call that a store makes before it does any of it (decision 0084):
 * every key known, every array of its key's shape, and for a distributed pushPull the same keys
 * pushed and pulled.
 */
final class KeyLists {
  private KeyLists() {}

  /** A key's values and outputs in a pushPull. */
  record ValuesAndOuts(List<NDArray> values, List<NDArray> outs) {}

  /**
   * {@link KeyGroups#of}, each key's arrays checked against {@code shapeOf(key)}, which throws
   * naming a key that is not initialized.
   */
  static Map<String, List<NDArray>> checked(String call, List<String> keys, List<NDArray> arrays,
      String what, Function<String, Shape> shapeOf) {
    Map<String, List<NDArray>> groups = KeyGroups.of(call, keys, arrays, what);
    groups.forEach((key, a) -> Reduction.requireShapes(key, shapeOf.apply(key), a,
        call + " " + what));
    return groups;
  }

  /**
   * Per key, its values and outputs, in the values' order of first appearance.
   *
   * @throws IllegalArgumentException naming a key pushed but not pulled, or the reverse (MXNet's
   *     dist store: "List of push and pull keys are different")
   */
  static Map<String, ValuesAndOuts> sameKeys(String type, Map<String, List<NDArray>> in,
      Map<String, List<NDArray>> out) {
    requireIn(type, in, out, "pulled but not pushed");
    requireIn(type, out, in, "pushed but not pulled");
    Map<String, ValuesAndOuts> both = new LinkedHashMap<>();
    in.forEach((key, v) -> both.put(key, new ValuesAndOuts(v, out.get(key))));
    return both;
  }

  private static void requireIn(String type, Map<String, List<NDArray>> in,
      Map<String, List<NDArray>> of, String how) {
    for (String key : of.keySet()) {
      if (!in.containsKey(key)) {
        throw new IllegalArgumentException("pushPull: key '" + key + "' is " + how + "; a "
            + type + " store makes one round trip per key, so the value keys and the output"
            + " keys must be the same keys (MXNet's dist store: \"List of push and pull keys are"
            + " different\")");
      }
    }
  }
}
