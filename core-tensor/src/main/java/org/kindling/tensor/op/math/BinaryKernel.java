package org.kindling.tensor.op.math;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.kindling.tensor.kernel.Broadcast;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;

/**
 * The float32 kernel of the two-operand families ({@code elemwise_*}, {@code _*} and
 * {@code broadcast_*}): {@code out = lhs (op) rhs} walked row by row along a {@link Broadcast}
 * plan (one row for equal shapes). The backward pass computes {@code dy * gradA} and
 * {@code dy * gradB} per output element; an operand that was broadcast has its gradient summed
 * over the broadcast axes (MXNet's {@code ReduceToShape}), in double in the workspace, and an
 * operand of the output's shape is written directly.
 *
 * <p>Short rows in which one operand repeats unchanged while the other has the output's shape
 * ({@code (N, 4) + (4,)}) are processed many rows per chunk, the repeating operand tiled once per
 * call, so that per-row overhead does not dominate.
 *
 * <p>The output may share either operand's buffer when their shapes are equal (MXNet's in-place
 * options {0,0} and {1,0}): each chunk is read before it is written. When both gradients are one
 * buffer ({@code op(x, x)}: write then add), the left one is completed first per element.
 */
final class BinaryKernel implements Kernel {
  private final BinaryFn fn;
  private final Broadcast plan;
  private final boolean readsOperands;
  /** 0: row by row; 1: the left operand repeats every row; 2: the right one does. */
  private final int tiled;

  BinaryKernel(BinaryFn fn, Broadcast plan) {
    this.fn = fn;
    this.plan = plan;
    this.readsOperands = fn.gradientReadsOperands();
    int t = 0;
    if (plan.rows() > 1 && plan.rowLength() > 0 && plan.rowLength() <= Broadcast.CHUNK / 4) {
      if (!plan.rhsBroadcast() && plan.lhsRowInvariant()) {
        t = 1;
      } else if (!plan.lhsBroadcast() && plan.rhsRowInvariant()) {
        t = 2;
      }
    }
    this.tiled = t;
  }

  /** Elements per tiled chunk: whole rows. */
  private int tileLength() {
    return Broadcast.CHUNK / plan.rowLength() * plan.rowLength();
  }

  /** The repeating operand's row, tiled over a chunk. */
  private float[] pattern(FloatBuffer a, FloatBuffer b) {
    int len = plan.rowLength();
    float[] pat = new float[tileLength()];
    if (tiled == 1) {
      Broadcast.load(a, 0, plan.lhsStep(), 0, pat, len);
    } else {
      Broadcast.load(b, 0, plan.rhsStep(), 0, pat, len);
    }
    for (int k = len; k < pat.length; k += len) {
      System.arraycopy(pat, 0, pat, k, len);
    }
    return pat;
  }

  @Override
  public long workspaceBytes() {
    if (fn.logic()) {
      return 0;
    }
    long n = (plan.lhsBroadcast() ? plan.lhs().size() : 0)
        + (plan.rhsBroadcast() ? plan.rhs().size() : 0);
    return n * Double.BYTES;
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    FloatBuffer a = in[0].floats();
    FloatBuffer b = in[1].floats();
    FloatBuffer y = out[0].floats();
    if (tiled != 0) {
      float[] pat = pattern(a, b);
      FloatBuffer full = tiled == 1 ? b : a;
      float[] x = new float[pat.length];
      int total = plan.out().intSize();
      for (int start = 0; start < total; start += pat.length) {
        int m = Math.min(pat.length, total - start);
        full.get(start, x, 0, m);
        if (tiled == 1) {
          fn.map(pat, x, x, m);
        } else {
          fn.map(x, pat, x, m);
        }
        y.put(start, x, 0, m);
      }
      return;
    }
    int len = plan.rowLength();
    int chunk = Math.min(Broadcast.CHUNK, len);
    float[] x = new float[chunk];
    float[] z = new float[chunk];
    for (int r = 0; r < plan.rows(); r++) {
      int lo = plan.lhsOffset(r);
      int ro = plan.rhsOffset(r);
      int oo = r * len;
      for (int s = 0; s < len; s += chunk) {
        int n = Math.min(chunk, len - s);
        Broadcast.load(a, lo, plan.lhsStep(), s, x, n);
        Broadcast.load(b, ro, plan.rhsStep(), s, z, n);
        fn.map(x, z, z, n);
        y.put(oo + s, z, 0, n);
      }
    }
  }

  @Override
  public void backward(OpContext ctx, BackwardArgs args) {
    boolean wantL = args.wants(0);
    boolean wantR = args.wants(1);
    if (fn.logic()) {
      // MakeZeroGradNodes: comparisons pass no gradient
      args.zeroUnlessAdding(0);
      args.zeroUnlessAdding(1);
      return;
    }
    if (!wantL && !wantR) {
      return;
    }
    FloatBuffer dy = args.outGrad()[0].floats();
    FloatBuffer a = readsOperands ? args.in()[0].floats() : null;
    FloatBuffer b = readsOperands ? args.in()[1].floats() : null;
    FloatBuffer dl = wantL ? args.inGrad()[0].floats() : null;
    FloatBuffer dr = wantR ? args.inGrad()[1].floats() : null;
    boolean addL = args.adds(0);
    boolean addR = args.adds(1);
    boolean sumL = wantL && plan.lhsBroadcast();
    boolean sumR = wantR && plan.rhsBroadcast();
    int lsize = plan.lhs().intSize();
    int rsize = plan.rhs().intSize();
    DoubleBuffer ws = ctx.workspace().duplicate().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    DoubleBuffer accL = null;
    DoubleBuffer accR = null;
    if (sumL) {
      accL = ws.slice(0, lsize);
      Broadcast.zero(accL, lsize);
    }
    if (sumR) {
      accR = ws.slice(plan.lhsBroadcast() ? lsize : 0, rsize);
      Broadcast.zero(accR, rsize);
    }
    if (tiled != 0) {
      backwardTiled(args, dy, a, b, accL, accR);
    } else {
      backwardRows(args, dy, a, b, accL, accR);
    }
    if (sumL) {
      Broadcast.store(accL, dl, lsize, addL);
    }
    if (sumR) {
      Broadcast.store(accR, dr, rsize, addR);
    }
  }

