package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code logical_not}: 1 where {@code x == 0}, else 0 (NaN gives 0), in the input's type; zero
 * gradient. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class LogicalNot extends UnaryMath {
  /** The operator. */
  public static final LogicalNot OP = new LogicalNot();

  /** For the service loader; use {@link #OP}. */
  public LogicalNot() {
    super("logical_not", List.of(), UnaryFn.LOGICAL_NOT);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(new Domain(-1, 2, true, false), Domain.ANY);
  }
}
