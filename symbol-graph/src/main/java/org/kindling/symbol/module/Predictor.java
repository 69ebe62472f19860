package org.kindling.symbol.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.symbol.Executor;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;

/**
 * Inference on a trained model, as MXNet's {@code c_predict_api}: a symbol, its parameters,
 * the shapes of its inputs, and the outputs wanted (the symbol's heads, or internal outputs such
 * as {@code conv1_output}). Inputs that are not in the parameters and not given (labels of loss
 * heads) are bound to zeros, as MXNet's predictor does.
 */
public final class Predictor implements AutoCloseable {
  private final Executor executor;
  private final List<String> outputNames;
  private final Map<String, NDArray> inputs;

  private Predictor(Executor executor, List<String> outputNames, Map<String, NDArray> inputs) {
    this.executor = executor;
    this.outputNames = List.copyOf(outputNames);
    this.inputs = inputs;
  }

  /**
   * Binds a predictor.
   *
   * @param symbol the whole network (parameters are checked against it)
   * @param params its parameters (copied; the caller still owns and closes them)
   * @param inputShapes shapes of the data inputs, batch axis first
   * @param outputs names of the outputs to compute ({@code list_outputs} of the symbol or of its
   *     internals), or empty for the symbol's own outputs
   * @throws IllegalArgumentException naming the parameter file and parameter, or the unknown
   *     output, if they do not fit
   */
  public static Predictor create(Symbol symbol, CheckpointParams params,
      Map<String, Shape> inputShapes, List<String> outputs) {
    Map<String, Shape> known = labelShapes(symbol, params, inputShapes);
    params.check(symbol, known);
    Symbol selected = outputs.isEmpty() ? symbol : select(symbol, outputs);
    InferredShapes shapes = selected.inferShape(restrict(known, selected));
    Map<String, NDArray> args = new LinkedHashMap<>();
    Map<String, NDArray> ins = new LinkedHashMap<>();
    try {
      shapes.arguments().forEach((name, shape) -> {
        NDArray a = NDScope.unscoped(NDArray.zeros(shape));
        args.put(name, a);
        NDArray p = params.args().get(name);
        if (p != null) {
          p.copyTo(a);
        } else {
          ins.put(name, a);
        }
      });
      Map<String, NDArray> aux = new LinkedHashMap<>();
      shapes.auxiliaryStates().forEach((name, shape) -> {
        NDArray a = NDScope.unscoped(NDArray.zeros(shape));
        params.aux().get(name).copyTo(a);
        aux.put(name, a);
      });
      Executor e = selected.bind(args, Map.of(), Map.<String, GradReq>of(), aux);
      e.adopt(args.values());
      e.adopt(aux.values());
      return new Predictor(e, selected.listOutputs(), ins);
    } catch (RuntimeException ex) {
      args.values().forEach(NDArray::close);
      throw ex;
    }
  }

  /**
   * The inputs' shapes plus those of the label inputs (inputs that are not parameters), which
   * inference only feeds zeros. Where shape inference cannot tell a label's shape (a label
   * reshaped before its loss head), the batch shape {@code (N,)} and then the data's own shape
   * are tried, the first that makes every shape known winning; MXNet's predictor needs the
   * caller to pass it.
   */
  private static Map<String, Shape> labelShapes(Symbol symbol, CheckpointParams params,
      Map<String, Shape> inputShapes) {
    Map<String, Shape> known = new LinkedHashMap<>(inputShapes);
    List<String> unknown = new ArrayList<>();
    symbol.inferShapePartial(inputShapes).arguments().forEach((name, shape) -> {
      if (!params.args().containsKey(name) && !known.containsKey(name)) {
        if (shape != null) {
          known.put(name, shape);
        } else {
          unknown.add(name);
        }
      }
    });
    if (unknown.isEmpty()) {
      return known;
    }
    Shape data = inputShapes.values().iterator().next();
    for (Shape guess : List.of(Shape.of(data.get(0)), data)) {
      Map<String, Shape> trial = new LinkedHashMap<>(known);
      unknown.forEach(n -> trial.put(n, guess));
      try {
        if (symbol.inferShapePartial(trial).isComplete()) {
          return trial;
        }
      } catch (IllegalArgumentException inconsistent) {
        // try the next guess
      }
    }
    throw new IllegalArgumentException("cannot infer the shapes of the inputs " + unknown
        + " from " + inputShapes + "; they are not in the parameters");
  }

  private static Symbol select(Symbol symbol, List<String> names) {
    Symbol internals = symbol.internals();
    List<Symbol> picked = new ArrayList<>();
    for (String n : names) {
      if (symbol.listOutputs().contains(n)) {
        picked.add(symbol.get(n));
      } else if (internals.listOutputs().contains(n)) {
        picked.add(internals.get(n));
      } else {
        throw new IllegalArgumentException("no output '" + n + "': the symbol's outputs are "
            + symbol.listOutputs() + "; internal outputs are named NODE_output, e.g. "
            + internals.listOutputs().get(Math.min(1, internals.listOutputs().size() - 1)));
      }
    }
    return Symbol.group(picked.toArray(new Symbol[0]));
  }

  private static Map<String, Shape> restrict(Map<String, Shape> known, Symbol s) {
    Map<String, Shape> out = new LinkedHashMap<>();
    for (String a : s.listArguments()) {
      if (known.containsKey(a)) {
        out.put(a, known.get(a));
      }
    }
    return out;
  }

  /** The computed outputs' names, in order. */
  public List<String> outputNames() {
    return outputNames;
  }

  /** The input arrays to fill before {@link #forward()} (data and any label inputs), by name. */
  public Map<String, NDArray> inputs() {
    return inputs;
  }

  /** Runs the network in inference mode; returns the outputs (owned by the predictor). */
  public List<NDArray> forward() {
    executor.forward(false);
    return executor.outputs();
  }

  /** Releases the executor and its arrays. */
  @Override
  public void close() {
    executor.close();
  }
}
