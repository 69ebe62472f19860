package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code Pooling} (alias {@code _npx_pooling}): 1-, 2- or 3-D max, average, sum or Lp pooling, as
 * MXNet 1.9.1's CPU kernels ({@code pool.h}), in channel-first or channel-last layout.
 *
 * <p>Output extents: {@code valid} {@code floor((in + 2p - k)/s) + 1}; {@code full}
 * {@code ceil((in + 2p - k)/s) + 1}; {@code same} (1-D only, pad 0) {@code ceil(in/s)};
 * {@code global_pool} makes every spatial extent 1, with the whole input as the window (kernel,
 * stride and pad ignored).
 *
 * <p>Window {@code [start, start + k)} with {@code start = o·s - p}, clipped to the input.
 * max: the largest element, starting from {@code -FLT_MAX} with {@code >}, so NaNs are skipped and
 * a window of only NaN or -Inf (or an empty one) gives {@code -FLT_MAX}; padding never counts.
 * avg: {@code Σ x / size}, where size is the window clipped to the padded extent
 * {@code min(start + k, in + p) - start} (per dimension, multiplied), or with
 * {@code count_include_pad=False} the number of in-image elements; {@code full} windows that
 * overhang the padded extent therefore divide by less. sum: {@code Σ x}. lp:
 * {@code (Σ x^p)^(1/p)} for p = 1, 2, 3 (no absolute value, as MXNet; p = 1 is a plain sum).
 * A 3-D average over an empty window is NaN (MXNet's 3-D kernel only).
 *
 * <p>Backward: max routes each output gradient to the first element of its window (in window
 * order) equal to the output; avg and sum spread it over the window with the same divisor; lp
 * scales it by {@code (x/y)^(p-1)} (0 where y = 0). One output: MXNet's MKLDNN build adds a
 * hidden workspace output for max pooling in training, its native CPU build does not.
 */
@AutoService(OpDef.class)
public final class Pooling extends OpDef<Pooling.Params> {
  /** MXNet's {@code pool_type} values. */
  public enum PoolType implements MxEnum {
    MAX,
    AVG,
    SUM,
    LP
  }

  /** MXNet's {@code pooling_convention} values. */
  public enum PoolingConvention implements MxEnum {
    FULL,
    VALID,
    SAME
  }

  /** MXNet's Pooling {@code layout} values (its CPU kernels run all six). */
  public enum PoolLayout implements MxEnum {
    NCW,
    NCHW,
    NCDHW,
    NWC,
    NHWC,
    NDHWC;

    @Override
    public String mxName() {
      return name();
    }

    int spatialDims() {
      return switch (this) {
        case NCW, NWC -> 1;
        case NCHW, NHWC -> 2;
        case NCDHW, NDHWC -> 3;
      };
    }

    boolean channelLast() {
      return this == NWC || this == NHWC || this == NDHWC;
    }

    static PoolLayout channelFirst(int spatialDims) {
      return spatialDims == 1 ? NCW : spatialDims == 2 ? NCHW : NCDHW;
    }
  }

  static final Param<int[]> KERNEL = Param.tupleParam("kernel", new int[0]);
  static final Param<PoolType> POOL_TYPE =
      Param.enumParam("pool_type", PoolType.class, PoolType.MAX);
  static final Param<Boolean> GLOBAL_POOL = Param.boolParam("global_pool", false);
  static final Param<Boolean> CUDNN_OFF = Param.boolParam("cudnn_off", false);
  static final Param<PoolingConvention> POOLING_CONVENTION = Param.enumParam(
      "pooling_convention", PoolingConvention.class, PoolingConvention.VALID);
  static final Param<int[]> STRIDE = Param.tupleParam("stride", new int[0]);
  static final Param<int[]> PAD = Param.tupleParam("pad", new int[0]);
  static final Param<Integer> P_VALUE = Param.intParam("p_value", 0).optional();
  static final Param<Boolean> COUNT_INCLUDE_PAD =
      Param.boolParam("count_include_pad", true).optional();
  static final Param<PoolLayout> LAYOUT =
      Param.enumParam("layout", PoolLayout.class, null).optional();

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Pooling OP = new Pooling();

  /**
   * Parameters of {@code Pooling}, in MXNet's declaration order.
   *
   * @param kernel {@code kernel}: (w,), (h, w) or (d, h, w); may be {@code ()} with global_pool
   * @param poolType {@code pool_type} (default max)
   * @param globalPool {@code global_pool}
   * @param cudnnOff {@code cudnn_off} (no effect on the CPU)
   * @param poolingConvention {@code pooling_convention} (default valid)
   * @param stride {@code stride}; {@code ()} means 1s
   * @param pad {@code pad}; {@code ()} means 0s
   * @param pValue {@code p_value} for lp pooling (1, 2 or 3), or null for None
   * @param countIncludePad {@code count_include_pad} for avg, or null for None (which is True)
   * @param layout {@code layout}, or null for NCW/NCHW/NCDHW by the number of dimensions
   */
  public record Params(int[] kernel, PoolType poolType, boolean globalPool, boolean cudnnOff,
      PoolingConvention poolingConvention, int[] stride, int[] pad, Integer pValue,
      Boolean countIncludePad, PoolLayout layout) {
    /** Checks the parameters as MXNet's parser does; copies the arrays. */
    public Params {
      kernel = kernel.clone();
      stride = stride.clone();
      pad = pad.clone();
      POOL_TYPE.validate(poolType);
      POOLING_CONVENTION.validate(poolingConvention);
      for (int k : kernel) {
        if (k < 1) {
          throw new IllegalArgumentException("parameter kernel: "
              + AttrSyntax.formatTuple(kernel) + " is invalid; every extent must be >= 1");
        }
      }
      if (!globalPool && (kernel.length < 1 || kernel.length > 3)) {
        throw new IllegalArgumentException("parameter kernel: " + kernel.length
            + "-D pooling is not supported; set kernel to (w,), (h, w) or (d, h, w), or "
            + "global_pool=True");
      }
      if (kernel.length > 0) {
        ConvParams.checkTuple("stride", stride, kernel, 1);
        ConvParams.checkTuple("pad", pad, kernel, 0);
      }
    }

    /** {@code pool_type} pooling with {@code kernel}, every other parameter default. */
    public static Params of(PoolType type, int... kernel) {
      return new Params(kernel, type, false, false, PoolingConvention.VALID, new int[0],
          new int[0], null, null, null);
    }

    /** Global pooling of {@code pool_type} (no kernel). */
    public static Params global(PoolType type) {
      return new Params(new int[0], type, true, false, PoolingConvention.VALID, new int[0],
          new int[0], null, null, null);
    }

    /** A copy with {@code stride} set. */
    public Params withStride(int... v) {
      return new Params(kernel, poolType, globalPool, cudnnOff, poolingConvention, v, pad,
          pValue, countIncludePad, layout);
    }

    /** A copy with {@code pad} set. */
    public Params withPad(int... v) {
      return new Params(kernel, poolType, globalPool, cudnnOff, poolingConvention, stride, v,
          pValue, countIncludePad, layout);
    }

    /** A copy with {@code pooling_convention} set. */
    public Params withConvention(PoolingConvention v) {
      return new Params(kernel, poolType, globalPool, cudnnOff, v, stride, pad, pValue,
          countIncludePad, layout);
    }

    /** A copy with {@code p_value} set. */
    public Params withPValue(Integer v) {
      return new Params(kernel, poolType, globalPool, cudnnOff, poolingConvention, stride, pad,
          v, countIncludePad, layout);
    }

    /** A copy with {@code count_include_pad} set. */
    public Params withCountIncludePad(Boolean v) {
      return new Params(kernel, poolType, globalPool, cudnnOff, poolingConvention, stride, pad,
          pValue, v, layout);
    }

    /** A copy with {@code layout} set. */
    public Params withLayout(PoolLayout v) {
      return new Params(kernel, poolType, globalPool, cudnnOff, poolingConvention, stride, pad,
          pValue, countIncludePad, v);
    }

    /** A copy with {@code global_pool} set. */
    public Params withGlobalPool(boolean v) {
      return new Params(kernel, poolType, v, cudnnOff, poolingConvention, stride, pad, pValue,
          countIncludePad, layout);
    }

    /** A copy with {@code cudnn_off} set. */
    public Params withCudnnOff(boolean v) {
      return new Params(kernel, poolType, globalPool, v, poolingConvention, stride, pad, pValue,
          countIncludePad, layout);
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
    public int[] pad() {
      return pad.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(kernel, q.kernel) && poolType == q.poolType
          && globalPool == q.globalPool && cudnnOff == q.cudnnOff
          && poolingConvention == q.poolingConvention && Arrays.equals(stride, q.stride)
          && Arrays.equals(pad, q.pad) && Objects.equals(pValue, q.pValue)
          && Objects.equals(countIncludePad, q.countIncludePad) && layout == q.layout;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(kernel), poolType, globalPool, cudnnOff,
          poolingConvention, Arrays.hashCode(stride), Arrays.hashCode(pad), pValue,
          countIncludePad, layout);
    }

    @Override
    public String toString() {
      return "Params[" + poolType.mxName() + (globalPool ? " global" : "") + ", kernel="
          + AttrSyntax.formatTuple(kernel) + ", stride=" + AttrSyntax.formatTuple(stride)
          + ", pad=" + AttrSyntax.formatTuple(pad) + ", " + poolingConvention.mxName()
          + (pValue == null ? "" : ", p=" + pValue)
          + (countIncludePad == null ? "" : ", count_include_pad=" + countIncludePad)
          + (layout == null ? "" : ", " + layout.mxName()) + "]";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Pooling() {
    super("Pooling", List.of("_npx_pooling"), Params.class,
        List.of(KERNEL, POOL_TYPE, GLOBAL_POOL, CUDNN_OFF, POOLING_CONVENTION, STRIDE, PAD,
            P_VALUE, COUNT_INCLUDE_PAD, LAYOUT));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  /**
   * One pooling problem lifted to three spatial dimensions (leading extents 1, kernel 1, stride
   * 1, pad 0), which leaves every window and divisor as in MXNet's 1-D and 2-D kernels.
   *
   * @param nd the real number of spatial dimensions (a 3-D empty average is NaN)
   * @param channelLast true for NWC/NHWC/NDHWC
   * @param in input extents (d, h, w)
   * @param out output extents
   * @param k kernel
   * @param p padding
   * @param s stride
   */
  record Geometry(int nd, boolean channelLast, int num, int channels, int[] in, int[] out,
      int[] k, int[] p, int[] s, Shape outShape) {
    int inPlane() {
      return in[0] * in[1] * in[2];
    }

    int outPlane() {
      return out[0] * out[1] * out[2];
    }
  }

  /** Pads to three entries on the left with {@code fill}. */
  private static int[] lift(int[] a, int fill) {
    int[] r = {fill, fill, fill};
    System.arraycopy(a, 0, r, 3 - a.length, a.length);
    return r;
  }

  /**
   * MXNet's {@code PoolingShape}, and the windows the kernel will use.
   *
   * @throws IllegalArgumentException for a missing p_value, a bad layout or data rank, 'same'
   *     with padding or on 2-D/3-D data, or a kernel larger than the padded input
   */
  static Geometry geometry(Params p, Shape d) {
    if (p.poolType() == PoolType.LP) {
      if (p.pValue() == null) {
        throw new IllegalArgumentException("Pooling: p_value is required for pool_type 'lp'");
      }
      if (p.pValue() < 1 || p.pValue() > 3) {
        throw new IllegalArgumentException("Pooling: p_value " + p.pValue()
            + " is not supported; MXNet's kernels implement 1, 2 and 3");
      }
    }
    if (p.poolingConvention() == PoolingConvention.SAME) {
      if (d.ndim() != 3) {
        throw new IllegalArgumentException("Pooling: input data should be 3-D (batch, channel,"
            + " x); pooling_convention 'same' supports 1-D pooling only, got " + d);
      }
      for (int v : p.pad) {
        if (v != 0) {
          throw new IllegalArgumentException("Pooling: pooling_convention 'same' disables the "
              + "pad parameter, got pad " + AttrSyntax.formatTuple(p.pad));
        }
      }
    }
    if (d.ndim() < 3 || d.ndim() > 5) {
      throw new IllegalArgumentException("Pooling: input data should be 3-D (batch, channel, "
          + "x), 4-D (batch, channel, y, x) or 5-D (batch, channel, d, y, x), got " + d);
    }
    int nd = d.ndim() - 2;
    // MXNet's parser fixes the layout from the kernel's rank when a kernel is given
    PoolLayout layout = p.layout() != null ? p.layout()
        : PoolLayout.channelFirst(p.kernel.length > 0 && p.kernel.length <= 3
            ? p.kernel.length : nd);
    if (layout.spatialDims() != nd) {
      throw new IllegalArgumentException("Pooling: layout " + layout.mxName() + " does not fit "
          + nd + "-D data " + d);
    }
    boolean last = layout.channelLast();
    int[] dims = d.dims();
    int channels = last ? dims[nd + 1] : dims[1];
    int[] in = last ? Arrays.copyOfRange(dims, 1, nd + 1) : Arrays.copyOfRange(dims, 2, nd + 2);
    int[] k;
    int[] pad;
    int[] stride;
    int[] out = new int[nd];
    if (p.globalPool()) {
      k = in.clone();
      pad = new int[nd];
      stride = ConvParams.orDefault(new int[0], nd, 1);
      Arrays.fill(out, 1);
    } else {
      if (p.kernel.length != nd) {
        throw new IllegalArgumentException("Pooling: a " + p.kernel.length + "-D kernel "
            + AttrSyntax.formatTuple(p.kernel) + " needs " + (p.kernel.length + 2)
            + "-D data, got " + d);
      }
      k = p.kernel.clone();
      pad = ConvParams.orDefault(p.pad, nd, 0);
      stride = ConvParams.orDefault(p.stride, nd, 1);
      for (int i = 0; i < nd; i++) {
        int padded = in[i] + 2 * pad[i];
        if (k[i] > padded) {
          throw new IllegalArgumentException("Pooling: kernel size (" + k[i] + ") exceeds input ("
              + in[i] + " padded to " + padded + ") in dimension " + i);
        }
        out[i] = switch (p.poolingConvention()) {
          case VALID -> 1 + (padded - k[i]) / stride[i];
          case FULL -> 1 + ceilDiv(padded - k[i], stride[i]);
          case SAME -> ceilDiv(padded, stride[i]);
        };
      }
    }
    int[] od = new int[nd + 2];
    od[0] = dims[0];
    if (last) {
      System.arraycopy(out, 0, od, 1, nd);
      od[nd + 1] = channels;
    } else {
      od[1] = channels;
      System.arraycopy(out, 0, od, 2, nd);
    }
    return new Geometry(nd, last, dims[0], channels, lift(in, 1), lift(out, 1), lift(k, 1),
        lift(pad, 0), lift(stride, 1), Shape.of(od));
  }

  private static int ceilDiv(int a, int b) {
    return Math.floorDiv(a + b - 1, b); // a >= 0 here
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    s.assignOut(0, geometry(p, d).outShape());
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return switch (p.poolType()) {
      case MAX, LP -> new BackwardDeps(true, Set.of(0), Set.of(0));
      case AVG, SUM -> BackwardDeps.gradientsOnly();
    };
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) ->
        sig.allFloat32() ? new Cpu(p, geometry(p, sig.in(0))) : null));
  }

  /** The window of output {@code (oz, oy, ox)}: clipped bounds and the divisor. */
  private static final class Window {
    int z0;
    int z1;
    int y0;
    int y1;
    int x0;
    int x1;
    int size;

    /** MXNet's bounds: the divisor from the window clipped to the padded extent. */
    void set(Geometry g, int oz, int oy, int ox, boolean avg, boolean countPad) {
      int zs = oz * g.s()[0] - g.p()[0];
      int ys = oy * g.s()[1] - g.p()[1];
      int xs = ox * g.s()[2] - g.p()[2];
      int ze = Math.min(zs + g.k()[0], g.in()[0] + g.p()[0]);
      int ye = Math.min(ys + g.k()[1], g.in()[1] + g.p()[1]);
      int xe = Math.min(xs + g.k()[2], g.in()[2] + g.p()[2]);
      size = avg ? (ze - zs) * (ye - ys) * (xe - xs) : 1;
      z0 = Math.max(zs, 0);
      y0 = Math.max(ys, 0);
      x0 = Math.max(xs, 0);
      z1 = Math.min(ze, g.in()[0]);
      y1 = Math.min(ye, g.in()[1]);
      x1 = Math.min(xe, g.in()[2]);
      if (avg && !countPad) {
        size = (z1 - z0) * (y1 - y0) * (x1 - x0);
      }
    }
  }

  /** The default kernel: MXNet's loops, on any of the six layouts through element strides. */
  private static final class Cpu implements DataGradientKernel {
    private final Geometry g;
    private final PoolType type;
    private final int p;
    private final boolean countPad;

    Cpu(Params params, Geometry g) {
      this.g = g;
      this.type = params.poolType();
      this.p = type == PoolType.LP ? params.pValue() : 1;
      this.countPad = params.countIncludePad() == null || params.countIncludePad();
    }

    /** Element step between spatial neighbours (x direction). */
    private int step() {
      return g.channelLast() ? g.channels() : 1;
    }

    /** Index of element 0 of image n, channel c, in a tensor of {@code plane} positions. */
    private int base(int n, int c, int plane) {
      return g.channelLast() ? n * plane * g.channels() + c : (n * g.channels() + c) * plane;
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      int[] id = g.in();
      int[] od = g.out();
      int st = step();
      boolean avg = type == PoolType.AVG;
      Window w = new Window();
      for (int n = 0; n < g.num(); n++) {
        for (int c = 0; c < g.channels(); c++) {
          int ib = base(n, c, g.inPlane());
          int ob = base(n, c, g.outPlane());
          for (int oz = 0; oz < od[0]; oz++) {
            for (int oy = 0; oy < od[1]; oy++) {
              for (int ox = 0; ox < od[2]; ox++) {
                w.set(g, oz, oy, ox, avg, countPad);
                float r;
                if (type == PoolType.MAX) {
                  r = -Float.MAX_VALUE; // mshadow's MinValue: NaN and -Inf never win
                  for (int z = w.z0; z < w.z1; z++) {
                    for (int yy = w.y0; yy < w.y1; yy++) {
                      int row = ib + ((z * id[1] + yy) * id[2]) * st;
                      for (int xx = w.x0; xx < w.x1; xx++) {
                        float v = x.get(row + xx * st);
                        if (v > r) {
                          r = v;
                        }
                      }
                    }
                  }
                } else {
                  float sum = 0f;
                  float size = w.size;
                  for (int z = w.z0; z < w.z1; z++) {
                    for (int yy = w.y0; yy < w.y1; yy++) {
                      int row = ib + ((z * id[1] + yy) * id[2]) * st;
                      for (int xx = w.x0; xx < w.x1; xx++) {
                        float v = x.get(row + xx * st);
                        float pw = p == 1 ? v : p == 2 ? v * v : v * v * v;
                        sum += pw / size; // divided per element, as MXNet
                      }
                    }
                  }
                  r = g.nd() == 3 && w.size == 0 ? Float.NaN
                      : p == 1 ? sum : p == 2 ? (float) Math.sqrt(sum) : (float) Math.cbrt(sum);
                }
                y.put(ob + ((oz * od[1] + oy) * od[2] + ox) * st, r);
              }
            }
          }
        }
      }
    }

    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      a.zeroUnlessAdding(0);
      boolean needsValues = type == PoolType.MAX || type == PoolType.LP;
      FloatBuffer x = needsValues ? a.in()[0].floats() : null;
      FloatBuffer y = needsValues ? a.out()[0].floats() : null;
      int[] id = g.in();
      int[] od = g.out();
      int st = step();
      boolean avg = type == PoolType.AVG;
      Window w = new Window();
      for (int n = 0; n < g.num(); n++) {
        for (int c = 0; c < g.channels(); c++) {
          int ib = base(n, c, g.inPlane());
          int ob = base(n, c, g.outPlane());
          for (int oz = 0; oz < od[0]; oz++) {
            for (int oy = 0; oy < od[1]; oy++) {
              for (int ox = 0; ox < od[2]; ox++) {
                int oi = ob + ((oz * od[1] + oy) * od[2] + ox) * st;
                w.set(g, oz, oy, ox, avg, countPad);
                float og = dy.get(oi);
                if (type == PoolType.MAX) {
                  int at = firstMax(x, y.get(oi), ib, w, id, st);
                  if (at >= 0) {
                    dx.put(at, dx.get(at) + og);
                  }
                  continue;
                }
                float out = p == 1 ? 0f : y.get(oi);
                float size = w.size;
                for (int z = w.z0; z < w.z1; z++) {
                  for (int yy = w.y0; yy < w.y1; yy++) {
                    int row = ib + ((z * id[1] + yy) * id[2]) * st;
                    for (int xx = w.x0; xx < w.x1; xx++) {
                      int ii = row + xx * st;
                      float gr;
                      if (p == 1) {
                        gr = og;
                      } else {
                        float ratio = x.get(ii) / out;
                        gr = out == 0f ? 0f : p == 2 ? og * ratio : og * ratio * ratio;
                      }
                      dx.put(ii, dx.get(ii) + gr / size);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    /** The first element of the window (in window order) equal to {@code max}, or -1. */
    private static int firstMax(FloatBuffer x, float max, int ib, Window w, int[] id, int st) {
      for (int z = w.z0; z < w.z1; z++) {
        for (int yy = w.y0; yy < w.y1; yy++) {
          int row = ib + ((z * id[1] + yy) * id[2]) * st;
          for (int xx = w.x0; xx < w.x1; xx++) {
            if (x.get(row + xx * st) == max) {
              return row + xx * st;
            }
          }
        }
      }
      return -1;
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Geometry g = geometry(p, inShapes[0]);
    double[] x = in[0];
    double[] y = new double[g.outShape().intSize()];
    boolean avg = p.poolType() == PoolType.AVG;
    boolean countPad = p.countIncludePad() == null || p.countIncludePad();
    int pv = p.poolType() == PoolType.LP ? p.pValue() : 1;
    int[] id = g.in();
    int[] od = g.out();
    Window w = new Window();
    for (int n = 0; n < g.num(); n++) {
      for (int c = 0; c < g.channels(); c++) {
        for (int oz = 0; oz < od[0]; oz++) {
          for (int oy = 0; oy < od[1]; oy++) {
            for (int ox = 0; ox < od[2]; ox++) {
              w.set(g, oz, oy, ox, avg, countPad);
              double max = -Float.MAX_VALUE;
              double sum = 0;
              for (int z = w.z0; z < w.z1; z++) {
                for (int yy = w.y0; yy < w.y1; yy++) {
                  for (int xx = w.x0; xx < w.x1; xx++) {
                    double v = x[index(g, n, c, z, yy, xx, id)];
                    max = v > max ? v : max;
                    sum += Math.pow(v, pv) / w.size;
                  }
                }
              }
              double r;
              if (p.poolType() == PoolType.MAX) {
                r = max;
              } else if (g.nd() == 3 && w.size == 0) {
                r = Double.NaN;
              } else {
                r = pv == 1 ? sum : pv == 2 ? Math.sqrt(sum) : Math.cbrt(sum);
              }
              y[index(g, n, c, oz, oy, ox, od)] = r;
            }
          }
        }
      }
    }
    return new double[][] {y};
  }

  /** Flat index of (n, c, z, y, x) in a tensor of spatial extents {@code e}. */
  private static int index(Geometry g, int n, int c, int z, int y, int x, int[] e) {
    int sp = (z * e[1] + y) * e[2] + x;
    int plane = e[0] * e[1] * e[2];
    return g.channelLast() ? (n * plane + sp) * g.channels() + c
        : (n * g.channels() + c) * plane + sp;
  }

  @Override
  public List<Sample<Params>> samples() {
    PoolingConvention full = PoolingConvention.FULL;
    return List.of(
        // max, valid, stride 2
        Sample.of(Params.of(PoolType.MAX, 3, 3).withStride(2, 2), Shape.of(2, 2, 7, 7)),
        // max, full, padded: the last window overhangs
        Sample.of(Params.of(PoolType.MAX, 3, 3).withStride(2, 2).withPad(1, 1)
            .withConvention(full), Shape.of(2, 2, 6, 6)),
        // avg, full: the last window's divisor is 2 per dimension, not 3
        Sample.of(Params.of(PoolType.AVG, 3, 3).withStride(2, 2).withConvention(full),
            Shape.of(2, 2, 6, 6)),
        // avg, padded, count_include_pad=False: divides by the in-image count
        Sample.of(Params.of(PoolType.AVG, 3, 3).withPad(1, 1).withCountIncludePad(false),
            Shape.of(2, 2, 5, 5)),
        // avg, asymmetric kernel and padding, count_include_pad=True given explicitly
        Sample.of(Params.of(PoolType.AVG, 2, 3).withStride(2, 2).withPad(1, 2)
            .withCountIncludePad(true), Shape.of(2, 3, 5, 6)),
        // sum with padding
        Sample.of(Params.of(PoolType.SUM, 2, 2).withPad(1, 1), Shape.of(2, 2, 5, 5)),
        // lp, p = 1 (a plain sum), 2 and 3
        Sample.of(Params.of(PoolType.LP, 2, 2).withPValue(1), Shape.of(2, 2, 4, 4)),
        Sample.of(Params.of(PoolType.LP, 2, 2).withStride(2, 2).withPValue(2),
            Shape.of(2, 2, 6, 6)),
        // (cube root near 0 is steep: positive data keeps the gradient check meaningful)
        Sample.of(Params.of(PoolType.LP, 3, 3).withStride(2, 2).withPad(1, 1).withPValue(3),
            Shape.of(2, 2, 5, 5)).domain(0, Domain.POSITIVE),
        // global max (no kernel) and global avg (the kernel is ignored)
        Sample.of(Params.global(PoolType.MAX), Shape.of(2, 3, 5, 6)),
        Sample.of(Params.of(PoolType.AVG, 2, 2).withGlobalPool(true).withCudnnOff(true),
            Shape.of(2, 3, 4, 5)),
        // 1-D max with stride and padding
        Sample.of(Params.of(PoolType.MAX, 3).withStride(2).withPad(1), Shape.of(2, 3, 9)),
        // 1-D avg, 'same': ceil(7/2) = 4 windows, the last one clipped to one element
        Sample.of(Params.of(PoolType.AVG, 3).withStride(2)
            .withConvention(PoolingConvention.SAME), Shape.of(2, 2, 7)),
        // 1-D avg, full with stride > kernel: the last window is empty (output 0)
        Sample.of(Params.of(PoolType.AVG, 1).withStride(3).withConvention(full),
            Shape.of(2, 2, 5)),
        // channel-last layouts
        Sample.of(Params.of(PoolType.MAX, 3, 3).withStride(2, 2).withPad(1, 1)
            .withConvention(full).withLayout(PoolLayout.NHWC), Shape.of(2, 6, 6, 3)),
        Sample.of(Params.of(PoolType.AVG, 2).withLayout(PoolLayout.NWC), Shape.of(2, 7, 3)),
        // 3-D avg without counting the padding, and 3-D max, full
        Sample.of(Params.of(PoolType.AVG, 2, 2, 2).withStride(2, 2, 2).withPad(1, 1, 1)
            .withCountIncludePad(false), Shape.of(2, 2, 3, 3, 3)),
        Sample.of(Params.of(PoolType.MAX, 2, 2, 2).withStride(2, 2, 2).withConvention(full),
            Shape.of(2, 2, 3, 4, 3)));
  }
}