  /** Row by row; broadcast operands' gradients are summed into their accumulators. */
  private void backwardRows(BackwardArgs args, FloatBuffer dy, FloatBuffer a, FloatBuffer b,
      DoubleBuffer accL, DoubleBuffer accR) {
    boolean wantL = args.wants(0);
    boolean wantR = args.wants(1);
    FloatBuffer dl = wantL ? args.inGrad()[0].floats() : null;
    FloatBuffer dr = wantR ? args.inGrad()[1].floats() : null;
    boolean addL = args.adds(0);
    boolean addR = args.adds(1);
    boolean sumL = accL != null;
    boolean sumR = accR != null;
    int len = plan.rowLength();
    int chunk = Math.min(Broadcast.CHUNK, len);
    float[] g = new float[chunk];
    float[] x = new float[chunk];
    float[] z = new float[chunk];
    float[] gl = new float[chunk];
    float[] gr = new float[chunk];
    float[] old = new float[chunk];
    for (int r = 0; r < plan.rows(); r++) {
      int lo = plan.lhsOffset(r);
      int ro = plan.rhsOffset(r);
      int oo = r * len;
      for (int s = 0; s < len; s += chunk) {
        int n = Math.min(chunk, len - s);
        dy.get(oo + s, g, 0, n);
        if (readsOperands) {
          Broadcast.load(a, lo, plan.lhsStep(), s, x, n);
          Broadcast.load(b, ro, plan.rhsStep(), s, z, n);
        }
        if (wantL) {
          for (int j = 0; j < n; j++) {
            gl[j] = g[j] * fn.gradA(x[j], z[j]);
          }
          if (sumL) {
            Broadcast.accumulate(accL, lo, plan.lhsStep(), s, gl, n);
          } else {
            put(dl, oo + s, gl, old, n, addL);
          }
        }
        if (wantR) {
          for (int j = 0; j < n; j++) {
            gr[j] = g[j] * fn.gradB(x[j], z[j]);
          }
          if (sumR) {
            Broadcast.accumulate(accR, ro, plan.rhsStep(), s, gr, n);
          } else {
            put(dr, oo + s, gr, old, n, addR);
          }
        }
      }
    }
  }

  /**
   * Many rows per chunk: one operand has the output's shape (its gradient is written directly),
   * the other repeats every row (its gradient is summed per position of the row).
   */
  private void backwardTiled(BackwardArgs args, FloatBuffer dy, FloatBuffer a, FloatBuffer b,
      DoubleBuffer accL, DoubleBuffer accR) {
    int full = tiled == 1 ? 1 : 0; // the operand of the output's shape
    int rep = 1 - full;
    boolean wantFull = args.wants(full);
    boolean wantRep = args.wants(rep);
    FloatBuffer dFull = wantFull ? args.inGrad()[full].floats() : null;
    boolean addFull = args.adds(full);
    float[] pat = readsOperands ? pattern(a, b) : new float[tileLength()];
    FloatBuffer fullIn = full == 0 ? a : b;
    int len = plan.rowLength();
    int repStep = rep == 0 ? plan.lhsStep() : plan.rhsStep();
    double[] sums = new double[len];
    float[] g = new float[pat.length];
    float[] x = new float[pat.length];
    float[] gf = new float[pat.length];
    float[] old = new float[pat.length];
    int total = plan.out().intSize();
    for (int start = 0; start < total; start += pat.length) {
      int m = Math.min(pat.length, total - start);
      dy.get(start, g, 0, m);
      if (readsOperands) {
        fullIn.get(start, x, 0, m);
      }
      if (wantFull) {
        for (int j = 0; j < m; j++) {
          gf[j] = g[j] * (full == 0 ? fn.gradA(x[j], pat[j]) : fn.gradB(pat[j], x[j]));
        }
        put(dFull, start, gf, old, m, addFull);
      }
      if (wantRep) {
        for (int j = 0; j < m; j++) {
          float d = g[j] * (rep == 0 ? fn.gradA(pat[j], x[j]) : fn.gradB(x[j], pat[j]));
          sums[j % len] += d;
        }
      }
    }
    if (wantRep) {
      DoubleBuffer acc = rep == 0 ? accL : accR;
      if (repStep == 1) {
        for (int j = 0; j < len; j++) {
          acc.put(j, sums[j]);
        }
      } else {
        double s = 0;
        for (double v : sums) {
          s += v;
        }
        acc.put(0, s);
      }
    }
  }

  /** Writes (or adds) {@code n} values at {@code offset}; {@code tmp} is scratch. */
  static void put(FloatBuffer dst, int offset, float[] v, float[] tmp, int n, boolean add) {
    if (add) {
      dst.get(offset, tmp, 0, n);
      for (int j = 0; j < n; j++) {
        tmp[j] += v[j];
      }
      dst.put(offset, tmp, 0, n);
    } else {
      dst.put(offset, v, 0, n);
    }
  }
}
