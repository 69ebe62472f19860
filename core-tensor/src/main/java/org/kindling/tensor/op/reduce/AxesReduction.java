package org.kindling.tensor.op.reduce;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * A reduction of one input over a set of axes with one of the {@link ReduceKind} reducers: the
 * shape rule of MXNet's {@code ReduceAxesShapeImpl}, one float32 kernel (forward and the
 * broadcast-back gradient) and the float64 reference. Input {@code data}, one output.
 *
 * @param <P> the parameter record
 */
abstract class AxesReduction<P extends Record> extends OpDef<P> {
  AxesReduction(String name, List<String> aliases, Class<P> type, List<Param<?>> params) {
    super(name, aliases, type, params);
  }

  /** The reducer. */
  abstract ReduceKind kind(P p);

  /** The {@code axis} parameter (null for None). */
  abstract int[] axis(P p);

  /** The {@code keepdims} parameter. */
  abstract boolean keepdims(P p);

  /** The {@code exclude} parameter (false where the operator has none). */
  boolean exclude(P p) {
    return false;
  }

  @Override
  public final List<String> inputNames(P p) {
    return List.of("data");
  }

  @Override
  public void inferShape(P p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    ReduceKind k = kind(p);
    if ((k == ReduceKind.MAX || k == ReduceKind.MIN) && d.size() == 0) {
      throw new IllegalArgumentException("reduction input's size should be > 0, got " + d);
    }
    s.assignOut(0, outputShape(d, axis(p), keepdims(p), exclude(p)));
  }

  @Override
  public BackwardDeps backwardDeps(P p) {
    return kind(p).gradientUsesData()
        ? new BackwardDeps(true, java.util.Set.of(0), java.util.Set.of(0))
        : BackwardDeps.gradientsOnly();
  }

  /**
   * Which axes of {@code in} are reduced: those in {@code axis} (or, with {@code exclude}, those
   * not in it); every axis when {@code axis} is None or empty, as MXNet (even with exclude).
   *
   * @throws IllegalArgumentException for axes out of range or repeated
   */
  static boolean[] reducedAxes(Shape in, int[] axis, boolean exclude) {
    int n = in.ndim();
    boolean[] red = new boolean[n];
    if (axis == null || axis.length == 0) {
      Arrays.fill(red, true);
      return red;
    }
    boolean[] listed = new boolean[n];
    for (int a : axis) {
      int b = a < 0 ? a + n : a;
      if (b < 0 || b >= n) {
        throw new IllegalArgumentException("reduction axis " + a + " is out of range for "
            + in + " (axis=" + AttrSyntax.formatTuple(axis) + ")");
      }
      if (listed[b]) {
        throw new IllegalArgumentException("reduction axes have duplicates: axis="
            + AttrSyntax.formatTuple(axis) + " for " + in);
      }
      listed[b] = true;
    }
    for (int i = 0; i < n; i++) {
      red[i] = listed[i] != exclude;
    }
    return red;
  }

  /** MXNet's {@code ReduceAxesShapeImpl}. */
  static Shape outputShape(Shape in, int[] axis, boolean keepdims, boolean exclude) {
    boolean[] red = reducedAxes(in, axis, exclude);
    int n = in.ndim();
    if (axis == null || axis.length == 0) {
      int[] ones = new int[keepdims ? n : 1];
      Arrays.fill(ones, 1);
      return Shape.of(ones);
    }
    if (keepdims) {
      int[] dims = in.dims();
      for (int i = 0; i < n; i++) {
        if (red[i]) {
          dims[i] = 1;
        }
      }
      return Shape.of(dims);
    }
    int kept = 0;
    for (boolean r : red) {
      kept += r ? 0 : 1;
    }
    // without keepdims at least one axis remains: reducing every listed axis gives (1,)
    int[] dims = new int[Math.max(1, kept)];
    Arrays.fill(dims, 1);
    for (int i = 0, j = 0; i < n; i++) {
      if (!red[i]) {
        dims[j++] = in.get(i);
      }
    }
    return Shape.of(dims);
  }

