package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code MAERegressionOutput} (alias {@code _sparse_MAERegressionOutput}): the mean absolute
 * error head. Forward returns the data; backward writes
 * {@code (data - label > 0 ? 1 : -1)·grad_scale/m}. See {@link RegressionOutput}.
 */
@AutoService(OpDef.class)
public final class MAERegressionOutput extends RegressionOutput {
  /** The operator. */
  public static final MAERegressionOutput OP = new MAERegressionOutput();

  /** For the service loader; use {@link #OP}. */
  public MAERegressionOutput() {
    super("MAERegressionOutput", Kind.MAE);
  }

  /** Whole-number labels, so that the gradient suite gives them no gradient. */
  @Override
  public List<Sample<Params>> samples() {
    Domain labels = new Domain(-3, 3, true, false);
    return List.of(
        Sample.of(Params.defaults(), Shape.of(4, 3), Shape.of(4, 3)).domain(1, labels),
        Sample.of(new Params(0.5f), Shape.of(5, 1), Shape.of(5)).domain(1, labels));
  }
}
