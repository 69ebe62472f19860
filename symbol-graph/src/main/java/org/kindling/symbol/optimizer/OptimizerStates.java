package org.kindling.symbol.optimizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * Kindling's optimizer-state file ({@code .states}, docs/formats.md §3.8): an NDArray dict file
 * in MXNet's {@code .params} format (§3.1, so {@code mx.nd.load} reads it) holding
 *
 * <ul>
 *   <li>{@code meta:optimizer}: the optimizer's {@link Optimizer#spec() spec}, UTF-8, as a uint8
 *       array;
 *   <li>{@code meta:num_update}: the optimizer's {@code num_update}, an int64 {@code (1,)};
 *   <li>per parameter {@code <key>}: {@code count:<key>}, its update count (int64 {@code (1,)}),
 *       and {@code state:<key>:<i>} for each of its state arrays ({@code i} from 0, float32, the
 *       weight's shape), in the order MXNet's {@code create_state} returns them; parameters in
 *       key order.
 * </ul>
 *
 * MXNet's own files ({@code Module.save_optimizer_states}) are Python pickles of the updater's
 * states, which a JVM cannot read safely; this format keeps the same arrays and adds the update
 * counts MXNet's pickle leaves out, so a restored optimizer continues exactly.
 */
final class OptimizerStates {
  static final String SPEC = "meta:optimizer";
  static final String NUM_UPDATE = "meta:num_update";
  static final String COUNT = "count:";
  static final String STATE = "state:";

  private OptimizerStates() {}

  /** One parameter's state: its weight's shape (null until known), update count and arrays. */
  static final class Slot {
    Shape shape;
    int count;
    final NDArray[] states;

    Slot(Shape shape, int count, NDArray[] states) {
      this.shape = shape;
      this.count = count;
      this.states = states;
    }

    void close() {
      for (NDArray a : states) {
        a.close();
      }
    }
  }

  /** A file's contents: the spec it was saved with, {@code num_update}, and the slots. */
  record Contents(String spec, int numUpdate, Map<String, Slot> slots) {}

  /** The file's bytes (waits for pending writes to the state arrays). */
  static byte[] write(String spec, int numUpdate, Map<String, Slot> slots) {
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    try (NDScope scope = NDScope.open()) {
      byte[] utf8 = spec.getBytes(StandardCharsets.UTF_8);
      names.add(SPEC);
      arrays.add(NDArray.ofBytes(ByteBuffer.wrap(utf8), DType.UINT8, Shape.of(utf8.length)));
      names.add(NUM_UPDATE);
      arrays.add(int64(numUpdate));
      // in key order: the slots are made by first updates, whose order follows the engine's
      // scheduling once pushes overlap backward, and a checkpoint's bytes must not
      for (Map.Entry<String, Slot> e : new TreeMap<>(slots).entrySet()) {
        names.add(COUNT + e.getKey());
        arrays.add(int64(e.getValue().count));
        NDArray[] states = e.getValue().states;
        for (int i = 0; i < states.length; i++) {
          names.add(STATE + e.getKey() + ":" + i);
          arrays.add(states[i]);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ParamsFile.write(out, names, arrays);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory write failed", e); // cannot happen
    }
  }

  private static NDArray int64(long v) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    return NDArray.ofBytes(b, DType.INT64, Shape.of(1));
  }

  /**
   * Parses a file saved by an optimizer named as {@code loader}'s spec, expecting
   * {@code numStates} arrays per parameter. The state arrays returned are owned by the caller
   * (outside any scope).
   *
   * @param loader the spec of the optimizer that loads the file
   * @throws IllegalArgumentException if the bytes are not such a file, naming the entry at fault
   */
  static Contents read(byte[] bytes, String loader, int numStates) {
    ParamsFile.Contents file;
    try {
      file = ParamsFile.read(bytes, "optimizer states");
    } catch (IOException e) {
      throw new IllegalArgumentException("optimizer states: " + e.getMessage(), e);
    }
    Map<String, NDArray> byName = new LinkedHashMap<>();
    for (int i = 0; i < file.arrays().size(); i++) {
      byName.put(i < file.names().size() ? file.names().get(i) : "#" + i, file.arrays().get(i));
    }
    try {
      String spec = new String(bytesOf(required(byName, SPEC, DType.UINT8)),
          StandardCharsets.UTF_8);
      String savedBy = spec.split("\\s+", 2)[0];
      String kind = loader.split("\\s+", 2)[0];
      if (!savedBy.equals(kind)) {
        throw new IllegalArgumentException("optimizer states were saved by '" + spec
            + "', not by a " + kind + " optimizer ('" + loader + "')");
      }
      int numUpdate = count(required(byName, NUM_UPDATE, DType.INT64), NUM_UPDATE);
      Map<String, Slot> slots = new LinkedHashMap<>();
      for (String name : byName.keySet()) {
        if (name.startsWith(COUNT)) {
          String key = name.substring(COUNT.length());
          slots.put(key, slot(byName, key, numStates));
        } else if (!name.equals(SPEC) && !name.equals(NUM_UPDATE) && !name.startsWith(STATE)) {
          throw new IllegalArgumentException("optimizer states: unexpected entry '" + name
              + "' (expected meta:optimizer, meta:num_update, count:<key>, state:<key>:<i>)");
        }
      }
      for (String name : byName.keySet()) {
        if (name.startsWith(STATE) && !isStateOf(name, slots.keySet(), numStates)) {
          throw new IllegalArgumentException("optimizer states: entry '" + name + "' belongs to "
              + "no parameter with a count, or the optimizer keeps " + numStates
              + " state array(s) per parameter");
        }
      }
      for (Map.Entry<String, NDArray> e : byName.entrySet()) {
        if (e.getKey().startsWith(STATE)) {
          NDScope.unscoped(e.getValue()); // the caller's now
        } else {
          e.getValue().close();
        }
      }
      return new Contents(spec, numUpdate, slots);
    } catch (RuntimeException e) {
      byName.values().forEach(NDArray::close);
      throw e;
    }
  }

  private static boolean isStateOf(String name, Iterable<String> keys, int numStates) {
    for (String key : keys) {
      for (int i = 0; i < numStates; i++) {
        if (name.equals(STATE + key + ":" + i)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Slot slot(Map<String, NDArray> byName, String key, int numStates) {
    int count = count(required(byName, COUNT + key, DType.INT64), COUNT + key);
    NDArray[] states = new NDArray[numStates];
    Shape shape = null;
    for (int i = 0; i < numStates; i++) {
      String name = STATE + key + ":" + i;
      NDArray a = required(byName, name, DType.FLOAT32);
      if (shape != null && !shape.equals(a.shape())) {
        throw new IllegalArgumentException("optimizer states: '" + name + "' has shape "
            + a.shape() + " but the other states of '" + key + "' have " + shape);
      }
      shape = a.shape();
      states[i] = a;
    }
    return new Slot(shape, count, states);
  }

  private static NDArray required(Map<String, NDArray> byName, String name, DType type) {
    NDArray a = byName.get(name);
    if (a == null) {
      throw new IllegalArgumentException("optimizer states: entry '" + name + "' is missing");
    }
    if (a.dtype() != type) {
      throw new IllegalArgumentException("optimizer states: entry '" + name + "' is "
          + a.dtype().numpyName() + ", expected " + type.numpyName());
    }
    return a;
  }

  private static int count(NDArray a, String name) {
    if (a.size() != 1) {
      throw new IllegalArgumentException("optimizer states: entry '" + name + "' holds "
          + a.size() + " values, expected one");
    }
    a.waitToRead();
    long v = a.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("optimizer states: entry '" + name + "' is " + v
          + ", expected a count in [0, 2^31)");
    }
    return (int) v;
  }

  private static byte[] bytesOf(NDArray a) {
    a.waitToRead();
    byte[] out = new byte[Math.toIntExact(a.size())];
    a.byteBuffer().get(0, out);
    return out;
  }
}