  @Override
  public List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.inTypes()[0] == DType.FLOAT32
        ? new Cpu(kind(p), ReduceLayout.of(sig.in(0), reducedAxes(sig.in(0), axis(p),
            exclude(p))))
        : null));
  }

  /** Float32 input; the output is written in its own type (norm's {@code out_dtype}). */
  private record Cpu(ReduceKind kind, ReduceLayout layout) implements Kernel {
    @Override
    public long workspaceBytes() {
      return layout.workspaceBytes();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      IntBuffer off = layout.offsets(ctx.workspace());
      if (layout.inner > 1) {
        forwardLanes(off, in[0].floats(), out[0]);
        return;
      }
      FloatBuffer x = in[0].floats();
      TensorView y = out[0];
      FloatBuffer yf = y.dtype() == DType.FLOAT32 ? y.floats() : null;
      int m = layout.m;
      float[] chunk = new float[Math.min(ReduceLayout.CHUNK, Math.max(1, m))];
      ReduceKind.Acc acc = new ReduceKind.Acc(kind);
      for (int o = 0; o < layout.outCount; o++) {
        int base = layout.base(o);
        acc.reset();
        for (int k0 = 0; k0 < m; k0 += chunk.length) {
          int len = Math.min(chunk.length, m - k0);
          layout.gather(x, base, off, k0, len, chunk);
          acc.feed(chunk, len);
        }
        float r = acc.result(m);
        if (yf != null) {
          yf.put(o, r);
        } else {
          y.setDouble(o, r);
        }
      }
    }

    /** Outputs side by side: one sequential input row per reduced index. */
    private void forwardLanes(IntBuffer off, FloatBuffer x, TensorView y) {
      int inner = layout.inner;
      int m = layout.m;
      int cap = Math.min(ReduceLayout.CHUNK, inner);
      ReduceKind.Lanes lanes = new ReduceKind.Lanes(kind, cap);
      float[] row = new float[cap];
      float[] res = new float[cap];
      for (int o = 0; o < layout.outCount / inner; o++) {
        int base = layout.outerBase(o);
        for (int j0 = 0; j0 < inner; j0 += cap) {
          int len = Math.min(cap, inner - j0);
          lanes.reset(len);
          for (int k = 0; k < m; k++) {
            x.get(base + ReduceLayout.offset(off, k) + j0, row, 0, len);
            lanes.feed(row, len);
          }
          for (int j = 0; j < len; j++) {
            res[j] = lanes.result(j, m);
          }
          write(y, o * inner + j0, res, len);
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (!a.wants(0)) {
        return;
      }
      IntBuffer off = layout.offsets(ctx.workspace());
      TensorView dy = a.outGrad()[0];
      boolean useData = kind.gradientUsesData();
      FloatBuffer x = useData ? a.in()[0].floats() : null;
      TensorView y = useData ? a.out()[0] : null;
      FloatBuffer dx = a.inGrad()[0].floats();
      boolean add = a.adds(0);
      int m = layout.m;
      if (layout.inner > 1) {
        backwardLanes(off, dy, x, y, dx, add);
        return;
      }
      float[] xs = new float[Math.min(ReduceLayout.CHUNK, Math.max(1, m))];
      float[] g = new float[xs.length];
      float[] scratch = new float[xs.length];
      for (int o = 0; o < layout.outCount; o++) {
        int base = layout.base(o);
        float dyo = (float) dy.getDouble(o);
        float yo = useData ? (float) y.getDouble(o) : 0f;
        for (int k0 = 0; k0 < m; k0 += xs.length) {
          int len = Math.min(xs.length, m - k0);
          if (useData) {
            layout.gather(x, base, off, k0, len, xs);
          }
          for (int j = 0; j < len; j++) {
            g[j] = dyo * kind.grad(xs[j], yo, m);
          }
          layout.scatter(g, len, dx, base, off, k0, add, scratch);
        }
      }
    }

    private void backwardLanes(IntBuffer off, TensorView dy, FloatBuffer x, TensorView y,
        FloatBuffer dx, boolean add) {
      int inner = layout.inner;
      int m = layout.m;
      int cap = Math.min(ReduceLayout.CHUNK, inner);
      float[] dys = new float[cap];
      float[] ys = new float[cap];
      float[] xs = new float[cap];
      float[] g = new float[cap];
      for (int o = 0; o < layout.outCount / inner; o++) {
        int base = layout.outerBase(o);
        for (int j0 = 0; j0 < inner; j0 += cap) {
          int len = Math.min(cap, inner - j0);
          read(dy, o * inner + j0, dys, len);
          if (x != null) {
            read(y, o * inner + j0, ys, len);
          }
          for (int k = 0; k < m; k++) {
            int at = base + ReduceLayout.offset(off, k) + j0;
            if (x != null) {
              x.get(at, xs, 0, len);
            }
            for (int j = 0; j < len; j++) {
              g[j] = dys[j] * kind.grad(xs[j], ys[j], m);
            }
            if (add) {
              dx.get(at, xs, 0, len);
              for (int j = 0; j < len; j++) {
                g[j] += xs[j];
              }
            }
            dx.put(at, g, 0, len);
          }
        }
      }
    }

    private static void read(TensorView v, int from, float[] dst, int len) {
      if (v.dtype() == DType.FLOAT32) {
        v.floats().get(from, dst, 0, len);
      } else {
        for (int j = 0; j < len; j++) {
          dst[j] = (float) v.getDouble(from + j);
        }
      }
    }

    private static void write(TensorView v, int from, float[] src, int len) {
      if (v.dtype() == DType.FLOAT32) {
        v.floats().put(from, src, 0, len);
      } else {
        for (int j = 0; j < len; j++) {
          v.setDouble(from + j, src[j]);
        }
      }
    }
  }

  @Override
  public double[][] reference(P p, Shape[] inShapes, double[][] in, boolean train) {
    boolean[] red = reducedAxes(inShapes[0], axis(p), exclude(p));
    double[][] groups = ReduceLayout.groups(inShapes[0], red, in[0]);
    double[] y = new double[groups.length];
    for (int o = 0; o < y.length; o++) {
      y[o] = kind(p).reference(groups[o]);
    }
    return new double[][] {y};
  }
}
