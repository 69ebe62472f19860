package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

/**
 * {@code elemwise_add} (aliases {@code _add}, {@code _plus}, {@code _Plus}): {@code lhs + rhs}
 * for equal shapes, no broadcasting. Shapes are inferred in every direction.
 */
public final class ElemwiseAdd extends Operator<NoParams> {
  ElemwiseAdd() {
    super("elemwise_add", List.of("_add", "_plus", "_Plus"), List.of());
  }

  @Override
  protected NoParams fromValues(ParamValues v) {
    return NoParams.NONE;
  }

  @Override
  public Map<String, String> toAttrs(NoParams p) {
    return new TreeMap<>();
  }

  @Override
  public List<String> inputNames(NoParams p) {
    return List.of("lhs", "rhs");
  }

  @Override
  public void inferShape(NoParams p, ShapeSlots s) {
    Shape known = s.in(0) != null ? s.in(0) : s.in(1) != null ? s.in(1) : s.out(0);
    if (known == null) {
      return;
    }
    s.assignIn(0, known);
    s.assignIn(1, known);
    s.assignOut(0, known);
  }

  @Override
  public void forward(NoParams p, ForwardContext ctx) {
    FloatBuffer a = ctx.in(0);
    FloatBuffer b = ctx.in(1);
    FloatBuffer y = ctx.out(0);
    int n = ctx.outShape(0).intSize();
    for (int i = 0; i < n; i++) {
      y.put(i, a.get(i) + b.get(i));
    }
  }

  @Override
  public void backward(NoParams p, BackwardContext ctx) {
    int n = ctx.outShape(0).intSize();
    // Input order matters: for add(x, x) the executor asks for write then add on one buffer.
    for (int i = 0; i < 2; i++) {
      if (ctx.wants(i)) {
        Kernels.copy(ctx.outGrad(0), ctx.inGrad(i), n, ctx.adds(i));
      }
    }
  }

  @Override
  public double[][] referenceForward(NoParams p, Shape[] inShapes, double[][] in) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = in[0][i] + in[1][i];
    }
    return new double[][] {y};
  }
}
