package org.kindling.tensor.op.shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * {@code Reshape} (alias {@code reshape}): the same data under a new shape, with MXNet's special
 * values in {@code shape}: 0 copies the input dimension, -1 infers one dimension from the rest,
 * -2 copies all remaining dimensions, -3 merges two consecutive dimensions, -4 splits one
 * dimension into the next two values (one may be -1). {@code reverse} applies the rules from the
 * right. The deprecated {@code target_shape} (0 = infer) and {@code keep_highest} are honoured
 * when {@code shape} is empty.
 */
@AutoService(OpDef.class)
public final class Reshape extends ReshapeLike<Reshape.Params> {
  static final Param<int[]> SHAPE = Param.tupleParam("shape", new int[0]);
  static final Param<Boolean> REVERSE = Param.boolParam("reverse", false);
  static final Param<int[]> TARGET_SHAPE = Param.tupleParam("target_shape", new int[0]);
  static final Param<Boolean> KEEP_HIGHEST = Param.boolParam("keep_highest", false);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Reshape OP = new Reshape();

  /**
   * Parameters of {@code Reshape}.
   *
   * @param shape {@code shape}, with special values 0, -1, -2, -3, -4
   * @param reverse {@code reverse}
   * @param targetShape {@code target_shape} (deprecated)
   * @param keepHighest {@code keep_highest} (deprecated)
   */
  public record Params(int[] shape, boolean reverse, int[] targetShape, boolean keepHighest) {
    /** Copies the arrays. */
    public Params {
      shape = shape.clone();
      targetShape = targetShape.clone();
    }

    /** Reshape to {@code shape} (special values allowed). */
    public static Params of(int... shape) {
      return new Params(shape, false, new int[0], false);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public int[] targetShape() {
      return targetShape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(shape, q.shape)
          && reverse == q.reverse && Arrays.equals(targetShape, q.targetShape)
          && keepHighest == q.keepHighest;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape) * 31 + Arrays.hashCode(targetShape);
    }

    @Override
    public String toString() {
      return "Params[shape=" + AttrSyntax.formatTuple(shape) + ", reverse=" + reverse + "]";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Reshape() {
    super("Reshape", List.of("reshape"), Params.class,
        List.of(SHAPE, REVERSE, TARGET_SHAPE, KEEP_HIGHEST));
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(Sample.of(Params.of(4, -1), Shape.of(2, 3, 4)),
        Sample.of(Params.of(0, -3), Shape.of(2, 3, 4)),
        Sample.of(Params.of(-4, 1, 2, -2), Shape.of(2, 3, 4)));
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d != null) {
      s.assignOut(0, outputShape(p, d));
    }
  }

  /**
   * The output shape for input {@code d}, by MXNet's {@code InferReshapeShape}.
   *
   * @throws IllegalArgumentException if the special values cannot be applied or sizes differ
   */
  public static Shape outputShape(Params p, Shape d) {
    Shape out;
    if (p.shape.length > 0) {
      out = inferShape(p.shape, d, p.reverse);
    } else if (p.targetShape.length > 0) {
      out = legacyTargetShape(p, d);
    } else {
      throw new IllegalArgumentException("one of shape or target_shape must be given");
    }
    if (out.size() != d.size()) {
      throw new IllegalArgumentException(
          "target shape " + out + " (from shape=" + AttrSyntax.formatTuple(p.shape)
              + ") has a different size than the input " + d);
    }
    return out;
  }

  private static Shape inferShape(int[] spec, Shape d, boolean reverse) {
    List<Integer> src = new ArrayList<>();
    for (int v : d.dims()) {
      src.add(v);
    }
    List<Integer> param = new ArrayList<>();
    for (int v : spec) {
      param.add(v);
    }
    if (reverse) {
      Collections.reverse(src);
      Collections.reverse(param);
    }
    List<Integer> out = new ArrayList<>();
    int srcIdx = 0;
    int infIdx = -1;
    for (int i = 0; i < param.size(); i++) {
      int v = param.get(i);
      if (v == 0) {
        requireSource(srcIdx, src, spec, "0");
        out.add(src.get(srcIdx++));
      } else if (v == -1) {
        if (infIdx >= 0) {
          throw new IllegalArgumentException(
              "shape " + AttrSyntax.formatTuple(spec) + " has more than one -1");
        }
        infIdx = out.size();
        out.add(1);
        srcIdx++;
      } else if (v == -2) {
        while (srcIdx < src.size()) {
          out.add(src.get(srcIdx++));
        }
      } else if (v == -3) {
        requireSource(srcIdx + 1, src, spec, "-3");
        out.add(src.get(srcIdx) * src.get(srcIdx + 1));
        srcIdx += 2;
      } else if (v == -4) {
        if (i + 2 >= param.size()) {
          throw new IllegalArgumentException(
              "shape " + AttrSyntax.formatTuple(spec) + ": -4 must be followed by two values");
        }
        requireSource(srcIdx, src, spec, "-4");
        int d0 = src.get(srcIdx++);
        int d1 = param.get(++i);
        int d2 = param.get(++i);
        if (d1 == -1 && d2 == -1) {
          throw new IllegalArgumentException("split dims after -4 cannot both be -1");
        }
        if (d1 == -1) {
          d1 = d2 == 0 ? 0 : d0 / d2;
        }
        if (d2 == -1) {
          d2 = d1 == 0 ? 0 : d0 / d1;
        }
        if ((long) d1 * d2 != d0 || d1 < 0 || d2 < 0) {
          throw new IllegalArgumentException(
              "split dims " + d1 + ", " + d2 + " do not divide input dim " + d0);
        }
        out.add(d1);
        out.add(d2);
      } else if (v > 0) {
        out.add(v);
        srcIdx++;
      } else {
        throw new IllegalArgumentException(
            "shape " + AttrSyntax.formatTuple(spec) + " has an invalid value " + v);
      }
    }
    if (infIdx >= 0) {
      long known = 1;
      for (int x : out) {
        known *= x;
      }
      if (known == 0 || d.size() % known != 0) {
        throw new IllegalArgumentException(
            "cannot infer the -1 in shape " + AttrSyntax.formatTuple(spec) + " for input " + d);
      }
      out.set(infIdx, (int) (d.size() / known));
    }
    if (reverse) {
      Collections.reverse(out);
    }
    int[] dims = new int[out.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = out.get(i);
    }
    return Shape.of(dims);
  }

  private static void requireSource(int idx, List<Integer> src, int[] spec, String what) {
    if (idx >= src.size()) {
      throw new IllegalArgumentException(
          "shape " + AttrSyntax.formatTuple(spec) + ": " + what + " refers past the input's "
              + src.size() + " dimensions");
    }
  }

  private static Shape legacyTargetShape(Params p, Shape d) {
    int[] out = p.targetShape.clone();
    int start = 0;
    if (p.keepHighest) {
      out[0] = d.get(0);
      start = 1;
    }
    int zeros = 0;
    int inf = -1;
    for (int i = start; i < out.length; i++) {
      if (out[i] == 0) {
        zeros++;
        inf = i;
      }
    }
    if (zeros == 1) {
      out[inf] = 1;
      long known = Shape.of(out).size();
      out[inf] = (int) (d.size() / known);
    }
    return Shape.of(out);
  }
}
