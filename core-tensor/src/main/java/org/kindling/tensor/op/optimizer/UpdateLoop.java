package org.kindling.tensor.op.optimizer;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.op.TensorView;

/**
 * The element-wise loop of the update operators: the arrays (weight, gradient, states, output)
 * are copied chunk by chunk into float arrays, the update's arithmetic runs on those arrays
 * (which the JIT vectorizes), and the arrays the operator writes (its mutable states and its
 * output) are copied back. Float32 arrays move in bulk; the float16 weights of the
 * multi-precision operators are converted element by element (a C cast, round to nearest even).
 * The output may share the weight's buffer: a chunk is read before it is written. Outputs are
 * not read (every body writes each of their elements): one copy less per element of the update
 * a kvstore server runs every round (decision 0081).
 */
final class UpdateLoop {
  /** 4 KiB per array and chunk: a handful of arrays stay in L1 together. */
  private static final int CHUNK = 1024;

  /** The arithmetic of one chunk. */
  @FunctionalInterface
  interface Body {
    /**
     * Updates elements {@code 0..len-1} of the chunk, writing every one of them in the
     * outputs' arrays (which do not hold the outputs' values when it starts).
     *
     * @param x one float array per view, in the order given to {@link #run}
     */
    void apply(float[][] x, int len);
  }

  private UpdateLoop() {}

  /**
   * Runs an update operator's {@code body} over its inputs and output: the chunks of the inputs
   * come first in {@code x}, the output's last, and the {@code mutable} inputs and the output
   * are stored back.
   */
  static void runUpdate(TensorView[] in, TensorView out, Set<Integer> mutable, Body body) {
    TensorView[] views = Arrays.copyOf(in, in.length + 1);
    views[in.length] = out;
    int[] writes = new int[mutable.size() + 1];
    int k = 0;
    for (int i : mutable) {
      writes[k++] = i;
    }
    writes[k] = in.length;
    run(views, in.length, writes, body);
  }

  /**
   * Runs {@code body} over every element of the views (all of {@code views[0]}'s size).
   *
   * @param views the arrays: the first {@code inputs} read chunk by chunk, the rest outputs
   * @param inputs how many of {@code views} are inputs (the rest are written only)
   * @param writes indices into {@code views} of the arrays stored back after each chunk
   */
  static void run(TensorView[] views, int inputs, int[] writes, Body body) {
    int n = views[0].size();
    int chunk = Math.min(CHUNK, Math.max(1, n));
    float[][] x = new float[views.length][chunk];
    FloatBuffer[] floats = new FloatBuffer[views.length];
    for (int j = 0; j < views.length; j++) {
      floats[j] = views[j].dtype() == DType.FLOAT32 ? views[j].floats() : null;
    }
    for (int start = 0; start < n; start += chunk) {
      int len = Math.min(chunk, n - start);
      for (int j = 0; j < inputs; j++) {
        read(views[j], floats[j], start, x[j], len);
      }
      body.apply(x, len);
      for (int j : writes) {
        write(views[j], floats[j], start, x[j], len);
      }
    }
  }

  private static void read(TensorView v, FloatBuffer f, int start, float[] dst, int len) {
    if (f != null) {
      f.get(start, dst, 0, len);
      return;
    }
    for (int i = 0; i < len; i++) {
      dst[i] = (float) v.getDouble(start + i);
    }
  }

  private static void write(TensorView v, FloatBuffer f, int start, float[] src, int len) {
    if (f != null) {
      f.put(start, src, 0, len);
      return;
    }
    for (int i = 0; i < len; i++) {
      v.setDouble(start + i, src[i]);
    }
  }
}
