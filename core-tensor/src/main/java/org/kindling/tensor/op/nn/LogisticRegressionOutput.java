package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code LogisticRegressionOutput} (alias {@code _sparse_LogisticRegressionOutput}): the
 * binary cross-entropy head. Forward returns {@code sigmoid(data)}; backward writes
 * {@code (sigmoid(data) - label)·grad_scale/m}. See {@link RegressionOutput}.
 */
@AutoService(OpDef.class)
public final class LogisticRegressionOutput extends RegressionOutput {
  /** The operator. */
  public static final LogisticRegressionOutput OP = new LogisticRegressionOutput();

  /** For the service loader; use {@link #OP}. */
  public LogisticRegressionOutput() {
    super("LogisticRegressionOutput", Kind.LOGISTIC);
  }

  /** Binary labels (whole numbers, so the gradient suite gives them no gradient). */
  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.defaults(), Shape.of(4, 3), Shape.of(4, 3)).domain(1, Domain.index(2)),
        Sample.of(new Params(3f), Shape.of(6, 1), Shape.of(6)).domain(1, Domain.index(2)));
  }
}
