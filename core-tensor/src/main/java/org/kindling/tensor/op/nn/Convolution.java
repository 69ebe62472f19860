package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;

/**
 * {@code Convolution} (alias {@code _npx_convolution}): 1-, 2- or 3-D cross-correlation (no
 * kernel flip) of channel-first data, as MXNet 1.9.1.
 *
 * <p>Shapes: data {@code (N, C, in...)}, weight {@code (num_filter, C/num_group, k...)}, bias
 * {@code (num_filter,)} (absent with {@code no_bias}), output {@code (N, num_filter, out...)}
 * with {@code out = floor((in + 2p - (d(k-1)+1)) / s) + 1}. Groups split C and
 * {@code num_filter} evenly; {@code num_group == C} is a depthwise convolution. {@code stride},
 * {@code dilate} and {@code pad} default to {@code ()}, meaning 1s, 1s and 0s.
 *
 * <p>The CPU kernel is MXNet's: per image, im2col into the workspace and one sgemm per group
 * (the data itself for 1x1 kernels without stride or pad); backward, the data gradient is
 * {@code Wᵀ · dy} then col2im, the weight gradient {@code dy · colᵀ} summed over the batch, and
 * the bias gradient a sum. {@code workspace}, {@code cudnn_tune} and {@code cudnn_off} are
 * accepted and, as on MXNet's CPU, change nothing (MXNet 1.9.1 does not split the batch by
 * {@code workspace} either). {@code layout} NHWC/NDHWC, GPU-only in MXNet, is refused.
 */
@AutoService(OpDef.class)
public final class Convolution extends ConvolutionBase<Convolution.Params> {
  /** MXNet's {@code cudnn_tune} values; they select cuDNN algorithms and change nothing here. */
  public enum CudnnTune implements MxEnum {
    OFF,
    LIMITED_WORKSPACE,
    FASTEST
  }

  /**
   * MXNet's {@code layout} values of Convolution and Deconvolution. Only the channel-first
   * layouts run on MXNet's CPU, and only they run here.
   */
  public enum ConvLayout implements MxEnum {
    NCW,
    NCHW,
    NCDHW,
    NHWC,
    NDHWC;

    @Override
    public String mxName() {
      return name();
    }

    /** Spatial dimensions of this layout. */
    int spatialDims() {
      return switch (this) {
        case NCW -> 1;
        case NCHW, NHWC -> 2;
        case NCDHW, NDHWC -> 3;
      };
    }

    /** True for the channel-first layouts. */
    boolean channelFirst() {
      return this == NCW || this == NCHW || this == NCDHW;
    }
  }

  static final Param<Long> WORKSPACE = ConvParams.workspace(1024);
  static final Param<Boolean> NO_BIAS = Param.boolParam("no_bias", false);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Convolution OP = new Convolution();

