package org.kindling.symbol.op;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

/**
 * {@code Flatten} (alias {@code flatten}): {@code (N, d1, d2, ...) -> (N, d1·d2·...)}; a 1-D
 * input {@code (N,)} becomes {@code (N, 1)}. Data order is unchanged (a copy).
 */
public final class Flatten extends Operator<Flatten.Params> {
  /** {@code Flatten} has no parameters. */
  public record Params() {
    /** The only value. */
    public static final Params NONE = new Params();
  }

  Flatten() {
    super("Flatten", List.of("flatten"), List.of());
  }

  @Override
  protected Params fromValues(ParamValues v) {
    return Params.NONE;
  }

  @Override
  public Map<String, String> toAttrs(Params p) {
    return new TreeMap<>();
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    if (d.ndim() == 0) {
      throw new IllegalArgumentException("cannot flatten a 0-dimensional input");
    }
    s.assignOut(0, Shape.of(d.get(0), (int) d.sizeFrom(1)));
  }

  @Override
  public void forward(Params p, ForwardContext ctx) {
    Kernels.copy(ctx.in(0), ctx.out(0), ctx.inShape(0).intSize(), false);
  }

  @Override
  public void backward(Params p, BackwardContext ctx) {
    if (ctx.wants(0)) {
      Kernels.copy(ctx.outGrad(0), ctx.inGrad(0), ctx.inShape(0).intSize(), ctx.adds(0));
    }
  }

  @Override
  public double[][] referenceForward(Params p, Shape[] inShapes, double[][] in) {
    return new double[][] {in[0].clone()};
  }
}
