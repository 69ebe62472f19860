package org.kindling.spark;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.CheckpointParams;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.io.ParamsFile;

/**
 * A network bound once for inference at a fixed batch size: the scoring engine behind
 * {@link KindlingModel#transform} (one per partition). Input rows are {@code prod(exampleShape)} floats; the output of a batch is the network's
 * first output, {@code (batch, width)} in row-major order.
 */
final class NetworkRunner implements AutoCloseable {
  private final Module module;
  private final Shape batchShape;
  private final int batchSize;
  private final int exampleSize;

  private NetworkRunner(Module module, Shape exampleShape, int batchSize) {
    this.module = module;
    this.batchSize = batchSize;
    int[] dims = exampleShape.dims();
    int[] batchDims = new int[dims.length + 1];
    batchDims[0] = batchSize;
    System.arraycopy(dims, 0, batchDims, 1, dims.length);
    this.batchShape = Shape.of(batchDims);
    this.exampleSize = exampleShape.intSize();
  }

  /**
   * Binds {@code symbol} with the given weights.
   *
   * @param args argument parameters by name (without the {@code arg:} prefix)
   * @param aux auxiliary states by name
   * @throws IllegalArgumentException if a parameter is missing or has the wrong shape for
   *     {@code exampleShape}
   */
  static NetworkRunner bind(Symbol symbol, Map<String, NDArray> args, Map<String, NDArray> aux,
      Shape exampleShape, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    Module m = new Module(symbol);
    NetworkRunner r = new NetworkRunner(m, exampleShape, batchSize);
    try {
      m.bind(r.batchShape, null, false);
      m.initParams(null, args, aux, false);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return r;
  }

  /**
   * Binds a saved model.
   *
   * @throws FormatException naming the model's file if the symbol or parameters are malformed
   */
  static NetworkRunner bind(ModelData data, Shape exampleShape, int batchSize)
      throws FormatException {
    Symbol symbol = Symbol.fromJson(data.symbolJson(), data.symbolSource());
    try (CheckpointParams params = CheckpointParams.split(
        ParamsFile.read(data.paramsUnsafe(), data.paramsSource()), symbol,
        data.paramsSource())) {
      return bind(symbol, params.args(), params.aux(), exampleShape, batchSize);
    }
  }

  /**
   * Checks that {@code data} holds parseable symbol JSON and parameters whose names are the
   * symbol's, so a broken checkpoint fails when it is opened, on the driver, rather than inside a
   * Spark task; with {@code exampleShape} the parameter shapes are checked too. Errors name the
   * model's files ({@link ModelData#symbolSource()}, {@link ModelData#paramsSource()}).
   *
   * @param exampleShape one example's shape, or null if not known yet
   * @throws FormatException naming the file that is malformed
   * @throws IllegalArgumentException naming the parameter file and the first parameter that
   *     does not fit the symbol, or the symbol file if it does not take {@code exampleShape}
   */
  static void validate(ModelData data, Shape exampleShape) throws IOException {
    String symbolSource = data.symbolSource();
    String paramsSource = data.paramsSource();
    Symbol symbol = Symbol.fromJson(data.symbolJson(), symbolSource);
    try (CheckpointParams params = CheckpointParams.split(
        ParamsFile.read(data.paramsUnsafe(), paramsSource), symbol, paramsSource)) {
      if (exampleShape != null) {
        int[] dims = exampleShape.dims();
        int[] batch = new int[dims.length + 1];
        batch[0] = 1;
        System.arraycopy(dims, 0, batch, 1, dims.length);
        Map<String, Shape> inputs = new LinkedHashMap<>();
        inputs.put(Networks.DATA, Shape.of(batch));
        // label inputs (softmax_label, ...) are inputs too: not parameters, not needed to score
        inferPartial(symbol, symbolSource, Shape.of(batch)).forEach((name, shape) -> {
          if (name.endsWith("label") && shape != null && !params.args().containsKey(name)) {
            inputs.put(name, shape);
          }
        });
        params.check(symbol, inputs);
      } else {
        for (String name : params.args().keySet()) {
          if (!symbol.listArguments().contains(name)) {
            throw new IllegalArgumentException(paramsSource + ": parameter '" + name
                + "' is not an argument of the symbol " + symbolSource);
          }
        }
      }
    }
  }

  /** The argument shapes the symbol gets from a data batch of {@code batch}, as far as known. */
  private static Map<String, Shape> inferPartial(Symbol symbol, String symbolSource,
      Shape batch) {
    try {
      return symbol.inferShapePartial(Map.of(Networks.DATA, batch)).arguments();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(symbolSource + ": the network does not take input '"
          + Networks.DATA + "' of shape " + batch + " (check the input shape): "
          + e.getMessage(), e);
    }
  }

  /** Rows per forward pass. */
  int batchSize() {
    return batchSize;
  }

  /** Floats per input row. */
  int exampleSize() {
    return exampleSize;
  }

  /**
   * Runs one batch.
   *
   * @param batch {@code batchSize * exampleSize} floats, row-major
   * @return the first output, {@code batchSize * width} floats
   */
  float[] forward(float[] batch) {
    if (batch.length != batchSize * exampleSize) {
      throw new IllegalArgumentException(batch.length + " floats do not make a batch of "
          + batchSize + " rows of " + exampleSize);
    }
    try (DataBatch b = new DataBatch(List.of(NDArray.of(batch, batchShape)), List.of(), 0)) {
      module.forward(b, false);
    }
    return module.outputs().get(0).toFloatArray();
  }

  /** Width of one output row (e.g. the number of classes), known after the first bind. */
  int outputWidth() {
    return (int) module.outputs().get(0).shape().sizeFrom(1);
  }

  /** Releases the bound executor. */
  @Override
  public void close() {
    module.close();
  }
}
