package org.kindling.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * Runs one operator sample directly through its kernel (no engine, no graph) on values given as
 * doubles, for the reference, gradient and MXNet conformance suites. Inputs are converted to each
 * input's dtype; outputs come back as doubles.
 *
 * @param <P> the operator's parameter record
 */
public final class OpRunner<P extends Record> {
  private final OpInstance<P> op;
  private final Sample<P> sample;
  private final Shape[] outShapes;
  private final DType[] outTypes;
  private final Kernel kernel;

  /** Infers the output shapes and types of {@code sample} and selects the kernel. */
  public OpRunner(OpDef<P> def, Sample<P> sample) {
    this.op = OpInstance.of(def, sample.params());
    this.sample = sample;
    int n = op.numOutputs();
    this.outShapes = new Shape[n];
    this.outTypes = new DType[n];
    Shape[] in = sample.shapes();
    DType[] types = sample.types();
    op.inferShape(new ShapeSlots(in, outShapes, op.inputNames(), op.outputNames()));
    op.inferType(new TypeSlots(types, outTypes, op.inputNames(), op.outputNames()));
    for (int k = 0; k < n; k++) {
      if (outShapes[k] == null || outTypes[k] == null) {
        throw new IllegalStateException(def + ": output " + k + " not inferred for " + sample);
      }
    }
    this.kernel = op.selectKernel(
        new KernelSignature(sample.shapes(), sample.types(), outShapes, outTypes));
  }

  /**
   * A runner on the default kernels ({@code kindling.cpu.accel=off} while the kernel is
   * chosen). The NaN/Inf/-0 passes of the operator suites check these: the reference, like
   * im2col and MXNet's native build, multiplies a Convolution's zero padding by the weights (a
   * NaN or Inf weight there gives NaN), where oneDNN, like MXNet's MKL-DNN build, skips the
   * padding (docs/accel.md).
   */
  public static <P extends Record> OpRunner<P> onDefaultKernels(OpDef<P> def, Sample<P> sample) {
    CpuAccel.configure(CpuAccel.Mode.OFF, 0);
    try {
      return new OpRunner<>(def, sample);
    } finally {
      CpuAccel.reset();
    }
  }

  /** The kernel's backend and implementation ({@link Kernel#implementation()}). */
  public String implementation() {
    return kernel.implementation();
  }

  /** The operator instance. */
  public OpInstance<P> op() {
    return op;
  }

  /** Output shapes, hidden outputs included. */
  public Shape[] outShapes() {
    return outShapes.clone();
  }

  /** Output types, hidden outputs included. */
  public DType[] outTypes() {
    return outTypes.clone();
  }

  /**
   * Random inputs for the sample: each drawn from its domain and rounded to its dtype; with
   * {@code specials}, inputs whose domain allows it get NaN, +-Inf and -0 at a few positions.
   */
  public double[][] inputs(Random r, boolean specials) {
    Shape[] shapes = sample.shapes();
    double[][] in = new double[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      Domain d = sample.domains()[i];
      in[i] = new double[shapes[i].intSize()];
      for (int j = 0; j < in[i].length; j++) {
        in[i][j] = d.draw(r);
      }
      if (specials && d.specials() && in[i].length >= 8) {
        double[] sp = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
        for (double v : sp) {
          in[i][r.nextInt(in[i].length)] = v;
        }
      }
      in[i] = roundTo(in[i], sample.types()[i]);
    }
    return in;
  }