  /**
   * Parameters of {@code Convolution}, in MXNet's declaration order.
   *
   * @param kernel {@code kernel}: (w,), (h, w) or (d, h, w)
   * @param stride {@code stride}; {@code ()} means 1 in every dimension
   * @param dilate {@code dilate}; {@code ()} means 1 in every dimension
   * @param pad {@code pad}, zeros on both sides; {@code ()} means 0
   * @param numFilter {@code num_filter}, output channels (>= 1)
   * @param numGroup {@code num_group} (>= 1), dividing the input channels and num_filter
   * @param workspace {@code workspace} in MB (no effect on the CPU)
   * @param noBias {@code no_bias}: no bias input
   * @param cudnnTune {@code cudnn_tune}, or null for None (no effect on the CPU)
   * @param cudnnOff {@code cudnn_off} (no effect on the CPU)
   * @param layout {@code layout}, or null for the default NCW/NCHW/NCDHW
   */
  public record Params(int[] kernel, int[] stride, int[] dilate, int[] pad, int numFilter,
      int numGroup, long workspace, boolean noBias, CudnnTune cudnnTune, boolean cudnnOff,
      ConvLayout layout) implements ConvolutionBase.Spec {
    /** Checks every parameter as MXNet's parser does; copies the arrays. */
    public Params {
      ConvParams.check(kernel, stride, dilate, pad, numFilter, numGroup);
      WORKSPACE.validate(workspace);
      kernel = kernel.clone();
      stride = stride.clone();
      dilate = dilate.clone();
      pad = pad.clone();
    }

    /** A convolution with {@code kernel} and {@code num_filter}, every other parameter default. */
    public static Params of(int[] kernel, int numFilter) {
      return new Params(kernel, new int[0], new int[0], new int[0], numFilter, 1, 1024, false,
          null, false, null);
    }

    /** A copy with {@code stride} set. */
    public Params withStride(int... v) {
      return new Params(kernel, v, dilate, pad, numFilter, numGroup, workspace, noBias,
          cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code dilate} set. */
    public Params withDilate(int... v) {
      return new Params(kernel, stride, v, pad, numFilter, numGroup, workspace, noBias,
          cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code pad} set. */
    public Params withPad(int... v) {
      return new Params(kernel, stride, dilate, v, numFilter, numGroup, workspace, noBias,
          cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code num_group} set. */
    public Params withNumGroup(int v) {
      return new Params(kernel, stride, dilate, pad, numFilter, v, workspace, noBias,
          cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code no_bias} set. */
    public Params withNoBias(boolean v) {
      return new Params(kernel, stride, dilate, pad, numFilter, numGroup, workspace, v,
          cudnnTune, cudnnOff, layout);
    }

    /** A copy with the cuDNN and workspace settings (which the CPU ignores) and the layout. */
    public Params withBackendHints(long ws, CudnnTune tune, boolean off, ConvLayout l) {
      return new Params(kernel, stride, dilate, pad, numFilter, numGroup, ws, noBias, tune, off,
          l);
    }

    @Override
    public int[] kernel() {
      return kernel.clone();
    }

    @Override
    public int[] stride() {
      return stride.clone();
    }

    @Override
    public int[] dilate() {
      return dilate.clone();
    }

    @Override
    public int[] pad() {
      return pad.clone();
    }

    /** The padding in effect: 0s for {@code ()}. */
    int[] effPad() {
      return ConvParams.orDefault(pad, kernel.length, 0);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(kernel, q.kernel)
          && Arrays.equals(stride, q.stride) && Arrays.equals(dilate, q.dilate)
          && Arrays.equals(pad, q.pad) && numFilter == q.numFilter && numGroup == q.numGroup
          && workspace == q.workspace && noBias == q.noBias && cudnnTune == q.cudnnTune
          && cudnnOff == q.cudnnOff && layout == q.layout;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(kernel), Arrays.hashCode(stride),
          Arrays.hashCode(dilate), Arrays.hashCode(pad), numFilter, numGroup, workspace, noBias,
          cudnnTune, cudnnOff, layout);
    }

    @Override
    public String toString() {
      return "Params[kernel=" + AttrSyntax.formatTuple(kernel) + ", stride="
          + AttrSyntax.formatTuple(stride) + ", dilate=" + AttrSyntax.formatTuple(dilate)
          + ", pad=" + AttrSyntax.formatTuple(pad) + ", num_filter=" + numFilter
          + ", num_group=" + numGroup + ", no_bias=" + noBias
          + (layout == null ? "" : ", layout=" + layout.mxName()) + "]";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Convolution() {
    super("Convolution", List.of("_npx_convolution"), Params.class,
        List.of(ConvParams.KERNEL, ConvParams.STRIDE, ConvParams.DILATE, ConvParams.PAD,
            ConvParams.NUM_FILTER, ConvParams.NUM_GROUP, WORKSPACE, NO_BIAS, ConvParams.CUDNN_TUNE,
            ConvParams.CUDNN_OFF, ConvParams.LAYOUT));
  }

  /** {@code (num_filter, C/num_group, k...)}. */
  @Override
  Shape weightShape(Params p, int channels) {
    return ConvParams.shape(p.numFilter(), channels / p.numGroup(), p.kernel);
  }

  /**
   * Output spatial extents {@code floor((in + 2p - (d(k-1)+1)) / s) + 1}.
   *
   * @throws IllegalArgumentException if the dilated kernel exceeds the padded input
   */
  @Override
  int[] outSpatial(Params p, Shape d) {
    int nd = p.kernel.length;
    int[] k = p.kernel;
    int[] s = p.effStride();
    int[] dl = p.effDilate();
    int[] pd = p.effPad();
    int[] out = new int[nd];
    for (int i = 0; i < nd; i++) {
      int padded = d.get(i + 2) + 2 * pd[i];
      int dk = dl[i] * (k[i] - 1) + 1;
      if (dk > padded) {
        throw new IllegalArgumentException("Convolution: kernel size exceeds input: dilated "
            + "kernel " + dk + " in dimension " + i + " is larger than the padded input "
            + padded + " (data " + d + ", kernel " + AttrSyntax.formatTuple(k) + ", dilate "
            + AttrSyntax.formatTuple(dl) + ", pad " + AttrSyntax.formatTuple(pd) + ")");
      }
      out[i] = (padded - dk) / s[i] + 1;
    }
    return out;
  }

  @Override
  Kernel cpuKernel(Params p, KernelSignature sig) {
    Shape d = sig.in(0);
    int[] in = Arrays.copyOfRange(d.dims(), 2, d.ndim());
    int[] out = Arrays.copyOfRange(sig.out(0).dims(), 2, d.ndim());
    return new Cpu(new ConvMath(d.get(0), d.get(1), p.numFilter(), p.numGroup(), in, p.kernel,
        p.effPad(), p.effStride(), p.effDilate(), out), p, d.get(0), out);
  }

  /** The default kernel: im2col + OpenBLAS sgemm per group. */
  private static final class Cpu extends GemmKernel {
    Cpu(ConvMath math, Params p, int num, int[] outSpatial) {
      super(math, p, num, outSpatial);
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      math.forward(ctx, in[0].floats(), in[1].floats(), noBias ? null : in[2].floats(),
          out[0].floats(), false);
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer dy = a.outGrad()[0].floats();
      if (a.wants(0)) {
        math.backwardData(ctx, dy, a.in()[1].floats(), a.inGrad()[0].floats(), a.adds(0));
      }
      if (a.wants(1)) {
        math.backwardWeight(ctx, dy, a.in()[0].floats(), a.inGrad()[1].floats(), a.adds(1));
      }
      biasGradient(dy, a);
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape d = inShapes[0];
    double[] y = ConvMath.reference(d.dims(), p.numFilter(), p.numGroup(), p.kernel,
        p.effPad(), p.effStride(), p.effDilate(), outSpatial(p, d), in[0], in[1],
        p.noBias() ? null : in[2]);
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        // 2-D, defaults
        sample(Params.of(new int[] {3, 3}, 3), 2, 2, 5, 5),
        // stride 2 and padding, non-square kernel
        sample(Params.of(new int[] {3, 2}, 4).withStride(2, 2).withPad(1, 1), 2, 3, 6, 6),
        // dilation with asymmetric padding
        sample(Params.of(new int[] {3, 2}, 2).withDilate(2, 2).withPad(2, 1), 2, 2, 7, 6),
        // two groups
        sample(Params.of(new int[] {3, 3}, 6).withNumGroup(2).withPad(1, 1), 2, 4, 5, 5),
        // depthwise (num_group == C), mixed strides, no bias
        sample(Params.of(new int[] {3, 3}, 3).withNumGroup(3).withStride(2, 1).withPad(1, 1)
            .withNoBias(true), 2, 3, 6, 5),
        // 1x1 kernel: the data is its own column matrix (MXNet's is_1x1 path), grouped
        sample(Params.of(new int[] {1, 1}, 4).withNumGroup(2).withNoBias(true), 2, 4, 4, 5),
        // 1-D with stride, padding and dilation
        sample(Params.of(new int[] {3}, 2).withStride(2).withPad(1).withDilate(2), 2, 3, 9),
        // 1-D 1x1 without bias
        sample(Params.of(new int[] {1}, 3).withNoBias(true), 2, 2, 7),
        // 3-D
        sample(Params.of(new int[] {2, 2, 2}, 2).withStride(2, 1, 1).withPad(1, 0, 1),
            2, 2, 4, 4, 3),
        // the CPU-inert settings round-trip and change nothing
        sample(Params.of(new int[] {2, 2}, 2)
            .withBackendHints(512, CudnnTune.FASTEST, true, ConvLayout.NCHW), 2, 2, 4, 4));
  }
}
