package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code LinearRegressionOutput} (alias {@code _sparse_LinearRegressionOutput}): the squared
 * loss head. Forward returns the data; backward writes {@code (data - label)·grad_scale/m}. See
 * {@link RegressionOutput}.
 */
@AutoService(OpDef.class)
public final class LinearRegressionOutput extends RegressionOutput {
  /** The operator. */
  public static final LinearRegressionOutput OP = new LinearRegressionOutput();

  /** For the service loader; use {@link #OP}. */
  public LinearRegressionOutput() {
    super("LinearRegressionOutput", Kind.LINEAR);
  }

  /**
   * Labels are whole numbers in the samples only so that the gradient suite treats them as
   * non-differentiable inputs (they get no gradient); any real label works the same way.
   */
  @Override
  public List<Sample<Params>> samples() {
    Domain labels = new Domain(-3, 3, true, false);
    return List.of(
        Sample.of(Params.defaults(), Shape.of(4, 3), Shape.of(4, 3)).domain(1, labels),
        Sample.of(new Params(2f), Shape.of(5, 1), Shape.of(5)).domain(1, labels),
        Sample.of(new Params(0.5f), Shape.of(2, 3, 2), Shape.of(2, 6)).domain(1, labels));
  }
}
