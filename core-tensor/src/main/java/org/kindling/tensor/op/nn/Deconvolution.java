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
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution.ConvLayout;
import org.kindling.tensor.op.nn.Convolution.CudnnTune;

/**
 * {@code Deconvolution} (alias {@code _npx_deconvolution}): the transposed convolution, the
 * gradient of {@link Convolution} with respect to its data, as MXNet 1.9.1.
 *
 * <p>Shapes: data {@code (N, C, in...)}, weight {@code (C, num_filter/num_group, k...)}, bias
 * {@code (num_filter,)} (only when {@code no_bias} is False — its default is True, unlike
 * Convolution), output {@code (N, num_filter, out...)} with
 * {@code out = s(in-1) + d(k-1) + 1 - 2p + adj}. With a non-zero {@code target_shape}, pad and
 * adj are derived from it as MXNet's {@code InferPad} does: {@code t = s(in-1) + d(k-1) + 1 -
 * target}, {@code adj = t % 2}, {@code pad = (t+1)/2}, so the output is the target; {@code adj}
 * must stay below the stride. Output element {@code o} receives {@code x[i]·W[k]} for every
 * {@code o + p = i·s + k·d}.
 *
 * <p>The CPU kernel is a convolution's data gradient (per group sgemm {@code Wᵀ·x}, then col2im
 * onto the output); backward, the data gradient is a convolution (im2col of {@code dy}, then
 * sgemm), the weight gradient {@code x · col(dy)ᵀ}, the bias gradient a sum. MXNet's native CPU
 * kernel handles 1-D and 2-D; 3-D (which its MKLDNN build runs, without dilation) is supported
 * here too. {@code workspace}, {@code cudnn_tune} and {@code cudnn_off} change nothing;
 * NHWC/NDHWC layouts are refused.
 */
@AutoService(OpDef.class)
public final class Deconvolution extends ConvolutionBase<Deconvolution.Params> {
  static final Param<int[]> ADJ = Param.tupleParam("adj", new int[0]);
  static final Param<int[]> TARGET_SHAPE = Param.tupleParam("target_shape", new int[0]);
  static final Param<Long> WORKSPACE = ConvParams.workspace(512);
  static final Param<Boolean> NO_BIAS = Param.boolParam("no_bias", true);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Deconvolution OP = new Deconvolution();

