package org.kindling.symbol;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.function.UnaryOperator;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.engine.WriteStamps;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.BatchNorm;

/**
 * The weights of a convolution with an inference BatchNorm folded in ({@link
 * org.kindling.symbol.graph.Fusion#folds}): per output channel {@code o}, with {@code s = gamma[o]
 * / sqrt(moving_var[o] + eps)} ({@code gamma = 1} with {@code fix_gamma}, as MXNet's kernel
 * takes it), {@code W'[o] = W[o]·s} and {@code b'[o] = (b[o] - moving_mean[o])·s + beta[o]}
 * ({@code b = 0} without a bias). An inference forward folds them inside the convolution's engine
 * operation whenever a source array's {@link Var#version()} changed since the last fold, so
 * parameters set after bind (set_params, a pulled weight, loaded checkpoints, a training forward
 * that moved the statistics) are always the ones used, and unchanged parameters are folded once.
 * {@link #version()} stamps the folded weights, so the convolution kernel can keep its reordered
 * copy of them.
 */
final class BatchNormFold {
  private final NDArray weight;
  private final NDArray bias;
  private final TensorView weightView;
  private final TensorView biasView;
  private final boolean fixGamma;
  private final double eps;
  /** The sources' stamps at the last fold (null: never folded). */
  private long[] folded;
  private long version = -1;

  /**
   * @param weightShape the convolution's weight shape, {@code (filters, channels/group, k...)}
   * @param own takes ownership of the folded arrays and returns them
   */
  BatchNormFold(Shape weightShape, BatchNorm.Params params, UnaryOperator<NDArray> own) {
    this.weight = own.apply(NDArray.zeros(weightShape));
    this.bias = own.apply(NDArray.zeros(Shape.of(weightShape.get(0))));
    this.weightView = weight.view();
    this.biasView = bias.view();
    this.fixGamma = params.fixGamma();
    this.eps = params.eps();
  }

  /** The folded weight {@code W'} (written by {@link #compute}). */
  TensorView weight() {
    return weightView;
  }

  /** The folded bias {@code b'} (written by {@link #compute}). */
  TensorView bias() {
    return biasView;
  }

  /** The stamp of the folded weights: a new {@link WriteStamps} stamp per fold. */
  long version() {
    return version;
  }

  /**
   * Folds if the sources changed since the last fold: {@code w}, {@code b} (null without one),
   * then BatchNorm's {@code gamma, beta, moving_mean, moving_var}, each with its array's {@link
   * Var#version()} in {@code stamps} (six; the bias's ignored without one).
   */
  void update(long[] stamps, TensorView w, TensorView b, TensorView gamma, TensorView beta,
      TensorView mean, TensorView var) {
    if (folded != null && java.util.Arrays.equals(folded, stamps)) {
      return;
    }
    folded = null; // a failed fold is redone next time
    compute(w, b, gamma, beta, mean, var);
    folded = stamps.clone();
    version = WriteStamps.next();
  }

  /** The engine variables {@link #compute} writes. */
  List<Var> vars() {
    return List.of(weight.var(), bias.var());
  }

  /**
   * Computes {@code W'} and {@code b'}.
   *
   * @param w the convolution's weight
   * @param b its bias, or null without one
   * @param gamma BatchNorm's gamma, then {@code beta}, {@code moving_mean}, {@code moving_var}
   */
  private void compute(TensorView w, TensorView b, TensorView gamma, TensorView beta, TensorView mean,
      TensorView var) {
    FloatBuffer src = w.floats();
    FloatBuffer dst = weightView.floats();
    FloatBuffer out = biasView.floats();
    FloatBuffer shift = b == null ? null : b.floats();
    FloatBuffer g = gamma.floats();
    FloatBuffer be = beta.floats();
    FloatBuffer m = mean.floats();
    FloatBuffer v = var.floats();
    int filters = biasView.size();
    int per = w.size() / filters;
    for (int o = 0; o < filters; o++) {
      float s = (float) ((fixGamma ? 1 : g.get(o)) / Math.sqrt(v.get(o) + eps));
      for (int i = o * per, end = i + per; i < end; i++) {
        dst.put(i, src.get(i) * s);
      }
      out.put(o, ((shift == null ? 0f : shift.get(o)) - m.get(o)) * s + be.get(o));
    }
  }
}
