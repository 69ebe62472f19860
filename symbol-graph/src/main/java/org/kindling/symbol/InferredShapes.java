package org.kindling.symbol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.Shape;

/**
 * The result of {@link Symbol#inferShape}: shapes of the arguments (in {@code listArguments}
 * order), the outputs (in {@code listOutputs} order) and the auxiliary states. From {@link
 * Symbol#inferShapePartial} a shape may be {@code null} (unknown).
 */
public final class InferredShapes {
  private final Map<String, Shape> arguments;
  private final List<Shape> outputs;
  private final Map<String, Shape> auxiliaryStates;

  InferredShapes(
      LinkedHashMap<String, Shape> arguments,
      List<Shape> outputs,
      LinkedHashMap<String, Shape> auxiliaryStates) {
    this.arguments = Collections.unmodifiableMap(arguments);
    this.outputs = Collections.unmodifiableList(outputs);
    this.auxiliaryStates = Collections.unmodifiableMap(auxiliaryStates);
  }

  /** Argument shapes by name, in {@code listArguments} order. */
  public Map<String, Shape> arguments() {
    return arguments;
  }

  /** Output shapes in {@code listOutputs} order. */
  public List<Shape> outputs() {
    return outputs;
  }

  /** Auxiliary-state shapes by name. */
  public Map<String, Shape> auxiliaryStates() {
    return auxiliaryStates;
  }

  /**
   * The shape of argument {@code name}.
   *
   * @throws IllegalArgumentException if there is no such argument
   */
  public Shape argument(String name) {
    if (!arguments.containsKey(name)) {
      throw new IllegalArgumentException(
          "no argument '" + name + "' (arguments: " + arguments.keySet() + ")");
    }
    return arguments.get(name);
  }

  /** True if every shape is known. */
  public boolean isComplete() {
    return !arguments.containsValue(null) && !outputs.contains(null)
        && !auxiliaryStates.containsValue(null);
  }

  @Override
  public String toString() {
    return "InferredShapes{arguments=" + arguments + ", outputs=" + outputs + ", aux="
        + auxiliaryStates + "}";
  }
}
