package org.kindling.symbol.kvstore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kindling.tensor.NDArray;

/**
 * The arrays of a many-key store call by key, as MXNet's {@code GroupKVPairs}: {@code keys.get(i)}
 * names the key of {@code arrays.get(i)} (MXNet's flat C form, into which Python's nested lists
 * {@code kv.push(['a', 'b'], [va, [vb0, vb1]])} unfold as {@code [a, b, b]}, {@code [va, vb0,
 * vb1]}), and a key given several times gets all its arrays, in the order given. Keys come out
 * in the order of their first appearance (MXNet sorts its integer keys, which for string keys is
 * their init order; only the order in which the keys' operations are issued differs).
 */
public final class KeyGroups {
  private KeyGroups() {}

  /**
   * Groups {@code arrays} by {@code keys}.
   *
   * @param call the store call, for messages ({@code push}, {@code pull}, ...)
   * @param what the arrays, for messages ({@code values}, {@code outputs})
   * @return an unmodifiable map in first-appearance order of the keys, each with its arrays
   * @throws IllegalArgumentException if the lists differ in length or are empty
   * @throws NullPointerException naming the index of a null key or array
   */
  public static Map<String, List<NDArray>> of(String call, List<String> keys,
      List<NDArray> arrays, String what) {
    Objects.requireNonNull(keys, call + ": keys");
    Objects.requireNonNull(arrays, call + ": " + what);
    if (keys.size() != arrays.size()) {
      throw new IllegalArgumentException(call + ": " + keys.size() + " keys but " + arrays.size()
          + " " + what + "; keys.get(i) names the key of " + what + ".get(i), a key given once"
          + " per array of its list");
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(call + ": no keys and " + what + " given");
    }
    Map<String, List<NDArray>> groups = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = Objects.requireNonNull(keys.get(i), call + ": keys[" + i + "] is null");
      NDArray a = Objects.requireNonNull(arrays.get(i),
          call + ": " + what + "[" + i + "] (key '" + key + "') is null");
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
    }
    groups.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(groups);
  }

  /**
   * Checks that no key is given twice (MXNet's "duplicate init of key": {@code init} and {@code
   * broadcast} take one value per key).
   *
   * @throws IllegalArgumentException naming the key and both indices
   */
  public static void requireDistinct(String call, List<String> keys) {
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      Integer before = first.putIfAbsent(keys.get(i), i);
      if (before != null) {
        throw new IllegalArgumentException(call + ": key '" + keys.get(i) + "' is given twice"
            + " (keys[" + before + "] and keys[" + i + "]); each key takes one value, once");
      }
    }
  }
}
