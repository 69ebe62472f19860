package org.kindling.tensor.op.reduce;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code argmax}/{@code argmin} (MXNet's {@code MXNET_OPERATOR_REGISTER_REDUCE_AXIS}): the index
 * of the extreme element along {@code axis} (None: over the flattened input), as a value of the
 * input type (float32 indices for float32 data). Shape: the input without {@code axis} (kept as 1
 * with {@code keepdims}); {@code (1,)} for None or a 1-D input. The gradient is zero.
 *
 * <p>mshadow's {@code reduce_with_axis} rule: the first of equal extremes wins, and a NaN counts
 * as the extreme (the index of the first NaN is returned), since the running maximum becomes NaN
 * and stays so.
 */
abstract class SearchAxisOp extends OpDef<SearchAxisParams> {
  private final boolean max;

  SearchAxisOp(String name, boolean max) {
    super(name, List.of(), SearchAxisParams.class,
        List.of(SearchAxisParams.AXIS, SearchAxisParams.KEEPDIMS));
    this.max = max;
  }

  @Override
  public final List<String> inputNames(SearchAxisParams p) {
    return List.of("data");
  }

  /** MXNet's {@code ReduceAxisShapeImpl}. */
  static Shape outputShape(SearchAxisParams p, Shape in) {
    if (p.axis() == null || in.ndim() == 1) {
      int[] ones = new int[p.keepdims() ? in.ndim() : 1];
      Arrays.fill(ones, 1);
      if (p.axis() != null) {
        in.normalizeAxis(p.axis());
      }
      return Shape.of(ones);
    }
    int a = in.normalizeAxis(p.axis());
    int[] dims = in.dims();
    if (p.keepdims()) {
      dims[a] = 1;
      return Shape.of(dims);
    }
    int[] out = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != a) {
        out[j++] = dims[i];
      }
    }
    return Shape.of(out);
  }

  private static boolean[] reduced(SearchAxisParams p, Shape in) {
    boolean[] red = new boolean[in.ndim()];
    if (p.axis() == null) {
      Arrays.fill(red, true);
    } else {
      red[in.normalizeAxis(p.axis())] = true;
    }
    return red;
  }

  @Override
  public final void inferShape(SearchAxisParams p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    boolean[] red = reduced(p, d);
    for (int i = 0; i < red.length; i++) {
      if (red[i] && d.get(i) == 0) {
        throw new IllegalArgumentException("cannot search an axis of extent 0 in " + d);
      }
    }
    s.assignOut(0, outputShape(p, d));
  }

  @Override
  public final Gradient gradient(SearchAxisParams p) {
    return Gradient.ZERO;
  }

  @Override
  public final List<KernelFactory<SearchAxisParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32()
        ? new Cpu(max, ReduceLayout.of(sig.in(0), reduced(p, sig.in(0)))) : null));
  }

  /** Is {@code res} replaced by {@code x}? mshadow's maximum/minimum: never once it is NaN. */
  private static boolean replaces(boolean max, double res, double x) {
    return !Double.isNaN(res) && !(max ? res >= x : res <= x);
  }

  private record Cpu(boolean max, ReduceLayout layout) implements Kernel {
    @Override
    public long workspaceBytes() {
      return layout.workspaceBytes();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      IntBuffer off = layout.offsets(ctx.workspace());
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      int m = layout.m;
      if (layout.inner > 1) {
        forwardLanes(off, x, y);
        return;
      }
      float[] chunk = new float[Math.min(ReduceLayout.CHUNK, Math.max(1, m))];
      for (int o = 0; o < layout.outCount; o++) {
        int base = layout.base(o);
        float res = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        int idx = 0;
        for (int k0 = 0; k0 < m; k0 += chunk.length) {
          int len = Math.min(chunk.length, m - k0);
          layout.gather(x, base, off, k0, len, chunk);
          for (int j = 0; j < len; j++) {
            if (replaces(max, res, chunk[j])) {
              // the index moves when the running extreme changes from a number
              idx = k0 + j;
              res = chunk[j];
            }
          }
        }
        y.put(o, idx);
      }
    }

    /** Neighbouring outputs side by side, reading one sequential row per searched index. */
    private void forwardLanes(IntBuffer off, FloatBuffer x, FloatBuffer y) {
      int inner = layout.inner;
      int cap = Math.min(ReduceLayout.CHUNK, inner);
      float[] row = new float[cap];
      float[] res = new float[cap];
      float[] idx = new float[cap];
      for (int o = 0; o < layout.outCount / inner; o++) {
        int base = layout.outerBase(o);
        for (int j0 = 0; j0 < inner; j0 += cap) {
          int len = Math.min(cap, inner - j0);
          java.util.Arrays.fill(res, 0, len,
              max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
          java.util.Arrays.fill(idx, 0, len, 0f);
          for (int k = 0; k < layout.m; k++) {
            x.get(base + ReduceLayout.offset(off, k) + j0, row, 0, len);
            for (int j = 0; j < len; j++) {
              if (replaces(max, res[j], row[j])) {
                res[j] = row[j];
                idx[j] = k;
              }
            }
          }
          y.put(o * inner + j0, idx, 0, len);
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(0) && !a.adds(0)) {
        FloatKernels.zero(a.inGrad()[0].floats(), a.inGrad()[0].size());
      }
    }
  }

  @Override
  public final double[][] reference(SearchAxisParams p, Shape[] inShapes, double[][] in,
      boolean train) {
    double[][] groups = ReduceLayout.groups(inShapes[0], reduced(p, inShapes[0]), in[0]);
    double[] y = new double[groups.length];
    for (int o = 0; o < y.length; o++) {
      double res = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      int idx = 0;
      for (int k = 0; k < groups[o].length; k++) {
        double tmp = res;
        if (replaces(max, res, groups[o][k])) {
          res = groups[o][k];
        }
        if (tmp != res && !Double.isNaN(tmp)) {
          idx = k;
        }
      }
      y[o] = idx;
    }
    return new double[][] {y};
  }

  @Override
  public final List<Sample<SearchAxisParams>> samples() {
    return List.of(
        Sample.of(SearchAxisParams.flat(), Shape.of(3, 4)),
        Sample.of(SearchAxisParams.along(1), Shape.of(2, 3, 4)),
        Sample.of(SearchAxisParams.along(-1).withKeepdims(true), Shape.of(3, 5)),
        Sample.of(SearchAxisParams.along(0), Shape.of(4, 3)),
        Sample.of(SearchAxisParams.flat().withKeepdims(true), Shape.of(2, 3)),
        Sample.of(SearchAxisParams.along(0), Shape.of(6)));
  }

}
