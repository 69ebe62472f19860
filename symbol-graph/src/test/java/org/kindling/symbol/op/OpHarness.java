package org.kindling.symbol.op;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.kindling.symbol.GradReq;
import org.kindling.tensor.Shape;

/**
 * Runs one operator's kernels directly on buffers (no graph, no engine), and checks backward
 * kernels against central differences of a float64 objective.
 */
final class OpHarness<P> {
  final OpInstance<P> op;
  final Shape[] inShapes;
  final Shape[] outShapes;

  OpHarness(Operator<P> operator, P params, Shape... inShapes) {
    this.op = OpInstance.of(operator, params);
    this.inShapes = inShapes.clone();
    Shape[] out = new Shape[op.numOutputs()];
    ShapeSlots slots = new ShapeSlots(this.inShapes.clone(), out, op.inputNames(),
        op.outputNames());
    op.inferShape(slots);
    this.outShapes = out;
    for (Shape s : outShapes) {
      if (s == null) {
        throw new IllegalStateException("output shape not inferred for " + op);
      }
    }
  }

  static FloatBuffer buffer(float[] values) {
    FloatBuffer b = ByteBuffer.allocateDirect(Math.max(values.length, 1) * 4)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(values);
    b.clear();
    return b;
  }

  static float[] read(FloatBuffer b, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = b.get(i);
    }
    return out;
  }

  /** Runs forward; returns the outputs. */
  float[][] forward(float[][] inputs) {
    FloatBuffer[] in = new FloatBuffer[inputs.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = buffer(inputs[i]);
    }
    FloatBuffer[] out = new FloatBuffer[outShapes.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = buffer(new float[outShapes[k].intSize()]);
    }
    op.forward(new ForwardContext(in, inShapes, out, outShapes, true));
    float[][] result = new float[out.length][];
    for (int k = 0; k < out.length; k++) {
      result[k] = read(out[k], outShapes[k].intSize());
    }
    return result;
  }

  /**
   * Runs backward with the given requests; {@code initialGrads} are the gradient buffers'
   * contents before the call (for ADD). Returns input gradients (null where NULL).
   */
  float[][] backward(float[][] inputs, float[][] outGrads, GradReq[] req, float[][] initialGrads) {
    float[][] outputs = forward(inputs);
    FloatBuffer[] in = new FloatBuffer[inputs.length];
    FloatBuffer[] inGrad = new FloatBuffer[inputs.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = buffer(inputs[i]);
      if (req[i] != GradReq.NULL) {
        inGrad[i] = buffer(initialGrads == null ? new float[inShapes[i].intSize()]
            : initialGrads[i].clone());
      }
    }
    FloatBuffer[] out = new FloatBuffer[outputs.length];
    FloatBuffer[] og = new FloatBuffer[outputs.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = buffer(outputs[k]);
      og[k] = outGrads == null ? null : buffer(outGrads[k]);
    }
    op.backward(new BackwardContext(og, in, inShapes, out, outShapes, inGrad, req));
    float[][] result = new float[inputs.length][];
    for (int i = 0; i < in.length; i++) {
      result[i] = inGrad[i] == null ? null : read(inGrad[i], inShapes[i].intSize());
    }
    return result;
  }

  /** Every input WRITE, except those listed as not differentiable (NULL). */
  GradReq[] writeAllBut(int... nullInputs) {
    GradReq[] req = new GradReq[inShapes.length];
    Arrays.fill(req, GradReq.WRITE);
    for (int i : nullInputs) {
      req[i] = GradReq.NULL;
    }
    return req;
  }

  /**
   * The numerical gradient of {@code objective(outputs)} with respect to input {@code which},
   * by central differences with step {@code eps}, evaluated in float64.
   */
  double[] numericGradient(float[][] inputs, int which, ToDoubleFunction<float[][]> objective,
      float eps) {
    double[] g = new double[inputs[which].length];
    for (int j = 0; j < g.length; j++) {
      float[][] plus = deepCopy(inputs);
      float[][] minus = deepCopy(inputs);
      plus[which][j] += eps;
      minus[which][j] -= eps;
      double lp = objective.applyAsDouble(forward(plus));
      double lm = objective.applyAsDouble(forward(minus));
      double step = (double) plus[which][j] - (double) minus[which][j];
      g[j] = (lp - lm) / step;
    }
    return g;
  }

  static float[][] deepCopy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  /** Σ w·y over output 0, in float64: the objective whose output gradient is {@code w}. */
  static ToDoubleFunction<float[][]> weightedSum(float[] w) {
    return outs -> {
      double s = 0;
      for (int i = 0; i < w.length; i++) {
        s += (double) w[i] * outs[0][i];
      }
      return s;
    };
  }
}
