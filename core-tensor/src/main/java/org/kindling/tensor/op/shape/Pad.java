package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code Pad} (alias {@code pad}): pads a 4-D {@code (N, C, H, W)} or 5-D
 * {@code (N, C, D, H, W)} input on its spatial axes, as MXNet's implementation requires.
 * {@code pad_width} is {@code (before_0, after_0, ..., before_{n-1}, after_{n-1})}, with zeros
 * for the first two axes. Modes: {@code constant} fills with {@code constant_value};
 * {@code edge} repeats the border element; {@code reflect} mirrors without repeating it
 * (numpy's {@code reflect}), which needs every pad smaller than its axis (MXNet checks only
 * the H and W pads of its 4-D shape rule and reads out of bounds otherwise; here every spatial
 * axis is checked). The gradient adds each output gradient back to the input element it came
 * from; padding constants get none.
 */
@AutoService(OpDef.class)
public final class Pad extends OpDef<Pad.Params> {
  /** MXNet's {@code mode} values. */
  public enum Mode implements MxEnum {
    CONSTANT,
    EDGE,
    REFLECT
  }

  static final Param<Mode> MODE = Param.requiredEnum("mode", Mode.class);
  static final Param<int[]> PAD_WIDTH = Param.requiredTuple("pad_width");
  static final Param<Double> CONSTANT_VALUE = Param.doubleParam("constant_value", 0.0);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Pad OP = new Pad();

  /**
   * Parameters of {@code Pad}, in MXNet's order.
   *
   * @param mode {@code mode}
   * @param padWidth {@code pad_width}: before/after widths of every axis
   * @param constantValue {@code constant_value}: the fill of {@code constant} mode
   */
  public record Params(Mode mode, int[] padWidth, double constantValue) {
    /** Checks the mode and copies the widths. */
    public Params {
      MODE.validate(mode);
      padWidth = padWidth.clone();
    }

    /** {@code mode} padding by {@code widths}, constant 0. */
    public static Params of(Mode mode, int... widths) {
      return new Params(mode, widths, 0.0);
    }

    /** A copy with {@code constant_value} set. */
    public Params withConstant(double v) {
      return new Params(mode, padWidth, v);
    }

    @Override
    public int[] padWidth() {
      return padWidth.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && mode == q.mode && Arrays.equals(padWidth, q.padWidth)
          && Double.compare(constantValue, q.constantValue) == 0;
    }

    @Override
    public int hashCode() {
      return (mode.hashCode() * 31 + Arrays.hashCode(padWidth)) * 31
          + Double.hashCode(constantValue);
    }

