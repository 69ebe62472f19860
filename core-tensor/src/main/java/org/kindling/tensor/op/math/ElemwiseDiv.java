package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels.Binary;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code elemwise_div} (aliases _div, _Div): {@code lhs / rhs} (IEEE division), element-wise,
 * equal shapes.
 */
@AutoService(OpDef.class)
public final class ElemwiseDiv extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseDiv OP = new ElemwiseDiv();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseDiv() {
    super("elemwise_div", List.of("_div", "_Div"), Binary.DIVIDE);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4))
        .domain(1, Domain.POSITIVE));
  }
}
