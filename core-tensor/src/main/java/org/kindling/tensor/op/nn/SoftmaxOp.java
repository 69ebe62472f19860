package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.DTypeEnum;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code softmax} (alias {@code _npx_softmax}): the softmax over {@code axis} (default the last),
 * with optional {@code temperature} and {@code length} mask; output shape = data shape. Not to
 * be confused with {@code SoftmaxOutput}, whose alias is {@code Softmax}. See
 * {@link AxisSoftmax} for the exact computation.
 */
@AutoService(OpDef.class)
public final class SoftmaxOp extends AxisSoftmax {
  /** MXNet's {@code dtype} values for the output of softmax and log_softmax. */
  public enum OutType implements DTypeEnum {
    FLOAT16,
    FLOAT32,
    FLOAT64
  }

  /** The operator. */
  public static final SoftmaxOp OP = new SoftmaxOp();

  /**
   * Parameters of {@code softmax} and {@code log_softmax}.
   *
   * @param axis {@code axis} (negative counts from the end)
   * @param temperature {@code temperature}; null (None) means 1
   * @param dtype {@code dtype} of the output; null (None) means the data's type
   * @param useLength {@code use_length}: take a {@code length} input; null (None) means False
   */
  public record Params(int axis, Double temperature, OutType dtype, Boolean useLength) {
    /** Softmax over {@code axis}, no temperature, no length. */
    public static Params of(int axis) {
      return new Params(axis, null, null, false);
    }

    /** A copy with {@code temperature} set. */
    public Params withTemperature(Double t) {
      return new Params(axis, t, dtype, useLength);
    }

    /** A copy with {@code dtype} set. */
    public Params withDtype(OutType t) {
      return new Params(axis, temperature, t, useLength);
    }

    /** A copy with {@code use_length} set. */
    public Params withUseLength(Boolean v) {
      return new Params(axis, temperature, dtype, v);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SoftmaxOp() {
    super("softmax", List.of("_npx_softmax"), false);
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(-1), Shape.of(3, 4)),
        Sample.of(Params.of(1), Shape.of(2, 3, 4)),
        Sample.of(Params.of(0).withUseLength(false), Shape.of(3, 2)),
        Sample.of(Params.of(-1).withTemperature(2.0).withDtype(OutType.FLOAT32), Shape.of(2, 5)),
        Sample.of(Params.of(-1).withUseLength(true), Shape.of(3, 5), Shape.of(3))
            .domain(1, Domain.index(6)).type(1, DType.INT32),
        Sample.of(Params.of(1).withUseLength(true).withTemperature(0.5), Shape.of(2, 4, 3),
            Shape.of(2, 3)).domain(1, Domain.index(5)).type(1, DType.INT64));
  }
}
