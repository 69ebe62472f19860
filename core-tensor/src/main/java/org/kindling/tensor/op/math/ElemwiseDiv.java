package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code elemwise_div} (aliases _sparse_elemwise_div, _div, _Div): {@code lhs / rhs} (IEEE
 * division); gradients {@code dy / rhs}, {@code -dy lhs / rhs^2}. Element-wise on two inputs of one
 * shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseDiv extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseDiv OP = new ElemwiseDiv();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseDiv() {
    super("elemwise_div", List.of("_sparse_elemwise_div", "_div", "_Div"), BinaryFn.DIV);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).domain(1, Domain.POSITIVE),
        Sample.of(NoParams.NONE, Shape.of(2, 5), Shape.of(2, 5)).domain(1, Domain.range(-3, -0.5)),
        Sample.of(NoParams.NONE, Shape.of(5000), Shape.of(5000)).domain(1, Domain.POSITIVE));
  }
}
