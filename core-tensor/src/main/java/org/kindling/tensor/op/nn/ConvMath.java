package org.kindling.tensor.op.nn;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.kernel.Im2Col;
import org.kindling.tensor.op.OpContext;

/**
 * The three products of a grouped convolution, as MXNet's {@code ConvolutionOp} computes them on
 * the CPU: per image, im2col into the workspace and one sgemm per group. Shared by
 * {@link Convolution} and {@link Deconvolution} (a deconvolution's forward pass is a
 * convolution's data gradient, and its data gradient a convolution's forward pass).
 *
 * <p>Geometry in convolution terms: data {@code (N, C, in...)}, weight
 * {@code (F, C/g, k...)}, output {@code (N, F, out...)}. Per group g the weight is an
 * {@code M x K} matrix ({@code M = F/g}, {@code K = C/g · prod(k)}) and the image's column
 * matrix a {@code K x S} block ({@code S = prod(out)}). Without padding, with unit strides and a
 * 1x1 kernel the data itself is the column matrix, as MXNet's {@code is_1x1_} path. Immutable and
 * thread-safe.
 */
final class ConvMath {
  private final int num;
  private final int groups;
  private final int m;
  private final int k;
  private final int s;
  private final int inDim;
  private final int outDim;
  private final boolean oneByOne;
  private final Im2Col im2col;

  /**
   * @param num batch size N
   * @param channels data channels C
   * @param numFilter output channels F
   * @param groups g, dividing C and F
   * @param in data spatial extents
   * @param kernel kernel extents
   * @param pad padding in effect (same length as {@code in}, as are the next two)
   * @param stride strides in effect
   * @param dilate dilations in effect
   * @param out output spatial extents
   */
  ConvMath(int num, int channels, int numFilter, int groups, int[] in, int[] kernel, int[] pad,
      int[] stride, int[] dilate, int[] out) {
    this.num = num;
    this.groups = groups;
    this.m = numFilter / groups;
    this.k = channels / groups * prod(kernel);
    this.s = prod(out);
    this.inDim = channels * prod(in);
    this.outDim = numFilter * s;
    boolean unit = true;
    for (int i = 0; i < kernel.length; i++) {
      unit &= kernel[i] == 1 && stride[i] == 1 && pad[i] == 0;
    }
    this.oneByOne = unit;
    this.im2col = new Im2Col(channels, in, kernel, pad, stride, dilate, out);
  }

  static int prod(int[] a) {
    int p = 1;
    for (int v : a) {
      p = Math.multiplyExact(p, v);
    }
    return p;
  }

  /** Bytes of workspace: one image's column matrix (none for the 1x1 path). */
  long workspaceBytes() {
    return oneByOne ? 0 : 4L * im2col.rows() * im2col.cols();
  }

