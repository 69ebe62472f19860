package org.kindling.symbol.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.io.ParamsFile;

/**
 * MXNet's {@code mx.init.Load}: parameters found in a {@code .params} file (or a map) are
 * copied from it, the others go to a default initializer. Names lose an {@code arg:} or {@code
 * aux:} prefix, as MXNet drops them; a stored array of another type is converted to float32.
 *
 * <p>Owns copies of the arrays; {@link #close()} releases them.
 */
public final class Load extends Initializer implements AutoCloseable {
  private final String source;
  private final Map<String, NDArray> params;
  private final Initializer defaultInit;

  private Load(String source, Map<String, NDArray> params, Initializer defaultInit) {
    this.source = source;
    this.params = params;
    this.defaultInit = defaultInit;
  }

  /**
   * Reads a {@code .params} file (MXNet's {@code Load(param=path)}).
   *
   * @param defaultInit for parameters the file lacks, or null to make them an error
   * @throws FormatException naming the file if it is not a valid NDArray file, has no names, or
   *     holds a name twice once prefixes are dropped
   * @throws IOException if the file cannot be read
   */
  public static Load fromFile(Path file, Initializer defaultInit) throws IOException {
    ParamsFile.Contents contents = ParamsFile.read(file);
    List<NDArray> arrays = contents.arrays();
    if (contents.names().isEmpty() && !arrays.isEmpty()) {
      arrays.forEach(NDArray::close);
      throw new FormatException(file.toString(), -1, "the file is a list of " + arrays.size()
          + " arrays without names; Load needs names (arg:NAME, aux:NAME or NAME)");
    }
    try {
      return new Load(file.toString(), strip(contents.names(), arrays, file.toString()),
          defaultInit);
    } catch (IllegalArgumentException e) {
      arrays.forEach(NDArray::close);
      throw new FormatException(file.toString(), -1, e.getMessage());
    }
  }

  /**
   * From arrays by name (MXNet's {@code Load(param=dict)}); the arrays are copied.
   *
   * @param defaultInit for parameters the map lacks, or null to make them an error
   * @throws IllegalArgumentException if two names are equal once prefixes are dropped
   */
  public static Load fromMap(Map<String, NDArray> params, Initializer defaultInit) {
    Map<String, NDArray> stripped =
        strip(List.copyOf(params.keySet()), List.copyOf(params.values()), "the given map");
    Map<String, NDArray> copies = new LinkedHashMap<>();
    stripped.forEach((k, v) -> copies.put(k, v.copy()));
    return new Load("the given map", copies, defaultInit);
  }

  private static Map<String, NDArray> strip(List<String> names, List<NDArray> arrays,
      String source) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    Map<String, String> original = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      String key = n.startsWith("arg:") || n.startsWith("aux:") ? n.substring(4) : n;
      String before = original.putIfAbsent(key, n);
      if (before != null) {
        throw new IllegalArgumentException("parameter '" + key + "' occurs twice in " + source
            + " (as '" + before + "' and '" + n + "')");
      }
      out.put(key, arrays.get(i));
    }
    return out;
  }

  /** The parameter names held (prefixes dropped), in file order. */
  public Set<String> names() {
    return Collections.unmodifiableSet(params.keySet());
  }

  /**
   * Copies the stored array, or defers to the default initializer.
   *
   * @throws IllegalArgumentException naming the parameter and the source for a shape mismatch,
   *     or a missing parameter without a default initializer
   */
  @Override
  public void init(InitDesc desc, NDArray array) {
    String name = desc.name();
    NDArray stored = params.get(name);
    if (stored == null) {
      if (defaultInit == null) {
        throw new IllegalArgumentException("cannot initialize '" + name + "': it is not in "
            + source + " and no default initializer was given");
      }
      defaultInit.init(desc, array);
      return;
    }
    if (!stored.shape().equals(array.shape())) {
      throw new IllegalArgumentException("parameter '" + name + "' cannot be initialized from "
          + source + ": shape mismatch, target " + array.shape() + " vs loaded "
          + stored.shape());
    }
    if (stored.dtype() == array.dtype()) {
      stored.copyTo(array);
    } else if (array.dtype() == DType.FLOAT32) {
      array.set(stored.toFloatArray());
    } else {
      throw new IllegalArgumentException("parameter '" + name + "' is "
          + array.dtype().numpyName() + "; Load converts " + source + "'s "
          + stored.dtype().numpyName() + " arrays to float32 only");
    }
  }

  /** Releases the stored arrays (after pending copies, as {@link NDArray#close} does). */
  @Override
  public void close() {
    params.values().forEach(NDArray::close);
  }
}
