package org.kindling.symbol.optimizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * Splits one {@code .states} file (docs/formats.md §3.8) into the files of several optimizers
 * that each update contiguous element ranges of the parameters, and joins such files back into
 * one: how a parameter server whose big keys are sharded (each shard with its own optimizer, as
 * MXNet's servers have) saves and loads the one file a single optimizer would have written.
 *
 * <p>A slice of a parameter is the elements {@code [begin, end)} of its flattened weight; the
 * owner's state arrays for it are 1-D of {@code end - begin} elements, except for a parameter
 * held whole by one owner, whose arrays keep the weight's shape. Only elementwise optimizers give
 * the same results sliced as whole; LAMB's trust ratio uses the norms of each slice (as on
 * MXNet's sharded servers).
 */
public final class StateSlices {

  /** Elements {@code [begin, end)} of a parameter's flattened weight, updated by {@code owner}. */
  public record Slice(int owner, int begin, int end) {
    public Slice {
      if (owner < 0 || begin < 0 || end < begin) {
        throw new IllegalArgumentException("bad slice: owner " + owner + ", [" + begin + ", "
            + end + ")");
      }
    }

    /** {@code end - begin}. */
    public int size() {
      return end - begin;
    }
  }

  /** How a parameter of {@code size} elements is cut; the slices are in element order. */
  @FunctionalInterface
  public interface Slicer {
    List<Slice> slices(String key, int size);
  }

  private StateSlices() {}

  /**
   * The files of {@code owners} optimizers from one file: each gets the spec and {@code
   * num_update}, and per parameter its count and its slices of the state arrays. A parameter
   * without state arrays (SGD without momentum) has no known size, so its count goes to every
   * owner.
   *
   * @throws IllegalArgumentException if {@code states} is not a state file, naming the entry
   */
  public static byte[][] split(byte[] states, int owners, Slicer slicer) {
    Map<String, NDArray> in = read(states, "optimizer states");
    try {
      List<List<String>> names = new ArrayList<>();
      List<List<NDArray>> arrays = new ArrayList<>();
      for (int o = 0; o < owners; o++) {
        names.add(new ArrayList<>(List.of(OptimizerStates.SPEC, OptimizerStates.NUM_UPDATE)));
        arrays.add(new ArrayList<>(List.of(required(in, OptimizerStates.SPEC),
            required(in, OptimizerStates.NUM_UPDATE))));
      }
      try (NDScope scope = NDScope.open()) {
        for (String key : keys(in)) {
          NDArray count = in.get(OptimizerStates.COUNT + key);
          List<NDArray> whole = statesOf(in, key);
          if (whole.isEmpty()) {
            for (int o = 0; o < owners; o++) {
              names.get(o).add(OptimizerStates.COUNT + key);
              arrays.get(o).add(count);
            }
            continue;
          }
          int size = Math.toIntExact(whole.get(0).size());
          List<Slice> slices = slicer.slices(key, size);
          for (Slice s : slices) {
            if (s.owner() >= owners || s.end() > size) {
              throw new IllegalArgumentException("optimizer states: slice " + s + " of '" + key
                  + "' is outside " + owners + " owners or " + size + " elements");
            }
            names.get(s.owner()).add(OptimizerStates.COUNT + key);
            arrays.get(s.owner()).add(count);
            for (int i = 0; i < whole.size(); i++) {
              names.get(s.owner()).add(OptimizerStates.STATE + key + ":" + i);
              arrays.get(s.owner()).add(slices.size() == 1 ? whole.get(i) : cut(whole.get(i), s));
            }
          }
        }
        byte[][] out = new byte[owners][];
        for (int o = 0; o < owners; o++) {
          out[o] = write(names.get(o), arrays.get(o));
        }
        return out;
      }
    } finally {
      in.values().forEach(NDArray::close);
    }
  }

  /**
   * The one file of the owners' files: the first owner's spec, the largest {@code num_update},
   * and per parameter its count and state arrays of the weight's shape, concatenated from the
   * slices, parameters in key order as {@link Optimizer#saveStates()} writes them, so the bytes
   * are the file one optimizer with all the owners' updates would have written.
   *
   * @param shapeOf the weight's shape of every parameter that has state arrays
   * @throws IllegalArgumentException if the files do not fit together, naming the parameter
   */
  public static byte[] join(List<byte[]> states, Function<String, Shape> shapeOf,
      Slicer slicer) {
    List<Map<String, NDArray>> in = new ArrayList<>();
    try (NDScope scope = NDScope.open()) {
      for (int o = 0; o < states.size(); o++) {
        in.add(read(states.get(o), "optimizer states of shard " + o));
      }
      List<String> names = new ArrayList<>(List.of(OptimizerStates.SPEC,
          OptimizerStates.NUM_UPDATE));
      List<NDArray> arrays = new ArrayList<>(List.of(required(in.get(0), OptimizerStates.SPEC),
          maxNumUpdate(in)));
      Set<String> keys = new TreeSet<>();
      in.forEach(m -> keys.addAll(keys(m)));
      for (String key : keys) {
        names.add(OptimizerStates.COUNT + key);
        arrays.add(commonCount(in, key));
        int numStates = 0;
        for (Map<String, NDArray> m : in) {
          numStates = Math.max(numStates, statesOf(m, key).size());
        }
        if (numStates == 0) {
          continue;
        }
        Shape shape = shapeOf.apply(key);
        if (shape == null) {
          throw new IllegalArgumentException("optimizer states of '" + key + "': the key's"
              + " shape is unknown");
        }
        List<Slice> slices = slicer.slices(key, Math.toIntExact(shape.size()));
        for (int i = 0; i < numStates; i++) {
          names.add(OptimizerStates.STATE + key + ":" + i);
          arrays.add(glue(in, key, i, shape, slices));
        }
      }
      return write(names, arrays);
    } finally {
      in.forEach(m -> m.values().forEach(NDArray::close));
    }
  }

  /**
   * The parameters of a states file, in file order.
   *
   * @throws IllegalArgumentException if {@code states} is not a state file
   */
  public static List<String> parameters(byte[] states) {
    Map<String, NDArray> in = read(states, "optimizer states");
    in.values().forEach(NDArray::close);
    return keys(in);
  }

  private static Map<String, NDArray> read(byte[] bytes, String what) {
    ParamsFile.Contents file;
    try {
      file = ParamsFile.read(bytes, what);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
    Map<String, NDArray> byName = new LinkedHashMap<>();
    for (int i = 0; i < file.arrays().size(); i++) {
      NDArray a = NDScope.unscoped(file.arrays().get(i));
      byName.put(i < file.names().size() ? file.names().get(i) : "#" + i, a);
    }
    return byName;
  }

  private static NDArray required(Map<String, NDArray> m, String name) {
    NDArray a = m.get(name);
    if (a == null) {
      throw new IllegalArgumentException("optimizer states: entry '" + name + "' is missing");
    }
    return a;
  }

  /** The parameters with a count, in file order. */
  private static List<String> keys(Map<String, NDArray> m) {
    List<String> keys = new ArrayList<>();
    for (String name : m.keySet()) {
      if (name.startsWith(OptimizerStates.COUNT)) {
        keys.add(name.substring(OptimizerStates.COUNT.length()));
      }
    }
    return keys;
  }

  /** {@code state:<key>:0}, {@code :1}, ... as long as they exist. */
  private static List<NDArray> statesOf(Map<String, NDArray> m, String key) {
    List<NDArray> out = new ArrayList<>();
    for (NDArray a; (a = m.get(OptimizerStates.STATE + key + ":" + out.size())) != null; ) {
      if (a.dtype() != DType.FLOAT32) {
        throw new IllegalArgumentException("optimizer states: entry '" + OptimizerStates.STATE
            + key + ":" + out.size() + "' is " + a.dtype().numpyName() + ", expected float32");
      }
      out.add(a);
    }
    return out;
  }

  private static long int64(NDArray a, String name) {
    if (a.dtype() != DType.INT64 || a.size() != 1) {
      throw new IllegalArgumentException("optimizer states: entry '" + name + "' is not one"
          + " int64");
    }
    a.waitToRead();
    return a.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  private static NDArray maxNumUpdate(List<Map<String, NDArray>> in) {
    NDArray best = null;
    for (Map<String, NDArray> m : in) {
      NDArray a = required(m, OptimizerStates.NUM_UPDATE);
      if (best == null || int64(a, OptimizerStates.NUM_UPDATE)
          > int64(best, OptimizerStates.NUM_UPDATE)) {
        best = a;
      }
    }
    return best;
  }

  /** The count of {@code key}, which every owner that has it must agree on. */
  private static NDArray commonCount(List<Map<String, NDArray>> in, String key) {
    String name = OptimizerStates.COUNT + key;
    NDArray first = null;
    for (int o = 0; o < in.size(); o++) {
      NDArray a = in.get(o).get(name);
      if (a == null) {
        continue;
      }
      if (first == null) {
        first = a;
      } else if (int64(a, name) != int64(first, name)) {
        throw new IllegalArgumentException("optimizer states: shard " + o + " counts "
            + int64(a, name) + " updates of '" + key + "' but another shard "
            + int64(first, name) + "; the shards of a key are updated together");
      }
    }
    return first;
  }

  /** Elements {@code [s.begin, s.end)} of {@code whole}, flattened, as a new 1-D array. */
  private static NDArray cut(NDArray whole, Slice s) {
    whole.waitToRead();
    NDArray part = NDArray.empty(Shape.of(s.size()));
    FloatBuffer src = whole.floatBuffer();
    part.floatBuffer().put(src.position(s.begin()).limit(s.end()));
    return part;
  }

  /** State array {@code i} of {@code key}: the owners' slices in order, in the weight's shape. */
  private static NDArray glue(List<Map<String, NDArray>> in, String key, int i, Shape shape,
      List<Slice> slices) {
    String name = OptimizerStates.STATE + key + ":" + i;
    NDArray out = NDArray.empty(shape);
    FloatBuffer dst = out.floatBuffer();
    for (Slice s : slices) {
      NDArray part = s.owner() < in.size() ? in.get(s.owner()).get(name) : null;
      if (part == null || part.size() != s.size()) {
        throw new IllegalArgumentException("optimizer states: shard " + s.owner() + " holds "
            + (part == null ? "no '" + name + "'" : part.size() + " elements of '" + name + "'")
            + " but owns elements [" + s.begin() + ", " + s.end() + ") of '" + key + "' "
            + shape);
      }
      part.waitToRead();
      dst.put(s.begin(), part.floatBuffer(), 0, s.size());
    }
    return out;
  }

  private static byte[] write(List<String> names, List<NDArray> arrays) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ParamsFile.write(out, names, arrays);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory write failed", e); // cannot happen
    }
  }
}
