package org.kindling.kvstore;

import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;

/**
 * A plain SGD ({@code w -= lr * g}) with its own spec text, {@code test_sgd lr=<lr>}, so the
 * server-side optimizer path can be tested without the symbol-graph optimizers.
 */
final class TestSgd implements Optimizer {
  private final float lr;

  TestSgd(float lr) {
    this.lr = lr;
  }

  /** Parses {@code test_sgd lr=<float>}. */
  static TestSgd parse(String spec) {
    String[] parts = spec.trim().split("\\s+");
    if (parts.length != 2 || !parts[0].equals("test_sgd") || !parts[1].startsWith("lr=")) {
      throw new IllegalArgumentException("not a test_sgd spec: " + spec);
    }
    return new TestSgd(Float.parseFloat(parts[1].substring(3)));
  }

  @Override
  public void update(String key, NDArray weight, NDArray grad) {
    weight.engine().push("test-sgd", () -> {
      FloatBuffer w = weight.floatBuffer();
      FloatBuffer g = grad.floatBuffer();
      for (int i = 0, n = w.limit(); i < n; i++) {
        w.put(i, w.get(i) - lr * g.get(i));
      }
    }, List.of(grad.var()), List.of(weight.var()));
  }

  @Override
  public String spec() {
    return "test_sgd lr=" + lr;
  }

  /** The same update on plain floats, as the test oracle. */
  float[] apply(float[] w, float[] g) {
    float[] out = w.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] - lr * g[i];
    }
    return out;
  }
}
