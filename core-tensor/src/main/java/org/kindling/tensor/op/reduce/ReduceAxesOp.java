package org.kindling.tensor.op.reduce;

import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Sample;

/**
 * The operators of MXNet's {@code MXNET_OPERATOR_REGISTER_REDUCE}/{@code _MINMAX_REDUCE}: one
 * reducer over {@code axis} with {@code keepdims} and {@code exclude} ({@link ReduceAxesParams}).
 * Output shape: the input's without the reduced axes ({@code (1,)} if none remain), or with them
 * as 1 under {@code keepdims}. The output type is the input type.
 */
abstract class ReduceAxesOp extends AxesReduction<ReduceAxesParams> {
  private final ReduceKind kind;

  ReduceAxesOp(String name, List<String> aliases, ReduceKind kind) {
    super(name, aliases, ReduceAxesParams.class, List.of(ReduceAxesParams.AXIS,
        ReduceAxesParams.KEEPDIMS, ReduceAxesParams.EXCLUDE));
    this.kind = kind;
  }

  @Override
  final ReduceKind kind(ReduceAxesParams p) {
    return kind;
  }

  @Override
  final int[] axis(ReduceAxesParams p) {
    return p.axis();
  }

  @Override
  final boolean keepdims(ReduceAxesParams p) {
    return p.keepdims();
  }

  @Override
  final boolean exclude(ReduceAxesParams p) {
    return p.exclude();
  }

  /**
   * Samples shared by the family: all axes, one axis, a negative axis, several axes with
   * keepdims, exclude with and without keepdims, an axis in the middle (strided elements), and
   * a larger contiguous reduction; {@code domain} is where the data comes from.
   */
  static List<Sample<ReduceAxesParams>> familySamples(Domain domain) {
    return List.of(
        Sample.of(ReduceAxesParams.all(), Shape.of(3, 4)).domain(0, domain),
        Sample.of(ReduceAxesParams.axes(1), Shape.of(2, 3, 4)).domain(0, domain),
        Sample.of(ReduceAxesParams.axes(-1).withKeepdims(true), Shape.of(3, 5)).domain(0, domain),
        Sample.of(ReduceAxesParams.axes(0, 2).withKeepdims(true), Shape.of(2, 3, 4))
            .domain(0, domain),
        Sample.of(ReduceAxesParams.axes(1).withExclude(true), Shape.of(2, 3, 4)).domain(0, domain),
        Sample.of(ReduceAxesParams.axes(0, -1).withExclude(true).withKeepdims(true),
            Shape.of(2, 3, 2)).domain(0, domain),
        Sample.of(ReduceAxesParams.axes(0), Shape.of(4, 3)).domain(0, domain),
        Sample.of(ReduceAxesParams.all().withKeepdims(true), Shape.of(2, 2, 3)).domain(0, domain),
        Sample.of(ReduceAxesParams.axes(1, 2), Shape.of(3, 10, 9)).domain(0, domain)
            .noGradientCheck());
  }

  @Override
  public List<Sample<ReduceAxesParams>> samples() {
    return familySamples(Domain.ANY);
  }
}
