package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code log_softmax} (alias {@code _npx_log_softmax}): the log of the softmax over
 * {@code axis}, computed as {@code (x - max)/t - log Σ exp((x - max)/t)}; output shape = data
 * shape. It shares softmax's parameters but takes no length input ({@code use_length} must be
 * False). See {@link AxisSoftmax}.
 */
@AutoService(OpDef.class)
public final class LogSoftmax extends AxisSoftmax {
  /** The operator. */
  public static final LogSoftmax OP = new LogSoftmax();

  /** For the service loader; use {@link #OP}. */
  public LogSoftmax() {
    super("log_softmax", List.of("_npx_log_softmax"), true);
  }

  @Override
  public List<Sample<SoftmaxOp.Params>> samples() {
    return List.of(
        Sample.of(SoftmaxOp.Params.of(-1), Shape.of(3, 4)),
        Sample.of(SoftmaxOp.Params.of(0).withTemperature(0.5), Shape.of(4, 3)),
        Sample.of(SoftmaxOp.Params.of(1).withTemperature(3.0), Shape.of(2, 3, 4)));
  }
}