    @Override
    public String toString() {
      return "(mode=" + mode.mxName() + ", pad_width=" + AttrSyntax.formatTuple(padWidth)
          + ", constant_value=" + constantValue + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Pad() {
    super("Pad", List.of("pad"), Params.class, List.of(MODE, PAD_WIDTH, CONSTANT_VALUE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  /** Checks the input rank and widths against MXNet's rules; returns the output shape. */
  static Shape outputShape(Params p, Shape d) {
    int n = d.ndim();
    int[] w = p.padWidth;
    if (n != 4 && n != 5) {
      throw new IllegalArgumentException("Pad supports only 4-D or 5-D input, got " + d);
    }
    if (w.length != 2 * n) {
      throw new IllegalArgumentException("pad_width=" + AttrSyntax.formatTuple(w) + " needs "
          + 2 * n + " entries (before and after for each axis of " + d + ")");
    }
    if (w[0] != 0 || w[1] != 0 || w[2] != 0 || w[3] != 0) {
      throw new IllegalArgumentException("Pad expects zero padding on the first two axes, got "
          + "pad_width=" + AttrSyntax.formatTuple(w));
    }
    int[] out = d.dims();
    for (int i = 2; i < n; i++) {
      if (w[2 * i] < 0 || w[2 * i + 1] < 0) {
        throw new IllegalArgumentException("pad widths must be >= 0, got pad_width="
            + AttrSyntax.formatTuple(w));
      }
      if (p.mode() == Mode.REFLECT && (w[2 * i] >= d.get(i) || w[2 * i + 1] >= d.get(i))) {
        throw new IllegalArgumentException("reflection padding supports only pad sizes smaller "
            + "than the input size: pad_width=" + AttrSyntax.formatTuple(w) + " for " + d);
      }
      out[i] += w[2 * i] + w[2 * i + 1];
    }
    return Shape.of(out);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    if (s.in(0) != null) {
      s.assignOut(0, outputShape(p, s.in(0)));
    }
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.gradientsOnly();
  }

  /**
   * For one spatial axis, the input index each output index reads, or -1 for the constant:
   * MXNet's per-mode formulas (reflect: {@code 2*before - o} before the data, {@code
   * 2*(len+before-1) - o} after it).
   */
  static int[] sourceMap(Mode mode, int len, int before, int after) {
    int[] map = new int[len + before + after];
    for (int o = 0; o < map.length; o++) {
      int x;
      if (o < before) {
        x = switch (mode) {
          case CONSTANT -> -1;
          case EDGE -> 0;
          case REFLECT -> 2 * before - o - before;
        };
      } else if (o < before + len) {
        x = o - before;
      } else {
        x = switch (mode) {
          case CONSTANT -> -1;
          case EDGE -> len - 1;
          case REFLECT -> 2 * (len + before - 1) - o - before;
        };
      }
      map[o] = x;
    }
    return map;
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32()
        ? new Cpu(p, sig.in(0), sig.out(0)) : null));
  }

  /** Per (n, c) slab: output element (z, y, x) reads input (mz[z], my[y], mx[x]). */
  private static final class Cpu implements DataGradientKernel {
    private final float constant;
    private final int slabs;
    private final int[] mz;
    private final int[] my;
    private final int[] mx;
    private final int inH;
    private final int inW;
    private final int inSlab;
    private final int outSlab;

    Cpu(Params p, Shape in, Shape out) {
      int[] w = p.padWidth();
      int n = in.ndim();
      constant = (float) p.constantValue();
      slabs = in.get(0) * in.get(1);
      mz = n == 5 ? sourceMap(p.mode(), in.get(2), w[4], w[5]) : new int[] {0};
      my = sourceMap(p.mode(), in.get(n - 2), w[2 * n - 4], w[2 * n - 3]);
      mx = sourceMap(p.mode(), in.get(n - 1), w[2 * n - 2], w[2 * n - 1]);
      inH = in.get(n - 2);
      inW = in.get(n - 1);
      inSlab = (int) in.sizeFrom(2);
      outSlab = (int) out.sizeFrom(2);
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      float[] row = new float[mx.length];
      for (int s = 0; s < slabs; s++) {
        int o = s * outSlab;
        for (int z : mz) {
          for (int yy : my) {
            int base = s * inSlab + (z * inH + yy) * inW;
            boolean inside = z >= 0 && yy >= 0;
            for (int j = 0; j < mx.length; j++) {
              row[j] = inside && mx[j] >= 0 ? x.get(base + mx[j]) : constant;
            }
            y.put(o, row, 0, row.length);
            o += row.length;
          }
        }
      }
    }

    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      a.zeroUnlessAdding(0);
      float[] row = new float[mx.length];
      for (int s = 0; s < slabs; s++) {
        int o = s * outSlab;
        for (int z : mz) {
          for (int yy : my) {
            dy.get(o, row, 0, row.length);
            o += row.length;
            if (z < 0 || yy < 0) {
              continue;
            }
            int base = s * inSlab + (z * inH + yy) * inW;
            for (int j = 0; j < mx.length; j++) {
              if (mx[j] >= 0) {
                dx.put(base + mx[j], dx.get(base + mx[j]) + row[j]);
              }
            }
          }
        }
      }
    }
  }

  /** numpy's definitions: clamp for edge, mirror (repeatedly) for reflect. */
  private static int numpySource(Mode mode, int o, int before, int len) {
    int i = o - before;
    if (i >= 0 && i < len) {
      return i;
    }
    return switch (mode) {
      case CONSTANT -> -1;
      case EDGE -> Math.max(0, Math.min(len - 1, i));
      case REFLECT -> {
        while (i < 0 || i >= len) {
          i = i < 0 ? -i : 2 * (len - 1) - i;
        }
        yield i;
      }
    };
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape d = inShapes[0];
    Shape out = outputShape(p, d);
    int[] od = out.dims();
    int[] w = p.padWidth();
    double[] y = new double[out.intSize()];
    for (int o = 0; o < y.length; o++) {
      int[] c = DataMovement.unravel(o, od);
      boolean constant = false;
      for (int i = 2; i < c.length; i++) {
        c[i] = numpySource(p.mode(), c[i], w[2 * i], d.get(i));
        constant |= c[i] < 0;
      }
      y[o] = constant ? p.constantValue() : in[0][DataMovement.ravel(c, d.dims())];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(Mode.CONSTANT, 0, 0, 0, 0, 1, 2, 2, 1).withConstant(1.5),
            Shape.of(1, 2, 3, 3)),
        Sample.of(Params.of(Mode.EDGE, 0, 0, 0, 0, 2, 1, 1, 3), Shape.of(2, 1, 2, 3)),
        Sample.of(Params.of(Mode.REFLECT, 0, 0, 0, 0, 2, 1, 1, 2), Shape.of(1, 2, 3, 3)),
        Sample.of(Params.of(Mode.CONSTANT, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1), Shape.of(1, 2, 2, 2, 3)),
        Sample.of(Params.of(Mode.EDGE, 0, 0, 0, 0, 1, 2, 1, 0, 0, 1), Shape.of(2, 1, 2, 2, 2)),
        Sample.of(Params.of(Mode.REFLECT, 0, 0, 0, 0, 1, 1, 2, 0, 1, 2), Shape.of(1, 1, 2, 3, 3)));
  }
}
