package org.kindling.tensor.winograd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution;

/**
 * A 3x3 convolution case with random float32 inputs in [-1, 1), its float64 reference and the
 * tensors to run kernels on.
 *
 * @param p the parameters
 * @param sig the kernel signature (data, weight, bias if any; output)
 * @param in the input values (exactly float32 values, as doubles)
 */
record ConvCase(Convolution.Params p, KernelSignature sig, double[][] in) {
  /** Random case: batch {@code n}, {@code c} to {@code k} channels, {@code h x w}, pad. */
  static ConvCase random(Random r, int n, int c, int k, int h, int w, int pad, boolean bias) {
    Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, k).withPad(pad, pad)
        .withNoBias(!bias);
    Shape d = Shape.of(n, c, h, w);
    Shape wt = Shape.of(k, c, 3, 3);
    Shape y = Shape.of(n, k, h + 2 * pad - 2, w + 2 * pad - 2);
    Shape[] ins = bias ? new Shape[] {d, wt, Shape.of(k)} : new Shape[] {d, wt};
    DType[] types = new DType[ins.length];
    Arrays.fill(types, DType.FLOAT32);
    double[][] in = new double[ins.length][];
    for (int i = 0; i < ins.length; i++) {
      in[i] = new double[ins[i].intSize()];
      for (int j = 0; j < in[i].length; j++) {
        in[i][j] = (float) (r.nextDouble() * 2 - 1);
      }
    }
    return new ConvCase(p, new KernelSignature(ins, types, new Shape[] {y},
        new DType[] {DType.FLOAT32}), in);
  }

  /** The float64 direct convolution. */
  double[] reference() {
    return Convolution.OP.reference(p, sig.inShapes(), in, false)[0];
  }

  /**
   * The float64 direct convolution of the absolute values: per output, the sum of the
   * magnitudes of its terms, which scales its rounding error.
   */
  double[] magnitudes() {
    double[][] abs = new double[in.length][];
    for (int i = 0; i < in.length; i++) {
      abs[i] = Arrays.stream(in[i]).map(Math::abs).toArray();
    }
    return Convolution.OP.reference(p, sig.inShapes(), abs, false)[0];
  }

  /** The default (im2col + sgemm) kernel. */
  Kernel defaultKernel() {
    return Convolution.OP.kernels().get(0).create(p, sig);
  }

  /**
   * A Winograd kernel of {@code v} that runs training passes too, on 3 threads (so that the
   * cases with 2 or more tile rows share them among workers).
   */
  WinogradKernel winograd(Variant v) {
    return winograd(v, 3);
  }

  /** A Winograd kernel of {@code v} that runs training passes too, on {@code threads}. */
  WinogradKernel winograd(Variant v, int threads) {
    return new WinogradKernel(v, true, p, sig, defaultKernel(), threads);
  }

  TensorView[] inputs() {
    TensorView[] v = new TensorView[in.length];
    for (int i = 0; i < in.length; i++) {
      v[i] = view(sig.in(i), in[i]);
    }
    return v;
  }

  /** The forward output of {@code k} (in a context of {@code train}). */
  double[] forward(Kernel k, boolean train) {
    TensorView y = view(sig.out(0), null);
    k.forward(context(k, train), inputs(), new TensorView[] {y});
    return values(y);
  }

  /**
   * The input gradients of {@code k} for output gradient {@code dy}, every input wanted with
   * {@code req}; where {@code req} is ADD each gradient starts from {@code start[i]}.
   */
  double[][] backward(Kernel k, double[] dy, GradReq req, double[][] start) {
    TensorView[] grads = new TensorView[in.length];
    GradReq[] reqs = new GradReq[in.length];
    for (int i = 0; i < in.length; i++) {
      grads[i] = view(sig.in(i), start == null ? null : start[i]);
      reqs[i] = req;
    }
    TensorView[] ins = inputs();
    TensorView[] out = {view(sig.out(0), null)};
    k.backward(context(k, true), new BackwardArgs(new TensorView[] {view(sig.out(0), dy)}, ins,
        out, grads, reqs));
    double[][] r = new double[in.length][];
    for (int i = 0; i < in.length; i++) {
      r[i] = values(grads[i]);
    }
    return r;
  }

  static OpContext context(Kernel k, boolean train) {
    return new OpContext(train, ByteBuffer.allocateDirect((int) Math.max(1, k.workspaceBytes()))
        .order(ByteOrder.nativeOrder()), Randoms.generator(1));
  }

  static TensorView view(Shape s, double[] values) {
    TensorView v = TensorView.of(ByteBuffer.allocateDirect(Math.max(4, 4 * s.intSize()))
        .order(ByteOrder.nativeOrder()), DType.FLOAT32, s);
    if (values != null) {
      for (int i = 0; i < values.length; i++) {
        v.setDouble(i, values[i]);
      }
    }
    return v;
  }

  static double[] values(TensorView v) {
    double[] d = new double[v.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = v.getDouble(i);
    }
    return d;
  }

  /**
   * The error of {@code got} against the float64 {@code want} in units of float32's unit
   * roundoff {@code u = 2^-24}, relative to the largest output magnitude sum
   * ({@code max|got - want| / (u · max Σ|terms|)}).
   */
  static double errorUlps(double[] got, double[] want, double[] magnitudes) {
    double err = 0;
    double scale = 0;
    for (int i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, magnitudes[i]);
    }
    return scale == 0 ? err : err / (scale * 0x1p-24);
  }
}
