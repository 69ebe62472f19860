package org.kindling.tensor.op.nn;

import java.util.Arrays;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.nn.Convolution.ConvLayout;
import org.kindling.tensor.op.nn.Convolution.CudnnTune;

/**
 * Parameters and checks shared by {@link Convolution} and {@link Deconvolution}
 * (MXNet's {@code ConvolutionParam} and {@code DeconvolutionParam} declare the same fields and
 * the same parser rules; only {@code workspace} and {@code no_bias} differ in their defaults, and
 * Deconvolution adds {@code adj} and {@code target_shape}); their enumerations are
 * {@link Convolution.CudnnTune} and {@link Convolution.ConvLayout}.
 */
final class ConvParams {
  static final Param<int[]> KERNEL = Param.requiredTuple("kernel");
  static final Param<int[]> STRIDE = Param.tupleParam("stride", new int[0]);
  static final Param<int[]> DILATE = Param.tupleParam("dilate", new int[0]);
  static final Param<int[]> PAD = Param.tupleParam("pad", new int[0]);
  static final Param<Integer> NUM_FILTER =
      Param.requiredInt("num_filter").checked(v -> v >= 1, ">= 1");
  static final Param<Integer> NUM_GROUP = Param.intParam("num_group", 1)
      .checked(v -> v >= 1, ">= 1");
  static final Param<CudnnTune> CUDNN_TUNE =
      Param.enumParam("cudnn_tune", CudnnTune.class, null).optional();
  static final Param<Boolean> CUDNN_OFF = Param.boolParam("cudnn_off", false);
  static final Param<ConvLayout> LAYOUT =
      Param.enumParam("layout", ConvLayout.class, null).optional();

  private ConvParams() {}

  /** {@code workspace} in MB, at least 0, with the operator's default. */
  static Param<Long> workspace(long defaultValue) {
    return Param.longParam("workspace", defaultValue).checked(v -> v >= 0, ">= 0");
  }

  /**
   * Checks the parameters both operators declare, as MXNet's parser does.
   *
   * @throws IllegalArgumentException naming the parameter
   */
  static void check(int[] kernel, int[] stride, int[] dilate, int[] pad, int numFilter,
      int numGroup) {
    KERNEL.validate(kernel);
    checkKernel(kernel);
    checkTuple("stride", stride, kernel, 1);
    checkTuple("dilate", dilate, kernel, 1);
    checkTuple("pad", pad, kernel, 0);
    NUM_FILTER.validate(numFilter);
    NUM_GROUP.validate(numGroup);
  }

  /**
   * Checks {@code kernel}: 1 to 3 positive extents (MXNet's parser accepts 1-, 2- and 3-D).
   *
   * @throws IllegalArgumentException naming {@code kernel}
   */
  static void checkKernel(int[] kernel) {
    if (kernel.length < 1 || kernel.length > 3) {
      throw new IllegalArgumentException("parameter kernel: " + AttrSyntax.formatTuple(kernel)
          + " has " + kernel.length + " dimensions; expected (w,), (h, w) or (d, h, w)");
    }
    for (int k : kernel) {
      if (k < 1) {
        throw new IllegalArgumentException("parameter kernel: incorrect kernel size "
            + AttrSyntax.formatTuple(kernel) + "; every extent must be >= 1");
      }
    }
  }

  /**
   * Checks a tuple that defaults to {@code ()}: empty, or one value per kernel dimension, each
   * at least {@code min}.
   *
   * @throws IllegalArgumentException naming the parameter
   */
  static void checkTuple(String name, int[] v, int[] kernel, int min) {
    if (v.length != 0 && v.length != kernel.length) {
      throw new IllegalArgumentException("parameter " + name + ": " + AttrSyntax.formatTuple(v)
          + " must have the same number of dimensions as kernel "
          + AttrSyntax.formatTuple(kernel) + " (or be () for the default)");
    }
    for (int x : v) {
      if (x < min) {
        throw new IllegalArgumentException("parameter " + name + ": "
            + AttrSyntax.formatTuple(v) + " is invalid; every value must be >= " + min);
      }
    }
  }

  /** The tuple, or {@code n} copies of {@code fill} for the default {@code ()}. */
  static int[] orDefault(int[] v, int n, int fill) {
    if (v.length != 0) {
      return v.clone();
    }
    int[] r = new int[n];
    Arrays.fill(r, fill);
    return r;
  }

  /**
   * Checks the layout against the kernel's dimensions; channel-last layouts are refused.
   *
   * @throws IllegalArgumentException naming {@code layout}
   */
  static void checkLayout(String op, ConvLayout layout, int spatialDims) {
    if (layout == null) {
      return; // NCW, NCHW or NCDHW by the kernel's dimensions
    }
    if (!layout.channelFirst()) {
      throw new IllegalArgumentException(op + ": layout " + layout.mxName()
          + " is not supported; MXNet runs NHWC and NDHWC only on GPU (cuDNN), and Kindling "
          + "only the channel-first layouts NCW, NCHW and NCDHW");
    }
    if (layout.spatialDims() != spatialDims) {
      throw new IllegalArgumentException(op + ": layout " + layout.mxName() + " does not fit a "
          + spatialDims + "-D kernel; expected "
          + (spatialDims == 1 ? "NCW" : spatialDims == 2 ? "NCHW" : "NCDHW"));
    }
  }

  /**
   * Checks the data shape has one batch, one channel and one axis per kernel dimension.
   *
   * @throws IllegalArgumentException naming the data shape
   */
  static void checkData(String op, Shape d, int spatialDims) {
    if (d.ndim() != spatialDims + 2) {
      String form = spatialDims == 1 ? "(batch, channel, x)"
          : spatialDims == 2 ? "(batch, channel, y, x)" : "(batch, channel, d, y, x)";
      throw new IllegalArgumentException(op + ": input data should be " + (spatialDims + 2)
          + "-D " + form + " for a " + spatialDims + "-D kernel, got " + d);
    }
  }

  /** Checks {@code channels % groups == 0}, naming what is divided. */
  static void checkDivisible(String op, String what, int value, int groups) {
    if (value % groups != 0) {
      throw new IllegalArgumentException(op + ": num_group " + groups + " must divide " + what
          + " " + value);
    }
  }

  /** {@code (a, b, rest...)}. */
  static Shape shape(int a, int b, int[] rest) {
    int[] dims = new int[rest.length + 2];
    dims[0] = a;
    dims[1] = b;
    System.arraycopy(rest, 0, dims, 2, rest.length);
    return Shape.of(dims);
  }
}
