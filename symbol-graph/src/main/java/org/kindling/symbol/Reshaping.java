package org.kindling.symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The arrays of an executor reshaped to other input shapes ({@link Executor#reshape}), decided as
 * MXNet's {@code GraphExecutor::Reshape} decides them: an array whose shape stays is reused, one
 * that shrinks becomes a view of the old one, one that grows is allocated (if allowed); an
 * argument or auxiliary state not given whose shape would change is an error (unless partial
 * shaping is allowed).
 */
final class Reshaping {
  private final Map<String, Shape> inputs;
  private final boolean partialShaping;
  private final boolean allowUpSizing;
  private final Map<String, NDArray> args = new LinkedHashMap<>();
  private final Map<String, NDArray> grads = new LinkedHashMap<>();
  private final Map<String, NDArray> aux = new LinkedHashMap<>();
  private final List<NDArray> owned = new ArrayList<>();

  private Reshaping(Map<String, Shape> inputs, boolean partialShaping, boolean allowUpSizing) {
    this.inputs = inputs;
    this.partialShaping = partialShaping;
    this.allowUpSizing = allowUpSizing;
  }

  /**
   * The arrays of {@code from} for {@code inputs}.
   *
   * @throws IllegalArgumentException as {@link Executor#reshape} says
   */
  static Reshaping of(Executor from, Map<String, Shape> inputs, boolean partialShaping,
      boolean allowUpSizing) {
    InferredShapes shapes;
    try {
      shapes = from.symbol().inferShapePartial(inputs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("reshape: " + e.getMessage(), e);
    }
    Reshaping r = new Reshaping(inputs, partialShaping, allowUpSizing);
    try {
      from.argDict().forEach((name, old) -> {
        Shape now = orElse(shapes.arguments().get(name), old.shape());
        r.args.put(name, r.resize("argument", name, old, now));
        NDArray grad = from.gradDict().get(name);
        if (grad != null) {
          r.grads.put(name, r.resize("gradient of", name, grad, now));
        }
      });
      from.auxDict().forEach((name, old) -> r.aux.put(name, r.resize("auxiliary state", name,
          old, orElse(shapes.auxiliaryStates().get(name), old.shape()))));
    } catch (RuntimeException e) {
      r.owned.forEach(NDArray::close);
      throw e;
    }
    return r;
  }

  private static Shape orElse(Shape inferred, Shape old) {
    return inferred != null ? inferred : old;
  }

  /** {@code old} for shape {@code now}: itself, a view of it, or a new array. */
  private NDArray resize(String what, String name, NDArray old, Shape now) {
    if (now.equals(old.shape())) {
      return old;
    }
    if (!partialShaping && !inputs.containsKey(name)) {
      throw new IllegalArgumentException("reshape: the " + what + " '" + name + "' would change"
          + " from " + old.shape() + " to " + now + " but is not among the given inputs "
          + inputs.keySet() + "; the new executor shares it with this one, so its shape must"
          + " stay (check the network and the shapes, or pass partialShaping=true to let it"
          + " change: it is then no longer shared)");
    }
    if (now.size() > old.shape().size()) {
      if (!allowUpSizing) {
        throw new IllegalArgumentException("reshape: the " + what + " '" + name + "' would"
            + " grow from " + old.shape() + " to " + now + "; pass allowUpSizing=true to"
            + " allocate a new array (binding the largest shapes first and reshaping down"
            + " shares memory instead)");
      }
      return own(NDArray.zeros(now, old.dtype()));
    }
    return own(old.viewAs(now, old.dtype()));
  }

  private NDArray own(NDArray a) {
    owned.add(a);
    return a;
  }

  Map<String, NDArray> args() {
    return args;
  }

  Map<String, NDArray> grads() {
    return grads;
  }

  Map<String, NDArray> aux() {
    return aux;
  }

  /** The arrays allocated or viewed for the new executor, which it owns. */
  List<NDArray> owned() {
    return owned;
  }
}
