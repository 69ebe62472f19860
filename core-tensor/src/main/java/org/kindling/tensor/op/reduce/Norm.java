package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.DTypeEnum;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code norm} (alias {@code _sparse_norm}): the L1 ({@code ord=1}, sum of absolute values) or L2
 * ({@code ord=2}, default) norm over {@code axis} (None: every element, output {@code (1,)}; two
 * axes: the Frobenius norm of the matrices they hold), with {@code keepdims}. {@code out_dtype}
 * sets the output type (default: the input's). The L2 norm follows mshadow's {@code nrm2}: a
 * running scale and a scaled sum of squares, so it never overflows, but two infinite elements give
 * NaN, as in MXNet. Gradients: {@code dy * sign(x)} (L1), {@code dy * x / y} (L2).
 */
@AutoService(OpDef.class)
public final class Norm extends AxesReduction<Norm.Params> {
  /** MXNet's {@code out_dtype} values. */
  public enum OutDType implements DTypeEnum {
    FLOAT16,
    FLOAT32,
    FLOAT64,
    INT64,
    INT32,
    INT8
  }

  static final Param<Integer> ORD =
      Param.intParam("ord", 2).checked(v -> v == 1 || v == 2, "1 or 2 (MXNet supports no other)");
  static final Param<int[]> AXIS = Param.tupleParam("axis", new int[0]).optional();
  static final Param<OutDType> OUT_DTYPE =
      Param.enumParam("out_dtype", OutDType.class, OutDType.FLOAT32).optional();
  static final Param<Boolean> KEEPDIMS = Param.boolParam("keepdims", false);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Norm OP = new Norm();

  /**
   * Parameters of {@code norm}, in MXNet's order.
   *
   * @param ord {@code ord}: 1 or 2
   * @param axis {@code axis}: axes to reduce, null (None) for all
   * @param outDtype {@code out_dtype}: output type, null (None) for the input's
   * @param keepdims {@code keepdims}
   */
  public record Params(int ord, int[] axis, OutDType outDtype, boolean keepdims) {
    /** Checks {@code ord} and copies the axes. */
    public Params {
      ORD.validate(ord);
      axis = axis == null ? null : axis.clone();
    }

    /** The L2 norm of every element (MXNet's defaults). */
    public static Params defaults() {
      return new Params(2, null, null, false);
    }

    /** A copy with {@code ord} set. */
    public Params withOrd(int v) {
      return new Params(v, axis, outDtype, keepdims);
    }

    /** A copy with {@code axis} set. */
    public Params withAxis(int... v) {
      return new Params(ord, v, outDtype, keepdims);
    }

    /** A copy with {@code keepdims} set. */
    public Params withKeepdims(boolean v) {
      return new Params(ord, axis, outDtype, v);
    }

    /** A copy with {@code out_dtype} set. */
    public Params withOutDtype(OutDType v) {
      return new Params(ord, axis, v, keepdims);
    }

    @Override
    public int[] axis() {
      return axis == null ? null : axis.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && ord == q.ord && Arrays.equals(axis, q.axis)
          && outDtype == q.outDtype && keepdims == q.keepdims;
    }

    @Override
    public int hashCode() {
      return (ord * 31 + Arrays.hashCode(axis)) * 31 + (keepdims ? 1 : 0);
    }

    @Override
    public String toString() {
      return "(ord=" + ord + ", axis=" + (axis == null ? "None" : AttrSyntax.formatTuple(axis))
          + ", out_dtype=" + (outDtype == null ? "None" : outDtype.mxName()) + ", keepdims="
          + keepdims + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Norm() {
    super("norm", List.of("_sparse_norm"), Params.class, List.of(ORD, AXIS, OUT_DTYPE, KEEPDIMS));
  }

  @Override
  ReduceKind kind(Params p) {
    return p.ord() == 1 ? ReduceKind.NORM1 : ReduceKind.NORM2;
  }

  @Override
  int[] axis(Params p) {
    return p.axis();
  }

  @Override
  boolean keepdims(Params p) {
    return p.keepdims();
  }

  /** MXNet's {@code NormType}: {@code out_dtype} if set, else the input type both ways. */
  @Override
  public void inferType(Params p, TypeSlots t) {
    if (p.outDtype() != null) {
      t.assignOut(0, p.outDtype().dtype());
    } else {
      t.allSame();
    }
  }

  @Override
  public List<Sample<Params>> samples() {
    Params d = Params.defaults();
    return List.of(
        Sample.of(d, Shape.of(3, 4)),
        Sample.of(d.withOrd(1), Shape.of(3, 4)),
        Sample.of(d.withAxis(1), Shape.of(2, 3, 4)),
        Sample.of(d.withOrd(1).withAxis(-1).withKeepdims(true), Shape.of(2, 5)),
        Sample.of(d.withAxis(0, 2), Shape.of(3, 2, 4)),
        Sample.of(d.withAxis(0).withKeepdims(true), Shape.of(4, 3)),
        Sample.of(d.withOutDtype(OutDType.FLOAT32).withAxis(1), Shape.of(2, 3)));
  }
}
