package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The reference for distributed runs: what a local store computes when every worker's gradient
 * of a step is pushed to it together.
 */
final class LocalReference {
  private LocalReference() {}

  /** {@code grads[step][worker][i]}, standard normal, drawn in that order. */
  static float[][][] gaussianGrads(Random random, int steps, int workers, int n) {
    float[][][] grads = new float[steps][workers][n];
    for (float[][] step : grads) {
      for (float[] g : step) {
        for (int i = 0; i < n; i++) {
          g[i] = (float) random.nextGaussian();
        }
      }
    }
    return grads;
  }

  /**
   * Initializes {@code key} of a local store with {@code init}, sets {@code optimizer}, pushes
   * each step's gradients of all workers in one call, and returns the value pulled at the end.
   */
  static float[] pushAll(String key, float[] init, Optimizer optimizer, float[][][] grads) {
    Shape shape = Shape.of(init.length);
    try (KVStore local = KVStores.create("local")) {
      local.init(key, NDArray.of(init, shape));
      local.setOptimizer(optimizer);
      for (float[][] step : grads) {
        List<NDArray> pushes = new ArrayList<>();
        for (float[] g : step) {
          pushes.add(NDArray.of(g, shape));
        }
        local.push(key, pushes);
      }
      NDArray out = NDArray.zeros(shape);
      local.pull(key, out);
      return out.toFloatArray();
    }
  }
}