  /** Values as the dtype stores them (float32 rounding, integer truncation). */
  public static double[] roundTo(double[] v, DType t) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, v.length * t.byteSize()))
        .order(ByteOrder.nativeOrder());
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      org.kindling.tensor.Elements.set(b, t, i, v[i]);
      out[i] = org.kindling.tensor.Elements.get(b, t, i);
    }
    return out;
  }

  /**
   * Runs the forward kernel. Mutable inputs are updated in {@code in} (a copy is not made).
   *
   * @return every output, hidden ones included
   */
  public double[][] forward(double[][] in, boolean train, long seed) {
    TensorView[] inViews = views(in, sample.shapes(), sample.types());
    TensorView[] outViews = new TensorView[outShapes.length];
    for (int k = 0; k < outViews.length; k++) {
      outViews[k] = empty(outShapes[k], outTypes[k]);
    }
    kernel.forward(context(train, seed), inViews, outViews);
    for (int i : op.mutableInputs()) {
      in[i] = read(inViews[i]);
    }
    double[][] out = new double[outViews.length][];
    for (int k = 0; k < out.length; k++) {
      out[k] = read(outViews[k]);
    }
    return out;
  }

  /**
   * Runs the forward kernel in place, as a memory plan may: output {@code output} is written
   * into input {@code input}'s buffer (reinterpreted as the output's shape and type), which holds
   * the input's values on entry. {@code in} is not modified.
   *
   * @return every output, hidden ones included
   */
  public double[][] forwardInPlace(double[][] in, boolean train, long seed, int input,
      int output) {
    TensorView[] inViews = views(deepCopy(in), sample.shapes(), sample.types());
    TensorView[] outViews = new TensorView[outShapes.length];
    for (int k = 0; k < outViews.length; k++) {
      outViews[k] = k == output ? alias(inViews[input], outShapes[k], outTypes[k])
          : empty(outShapes[k], outTypes[k]);
    }
    kernel.forward(context(train, seed), inViews, outViews);
    double[][] out = new double[outViews.length][];
    for (int k = 0; k < out.length; k++) {
      out[k] = read(outViews[k]);
    }
    return out;
  }

  /**
   * Runs forward then backward with input {@code input}'s gradient written into output
   * {@code output}'s gradient buffer, as an in-place memory plan may ({@code req[input]} must be
   * WRITE).
   *
   * @return the input gradients (null where the request is NULL)
   */
  public double[][] backwardInPlace(double[][] in, double[][] headGrads, GradReq[] req,
      boolean train, long seed, int output, int input) {
    return backward(in, headGrads, req, null, train, seed, null, output, input);
  }

  private static TensorView alias(TensorView of, Shape shape, DType type) {
    return new TensorView(of.data(), type, shape, of.layout());
  }

  /**
   * Runs forward then backward, as an executor does.
   *
   * @param headGrads a gradient per output (hidden ones may be null: treated as zeros)
   * @param req the request per input
   * @param initialGrads the gradient buffers' contents before the call (null: zeros)
   * @return the input gradients (null where the request is NULL)
   */
  public double[][] backward(double[][] in, double[][] headGrads, GradReq[] req,
      double[][] initialGrads, boolean train, long seed) {
    return backward(in, headGrads, req, initialGrads, train, seed, null);
  }

  /**
   * As {@link #backward(double[][], double[][], GradReq[], double[][], boolean, long)}, and
   * reports the mutable inputs as forward and backward left them (BatchNorm's moving statistics
   * are updated by its training backward pass), for the MXNet conformance suite.
   *
   * @param updatedInputs null, or an array of {@code in.length} that receives the values of
   *     the mutable inputs after the backward pass (other entries stay null)
   */
  public double[][] backward(double[][] in, double[][] headGrads, GradReq[] req,
      double[][] initialGrads, boolean train, long seed, double[][] updatedInputs) {
    return backward(in, headGrads, req, initialGrads, train, seed, updatedInputs, -1, -1);
  }

  private double[][] backward(double[][] in, double[][] headGrads, GradReq[] req,
      double[][] initialGrads, boolean train, long seed, double[][] updatedInputs,
      int aliasOutput, int aliasInput) {
    double[][] inCopy = deepCopy(in);
    TensorView[] inViews = views(inCopy, sample.shapes(), sample.types());
    TensorView[] outViews = new TensorView[outShapes.length];
    for (int k = 0; k < outViews.length; k++) {
      outViews[k] = empty(outShapes[k], outTypes[k]);
    }
    kernel.forward(context(train, seed), inViews, outViews);
    TensorView[] og = new TensorView[outShapes.length];
    for (int k = 0; k < og.length; k++) {
      double[] g = headGrads[k] != null ? headGrads[k] : new double[outShapes[k].intSize()];
      og[k] = view(g, outShapes[k], outTypes[k]);
    }
    TensorView[] ig = new TensorView[in.length];
    for (int i = 0; i < ig.length; i++) {
      if (i == aliasInput) {
        ig[i] = alias(og[aliasOutput], sample.shapes()[i], sample.types()[i]);
      } else if (req[i] != GradReq.NULL) {
        double[] init = initialGrads == null || initialGrads[i] == null
            ? new double[sample.shapes()[i].intSize()] : initialGrads[i];
        ig[i] = view(init, sample.shapes()[i], sample.types()[i]);
      }
    }
    kernel.backward(context(train, seed), new BackwardArgs(og, inViews, outViews, ig, req));
    if (updatedInputs != null) {
      for (int i : op.mutableInputs()) {
        updatedInputs[i] = read(inViews[i]);
      }
    }
    double[][] result = new double[in.length][];
    for (int i = 0; i < ig.length; i++) {
      result[i] = ig[i] == null ? null : read(ig[i]);
    }
    return result;
  }

  private OpContext context(boolean train, long seed) {
    long ws = kernel.workspaceBytes();
    if (ws == 0) {
      return OpContext.of(train, seed);
    }
    return new OpContext(train, ByteBuffer.allocateDirect((int) ws).order(ByteOrder.nativeOrder()),
        org.kindling.tensor.op.Randoms.generator(seed));
  }

  static TensorView[] views(double[][] values, Shape[] shapes, DType[] types) {
    TensorView[] v = new TensorView[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = view(values[i], shapes[i], types[i]);
    }
    return v;
  }

  static TensorView view(double[] values, Shape shape, DType t) {
    TensorView v = empty(shape, t);
    for (int j = 0; j < values.length; j++) {
      v.setDouble(j, values[j]);
    }
    return v;
  }

  static TensorView empty(Shape shape, DType t) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, shape.intSize() * t.byteSize()))
        .order(ByteOrder.nativeOrder());
    return TensorView.of(b, t, shape);
  }

  static double[] read(TensorView v) {
    double[] out = new double[v.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = v.getDouble(j);
    }
    return out;
  }

  /** A deep copy. */
  public static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] == null ? null : a[i].clone();
    }
    return c;
  }

  @Override
  public String toString() {
    return op.name() + " " + sample + " -> " + Arrays.toString(outShapes);
  }
}