  private static FloatBuffer workspace(OpContext ctx) {
    return ctx.workspace().duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * {@code y = W ⊛ x (+ bias)}: writes, or with {@code add} accumulates onto, the output.
   *
   * @param bias {@code (F,)} or null
   */
  void forward(OpContext ctx, FloatBuffer x, FloatBuffer w, FloatBuffer bias, FloatBuffer y,
      boolean add) {
    FloatBuffer ws = oneByOne ? null : workspace(ctx);
    for (int n = 0; n < num; n++) {
      FloatBuffer col = x;
      int colOff = n * inDim;
      if (!oneByOne) {
        im2col.im2col(x, n * inDim, ws, 0);
        col = ws;
        colOff = 0;
      }
      for (int g = 0; g < groups; g++) {
        // y_g (M x S) = W_g (M x K) · col_g (K x S)
        Blas.sgemm(false, false, m, s, k, 1f, w, g * m * k, k, col, colOff + g * k * s, s,
            add ? 1f : 0f, y, n * outDim + (g * m) * s, s);
      }
    }
    if (bias != null) {
      addBias(y, bias, num, groups * m, s); // as MXNet: broadcast onto the finished products
    }
  }

  /**
   * The data gradient {@code dx = Wᵀ ⊛ dy}: per group {@code col = W_gᵀ · dy_g}, then col2im.
   * Writes, or with {@code add} accumulates onto, {@code dx}.
   */
  void backwardData(OpContext ctx, FloatBuffer dy, FloatBuffer w, FloatBuffer dx, boolean add) {
    FloatBuffer ws = oneByOne ? null : workspace(ctx);
    for (int n = 0; n < num; n++) {
      for (int g = 0; g < groups; g++) {
        int dyOff = n * outDim + g * m * s;
        if (oneByOne) {
          Blas.sgemm(true, false, k, s, m, 1f, w, g * m * k, k, dy, dyOff, s, add ? 1f : 0f,
              dx, n * inDim + g * k * s, s);
        } else {
          Blas.sgemm(true, false, k, s, m, 1f, w, g * m * k, k, dy, dyOff, s, 0f,
              ws, g * k * s, s);
        }
      }
      if (!oneByOne) {
        im2col.col2im(ws, 0, dx, n * inDim, add);
      }
    }
  }

  /**
   * The weight gradient {@code dW_g = Σ_n dy_g · col_gᵀ}. Writes, or with {@code add}
   * accumulates onto, {@code dw}.
   */
  void backwardWeight(OpContext ctx, FloatBuffer dy, FloatBuffer x, FloatBuffer dw,
      boolean add) {
    FloatBuffer ws = oneByOne ? null : workspace(ctx);
    for (int n = 0; n < num; n++) {
      FloatBuffer col = x;
      int colOff = n * inDim;
      if (!oneByOne) {
        im2col.im2col(x, n * inDim, ws, 0);
        col = ws;
        colOff = 0;
      }
      // the first image writes (unless adding), the others accumulate, as MXNet's request
      float beta = n == 0 && !add ? 0f : 1f;
      for (int g = 0; g < groups; g++) {
        Blas.sgemm(false, true, m, k, s, 1f, dy, n * outDim + g * m * s, s, col,
            colOff + g * k * s, s, beta, dw, g * m * k, k);
      }
    }
    if (num == 0) {
      clearIfWriting(dw, groups * m * k, add);
    }
  }

  /** {@code y[n, c, :] += bias[c]} for a {@code (num, channels, plane)} tensor. */
  static void addBias(FloatBuffer y, FloatBuffer bias, int num, int channels, int plane) {
    for (int n = 0; n < num; n++) {
      for (int c = 0; c < channels; c++) {
        FloatBuffer row = y.slice((n * channels + c) * plane, plane);
        FloatKernels.affine(row, 1f, bias.get(c), row, plane);
      }
    }
  }

  /**
   * The bias gradient: {@code dy (num, channels, plane)} summed over the batch and the plane
   * (in double), written or with {@code add} accumulated into {@code db}.
   */
  static void biasGradient(FloatBuffer dy, FloatBuffer db, int num, int channels, int plane,
      boolean add) {
    for (int c = 0; c < channels; c++) {
      double acc = 0;
      for (int n = 0; n < num; n++) {
        acc += FloatKernels.sum(dy.slice((n * channels + c) * plane, plane), plane);
      }
      db.put(c, add ? db.get(c) + (float) acc : (float) acc);
    }
  }

  private static void clearIfWriting(FloatBuffer b, int n, boolean add) {
    if (!add && n > 0) {
      FloatKernels.zero(b, n);
    }
  }

  /**
   * The float64 reference of {@link #forward}: the plain sum over every kernel tap, padding taps
   * included as zeros times the weight (so that an infinite weight facing the padding gives NaN
   * as MXNet's im2col + gemm does).
   *
   * @param dims data shape {@code (N, C, in...)}
   * @param out output spatial extents
   * @param bias {@code (F,)} or null
   */
  static double[] reference(int[] dims, int numFilter, int groups, int[] kernel, int[] pad,
      int[] stride, int[] dilate, int[] out, double[] x, double[] w, double[] bias) {
    int num = dims[0];
    int channels = dims[1];
    int[] in = Arrays.copyOfRange(dims, 2, dims.length);
    int nd = in.length;
    int cg = channels / groups;
    int mg = numFilter / groups;
    int kSize = prod(kernel);
    int outSize = prod(out);
    int inSize = prod(in);
    double[] y = new double[num * numFilter * outSize];
    int[] o = new int[nd];
    int[] t = new int[nd];
    for (int n = 0; n < num; n++) {
      for (int f = 0; f < numFilter; f++) {
        int g = f / mg;
        for (int op = 0; op < outSize; op++) {
          unravel(op, out, o);
          double acc = 0;
          for (int c = 0; c < cg; c++) {
            int ch = g * cg + c;
            for (int kp = 0; kp < kSize; kp++) {
              unravel(kp, kernel, t);
              int idx = 0;
              boolean inside = true;
              for (int d = 0; d < nd; d++) {
                int pos = o[d] * stride[d] - pad[d] + t[d] * dilate[d];
                inside &= pos >= 0 && pos < in[d];
                idx = idx * in[d] + pos;
              }
              double v = inside ? x[(n * channels + ch) * inSize + idx] : 0.0;
              acc += v * w[(f * cg + c) * kSize + kp];
            }
          }
          y[(n * numFilter + f) * outSize + op] = bias == null ? acc : acc + bias[f];
        }
      }
    }
    return y;
  }

  /** The multi-index of flat index {@code i} in row-major {@code extents}, into {@code out}. */
  static void unravel(int i, int[] extents, int[] out) {
    for (int d = extents.length - 1; d >= 0; d--) {
      out[d] = i % extents[d];
      i /= extents[d];
    }
  }
}