  /**
   * Parameters of {@code Deconvolution}, in MXNet's declaration order.
   *
   * @param kernel {@code kernel}: (w,), (h, w) or (d, h, w)
   * @param stride {@code stride}; {@code ()} means 1s
   * @param dilate {@code dilate}; {@code ()} means 1s
   * @param pad {@code pad}; {@code ()} means 0s; ignored when {@code target_shape} is set
   * @param adj {@code adj}, extra output rows at the end; {@code ()} means 0s; ignored when
   *     {@code target_shape} is set
   * @param targetShape {@code target_shape}: the output's spatial shape, or {@code ()}
   * @param numFilter {@code num_filter}, output channels (>= 1)
   * @param numGroup {@code num_group} (>= 1), dividing the input channels and num_filter
   * @param workspace {@code workspace} in MB (default 512; no effect here)
   * @param noBias {@code no_bias} (default True)
   * @param cudnnTune {@code cudnn_tune}, or null for None
   * @param cudnnOff {@code cudnn_off}
   * @param layout {@code layout}, or null for the default NCW/NCHW/NCDHW
   */
  public record Params(int[] kernel, int[] stride, int[] dilate, int[] pad, int[] adj,
      int[] targetShape, int numFilter, int numGroup, long workspace, boolean noBias,
      CudnnTune cudnnTune, boolean cudnnOff, ConvLayout layout)
      implements ConvolutionBase.Spec {
    /** Checks every parameter as MXNet's parser does; copies the arrays. */
    public Params {
      ConvParams.check(kernel, stride, dilate, pad, numFilter, numGroup);
      ConvParams.checkTuple("adj", adj, kernel, 0);
      ConvParams.checkTuple("target_shape", targetShape, kernel, 0);
      WORKSPACE.validate(workspace);
      kernel = kernel.clone();
      stride = stride.clone();
      dilate = dilate.clone();
      pad = pad.clone();
      adj = adj.clone();
      targetShape = targetShape.clone();
      if (kernel.length == 3) {
        for (int d : dilate) {
          if (d != 1) {
            throw new IllegalArgumentException("parameter dilate: "
                + AttrSyntax.formatTuple(dilate) + " is not supported in 3-D deconvolution");
          }
        }
      }
    }

    /** {@code kernel} and {@code num_filter}, everything else default (so no bias). */
    public static Params of(int[] kernel, int numFilter) {
      return new Params(kernel, new int[0], new int[0], new int[0], new int[0], new int[0],
          numFilter, 1, 512, true, null, false, null);
    }

    /** A copy with {@code stride} set. */
    public Params withStride(int... v) {
      return new Params(kernel, v, dilate, pad, adj, targetShape, numFilter, numGroup,
          workspace, noBias, cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code dilate} set. */
    public Params withDilate(int... v) {
      return new Params(kernel, stride, v, pad, adj, targetShape, numFilter, numGroup,
          workspace, noBias, cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code pad} set. */
    public Params withPad(int... v) {
      return new Params(kernel, stride, dilate, v, adj, targetShape, numFilter, numGroup,
          workspace, noBias, cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code adj} set. */
    public Params withAdj(int... v) {
      return new Params(kernel, stride, dilate, pad, v, targetShape, numFilter, numGroup,
          workspace, noBias, cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code target_shape} set. */
    public Params withTargetShape(int... v) {
      return new Params(kernel, stride, dilate, pad, adj, v, numFilter, numGroup, workspace,
          noBias, cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code num_group} set. */
    public Params withNumGroup(int v) {
      return new Params(kernel, stride, dilate, pad, adj, targetShape, numFilter, v, workspace,
          noBias, cudnnTune, cudnnOff, layout);
    }

    /** A copy with {@code no_bias} set. */
    public Params withNoBias(boolean v) {
      return new Params(kernel, stride, dilate, pad, adj, targetShape, numFilter, numGroup,
          workspace, v, cudnnTune, cudnnOff, layout);
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

    @Override
    public int[] adj() {
      return adj.clone();
    }

    @Override
    public int[] targetShape() {
      return targetShape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(kernel, q.kernel)
          && Arrays.equals(stride, q.stride) && Arrays.equals(dilate, q.dilate)
          && Arrays.equals(pad, q.pad) && Arrays.equals(adj, q.adj)
          && Arrays.equals(targetShape, q.targetShape) && numFilter == q.numFilter
          && numGroup == q.numGroup && workspace == q.workspace && noBias == q.noBias
          && cudnnTune == q.cudnnTune && cudnnOff == q.cudnnOff && layout == q.layout;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(kernel), Arrays.hashCode(stride),
          Arrays.hashCode(dilate), Arrays.hashCode(pad), Arrays.hashCode(adj),
          Arrays.hashCode(targetShape), numFilter, numGroup, workspace, noBias, cudnnTune,
          cudnnOff, layout);
    }

    @Override
    public String toString() {
      return "Params[kernel=" + AttrSyntax.formatTuple(kernel) + ", stride="
          + AttrSyntax.formatTuple(stride) + ", dilate=" + AttrSyntax.formatTuple(dilate)
          + ", pad=" + AttrSyntax.formatTuple(pad) + ", adj=" + AttrSyntax.formatTuple(adj)
          + ", target_shape=" + AttrSyntax.formatTuple(targetShape) + ", num_filter="
          + numFilter + ", num_group=" + numGroup + ", no_bias=" + noBias + "]";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Deconvolution() {
    super("Deconvolution", List.of("_npx_deconvolution"), Params.class,
        List.of(ConvParams.KERNEL, ConvParams.STRIDE, ConvParams.DILATE, ConvParams.PAD, ADJ,
            TARGET_SHAPE, ConvParams.NUM_FILTER, ConvParams.NUM_GROUP, WORKSPACE, NO_BIAS,
            ConvParams.CUDNN_TUNE, ConvParams.CUDNN_OFF, ConvParams.LAYOUT));
  }

  /** {@code (C, num_filter/num_group, k...)}. */
  @Override
  Shape weightShape(Params p, int channels) {
    return ConvParams.shape(channels, p.numFilter() / p.numGroup(), p.kernel);
  }

  /** The padding, adjustment and output extents in effect for data of shape {@code d}. */
  private record Geometry(int[] pad, int[] adj, int[] out) {}

  /**
   * MXNet's {@code InferPad} and output-shape rule.
   *
   * @throws IllegalArgumentException for a target shape too big for the input, an adj not
   *     below the stride, or a non-positive output extent
   */
  private static Geometry geometry(Params p, Shape d) {
    int nd = p.kernel.length;
    int[] s = p.effStride();
    int[] dl = p.effDilate();
    boolean fromTarget = false;
    for (int t : p.targetShape) {
      fromTarget |= t != 0;
    }
    int[] pad = new int[nd];
    int[] adj = new int[nd];
    int[] out = new int[nd];
    for (int i = 0; i < nd; i++) {
      int in = d.get(i + 2);
      int full = s[i] * (in - 1) + dl[i] * (p.kernel[i] - 1) + 1;
      if (fromTarget) {
        int t = p.targetShape[i];
        if (full < t) {
          throw new IllegalArgumentException("Deconvolution: too big target shape "
              + AttrSyntax.formatTuple(p.targetShape) + " for data " + d + ": dimension " + i
              + " can reach at most " + full);
        }
        adj[i] = (full - t) % 2;
        pad[i] = (full - t + 1) / 2;
      } else {
        pad[i] = p.pad.length == 0 ? 0 : p.pad[i];
        adj[i] = p.adj.length == 0 ? 0 : p.adj[i];
      }
      if (adj[i] > s[i] - 1) {
        throw new IllegalArgumentException("Deconvolution: adj " + adj[i] + " in dimension " + i
            + " must be smaller than the stride " + s[i]
            + (fromTarget ? " (adj derived from target_shape " + AttrSyntax.formatTuple(
                p.targetShape) + ")" : ""));
      }
      out[i] = full - 2 * pad[i] + adj[i];
      if (out[i] < 1) {
        throw new IllegalArgumentException("Deconvolution: output dimension " + i + " is "
            + out[i] + " for data " + d + " (pad " + pad[i] + " too large)");
      }
    }
    return new Geometry(pad, adj, out);
  }

  @Override
  int[] outSpatial(Params p, Shape d) {
    return geometry(p, d).out();
  }

  @Override
  Kernel cpuKernel(Params p, KernelSignature sig) {
    Shape d = sig.in(0);
    Geometry g = geometry(p, d);
    int[] in = Arrays.copyOfRange(d.dims(), 2, d.ndim());
    return new Cpu(new ConvMath(d.get(0), p.numFilter(), d.get(1), p.numGroup(), g.out(),
        p.kernel, g.pad(), p.effStride(), p.effDilate(), in), p, d.get(0), g.out());
  }

  /**
   * The default kernel, a convolution run backwards: in convolution terms the deconvolution's
   * output is the data ({@code num_filter} channels), its data the convolution's output
   * ({@code C} channels), and its weight {@code (C, num_filter/g, k...)} the convolution's.
   */
  private static final class Cpu extends GemmKernel {
    Cpu(ConvMath math, Params p, int num, int[] outSpatial) {
      super(math, p, num, outSpatial);
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer y = out[0].floats();
      math.backwardData(ctx, in[0].floats(), in[1].floats(), y, false);
      if (!noBias) {
        ConvMath.addBias(y, in[2].floats(), num, filters, plane);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer dy = a.outGrad()[0].floats();
      if (a.wants(0)) {
        math.forward(ctx, dy, a.in()[1].floats(), null, a.inGrad()[0].floats(), a.adds(0));
      }
      if (a.wants(1)) {
        math.backwardWeight(ctx, a.in()[0].floats(), dy, a.inGrad()[1].floats(), a.adds(1));
      }
      biasGradient(dy, a);
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape d = inShapes[0];
    Geometry g = geometry(p, d);
    int nd = p.kernel.length;
    int num = d.get(0);
    int channels = d.get(1);
    int filters = p.numFilter();
    int cg = channels / p.numGroup();
    int fg = filters / p.numGroup();
    int[] inSp = Arrays.copyOfRange(d.dims(), 2, d.ndim());
    int inSize = ConvMath.prod(inSp);
    int outSize = ConvMath.prod(g.out());
    int kSize = ConvMath.prod(p.kernel);
    int[] s = p.effStride();
    int[] dl = p.effDilate();
    double[] x = in[0];
    double[] w = in[1];
    double[] y = new double[num * filters * outSize];
    int[] i = new int[nd];
    int[] t = new int[nd];
    for (int n = 0; n < num; n++) {
      for (int c = 0; c < channels; c++) {
        int grp = c / cg;
        for (int ip = 0; ip < inSize; ip++) {
          ConvMath.unravel(ip, inSp, i);
          double v = x[(n * channels + c) * inSize + ip];
          for (int kp = 0; kp < kSize; kp++) {
            ConvMath.unravel(kp, p.kernel, t);
            int o = 0;
            boolean inside = true;
            for (int k = 0; k < nd; k++) {
              int pos = i[k] * s[k] - g.pad()[k] + t[k] * dl[k];
              inside &= pos >= 0 && pos < g.out()[k];
              o = o * g.out()[k] + pos;
            }
            if (!inside) {
              continue; // lands in the cropped padding
            }
            for (int f = 0; f < fg; f++) {
              y[(n * filters + grp * fg + f) * outSize + o] += v * w[(c * fg + f) * kSize + kp];
            }
          }
        }
      }
    }
    if (!p.noBias()) {
      for (int n = 0; n < num; n++) {
        for (int f = 0; f < filters; f++) {
          for (int o = 0; o < outSize; o++) {
            y[(n * filters + f) * outSize + o] += in[2][f];
          }
        }
      }
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        // 2-D, defaults (no bias): 4x4 -> 6x6
        sample(Params.of(new int[] {3, 3}, 2), 2, 3, 4, 4),
        // stride 2 with pad and adj, with bias: 3x3 -> 6x6
        sample(Params.of(new int[] {3, 3}, 3).withStride(2, 2).withPad(1, 1).withAdj(1, 1)
            .withNoBias(false), 2, 2, 3, 3),
        // dilation, mixed strides, two groups: 3x3 -> 3x7
        sample(Params.of(new int[] {2, 3}, 4).withDilate(2, 1).withStride(1, 2).withPad(1, 0)
            .withNumGroup(2), 2, 4, 3, 3),
        // target_shape: pad 1 and adj 1 derived from it: 3x3 -> 6x6
        sample(Params.of(new int[] {3, 3}, 2).withStride(2, 2).withTargetShape(6, 6)
            .withNoBias(false), 2, 2, 3, 3),
        // depthwise (num_group == C == num_filter), stride 2
        sample(Params.of(new int[] {2, 2}, 3).withNumGroup(3).withStride(2, 2), 2, 3, 3, 3),
        // 1x1 kernel (the convolution's 1x1 path), with bias
        sample(Params.of(new int[] {1, 1}, 3).withNoBias(false), 2, 2, 3, 4),
        // 1-D with stride, padding and bias: 5 -> 10
        sample(Params.of(new int[] {4}, 2).withStride(2).withPad(1).withNoBias(false),
            2, 3, 5),
        // 3-D
        sample(Params.of(new int[] {2, 2, 2}, 2).withStride(2, 1, 1), 2, 2, 2, 2, 2));
  }
}
