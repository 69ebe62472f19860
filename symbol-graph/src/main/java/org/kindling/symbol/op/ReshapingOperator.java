package org.kindling.symbol.op;

import java.util.List;
import org.kindling.tensor.Shape;

/**
 * An operator whose output is its one input's data, unchanged and in the same order, under
 * another shape. As in MXNet, where the reshape family shares one identity kernel, the forward
 * pass copies the data and the backward pass copies the output gradient back; subclasses only
 * declare their parameters and the shape rule.
 *
 * @param <P> the operator's typed parameter record
 */
abstract class ReshapingOperator<P> extends Operator<P> {
  ReshapingOperator(String name, List<String> aliases, List<Param<?>> params) {
    super(name, aliases, params);
  }

  @Override
  public final List<String> inputNames(P p) {
    return List.of("data");
  }

  @Override
  public final void forward(P p, ForwardContext ctx) {
    Kernels.copy(ctx.in(0), ctx.out(0), ctx.inShape(0).intSize(), false);
  }

  @Override
  public final void backward(P p, BackwardContext ctx) {
    if (ctx.wants(0)) {
      Kernels.copy(ctx.outGrad(0), ctx.inGrad(0), ctx.inShape(0).intSize(), ctx.adds(0));
    }
  }

  @Override
  public final double[][] referenceForward(P p, Shape[] inShapes, double[][] in) {
    return new double[][] {in[0].clone()};
  }
}
