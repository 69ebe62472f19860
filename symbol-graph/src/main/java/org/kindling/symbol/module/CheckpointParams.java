package org.kindling.symbol.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameters of an MXNet checkpoint, split into arguments and auxiliary states as MXNet's
 * {@code load_checkpoint} does, and checked against the symbol they are for.
 *
 * <p>Names: {@code arg:x} and {@code aux:x} (Module and Gluon {@code export} files) go to their
 * side; a bare name {@code x} (Gluon {@code save_parameters}, {@code mx.nd.save} of a dict) is an
 * auxiliary state if the symbol lists {@code x} among its auxiliary states, an argument
 * otherwise. Other prefixes are ignored, as MXNet ignores them, with a warning.
 *
 * <p>Owns the arrays it read; {@link #close()} releases them (after they were copied into an
 * executor).
 */
public final class CheckpointParams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointParams.class);

  private final String source;
  private final Map<String, NDArray> args;
  private final Map<String, NDArray> aux;

  private CheckpointParams(String source, Map<String, NDArray> args, Map<String, NDArray> aux) {
    this.source = source;
    this.args = Collections.unmodifiableMap(args);
    this.aux = Collections.unmodifiableMap(aux);
  }

  /**
   * Splits the arrays of a {@code .params} file for {@code symbol}.
   *
   * @param source the file, for error messages
   * @throws FormatException naming the file if the arrays have no names
   */
  public static CheckpointParams split(ParamsFile.Contents contents, Symbol symbol,
      String source) throws FormatException {
    List<String> names = contents.names();
    List<NDArray> arrays = contents.arrays();
    if (names.size() != arrays.size()) {
      arrays.forEach(NDArray::close);
      throw new FormatException(source, -1, "the arrays have no names; a checkpoint needs "
          + "names (arg:NAME / aux:NAME, or the symbol's parameter names)");
    }
    Set<String> auxNames = Set.copyOf(symbol.listAuxiliaryStates());
    Map<String, NDArray> args = new LinkedHashMap<>();
    Map<String, NDArray> aux = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      int colon = n.indexOf(':');
      String type = colon < 0 ? "" : n.substring(0, colon);
      String name = n.substring(colon + 1);
      Map<String, NDArray> side = switch (type) {
        case "arg" -> args;
        case "aux" -> aux;
        case "" -> auxNames.contains(name) ? aux : args;
        default -> null;
      };
      if (side == null) {
        LOG.warn("{}: ignoring '{}': the prefix is neither arg: nor aux:", source, n);
        arrays.get(i).close();
      } else if (side.putIfAbsent(name, arrays.get(i)) != null) {
        arrays.forEach(NDArray::close);
        throw new FormatException(source, -1, "parameter '" + name + "' occurs twice");
      }
    }
    return new CheckpointParams(source, args, aux);
  }

  /** Argument parameters by name (without the {@code arg:} prefix). */
  public Map<String, NDArray> args() {
    return args;
  }

  /** Auxiliary states by name (without the {@code aux:} prefix). */
  public Map<String, NDArray> aux() {
    return aux;
  }

  /** Where the parameters came from. */
  public String source() {
    return source;
  }

  /**
   * Checks that these parameters fit {@code symbol} bound with {@code inputShapes}: every
   * parameter of the symbol is present (inputs excepted), none is extra, and every shape is the
   * one the symbol needs. Cheap (no arrays are bound): run it before any Spark task starts.
   *
   * @throws IllegalArgumentException one line naming the file and the parameter
   */
  public void check(Symbol symbol, Map<String, Shape> inputShapes) {
    InferredShapes shapes;
    try {
      shapes = symbol.inferShape(inputShapes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": the symbol does not fit input shapes "
          + inputShapes + ": " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    shapes.arguments().forEach((name, shape) -> {
      if (!inputShapes.containsKey(name)) {
        checkOne(name, shape, args.get(name), "argument", problems);
      }
    });
    shapes.auxiliaryStates().forEach((name, shape) ->
        checkOne(name, shape, aux.get(name), "auxiliary state", problems));
    for (String name : args.keySet()) {
      if (!shapes.arguments().containsKey(name)) {
        problems.add("parameter '" + name + "' is not an argument of the symbol");
      } else if (inputShapes.containsKey(name)) {
        problems.add("'" + name + "' is an input of the symbol, not a parameter");
      }
    }
    for (String name : aux.keySet()) {
      if (!shapes.auxiliaryStates().containsKey(name)) {
        problems.add("auxiliary state '" + name + "' is not one of the symbol's");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(source + ": " + problems.get(0)
          + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : ""));
    }
  }

  private static void checkOne(String name, Shape need, NDArray have, String what,
      List<String> problems) {
    if (have == null) {
      problems.add(what + " '" + name + "' " + need + " is missing");
    } else if (!have.shape().equals(need)) {
      problems.add(what + " '" + name + "' has shape " + have.shape() + " but the symbol needs "
          + need);
    }
  }

  /** Releases the arrays. */
  @Override
  public void close() {
    args.values().forEach(NDArray::close);
    aux.values().forEach(NDArray::close);
  }
}
