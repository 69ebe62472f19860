package org.kindling.tensor.op.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Sample;
import org.kindling.testing.OpRunner;

/** MXNet 1.9.1 facts about the reductions that the generic suite does not pin down. */
class ReduceOpsTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private static <P extends Record> double[] run(OpDef<P> op, P p, Shape shape, double... x) {
    return new OpRunner<>(op, Sample.of(p, shape)).forward(new double[][] {x}, false, 1)[0];
  }

  private static <P extends Record> Shape outShape(OpDef<P> op, P p, Shape shape) {
    return new OpRunner<>(op, Sample.of(p, shape)).outShapes()[0];
  }

  private static final double[] DATA = {1, 2, 2, 3, 1, 3, 1, 4, 4, 3, 5, 2, 7, 1, 7, 2, 7, 3};

  @Test
  void sumMatchesTheExamplesOfMxnetsDocumentation() {
    Shape s = Shape.of(3, 3, 2);
    assertThat(run(Sum.OP, ReduceAxesParams.axes(1), s, DATA))
        .containsExactly(4, 8, 10, 9, 21, 6);
    assertThat(run(Sum.OP, ReduceAxesParams.axes(1, 2), s, DATA)).containsExactly(12, 19, 27);
    // exclude reduces the axes not listed: axis=1 excluded keeps axis 1
    assertThat(run(Sum.OP, ReduceAxesParams.axes(1).withExclude(true), s, DATA))
        .containsExactly(1 + 2 + 1 + 4 + 7 + 1, 2 + 3 + 4 + 3 + 7 + 2, 1 + 3 + 5 + 2 + 7 + 3);
  }

  @Test
  void shapesFollowReduceAxesShapeImpl() {
    Shape s = Shape.of(2, 3, 4);
    assertThat(outShape(Sum.OP, ReduceAxesParams.all(), s)).isEqualTo(Shape.of(1));
    assertThat(outShape(Sum.OP, ReduceAxesParams.all().withKeepdims(true), s))
        .isEqualTo(Shape.of(1, 1, 1));
    assertThat(outShape(Sum.OP, ReduceAxesParams.axes(), s)).isEqualTo(Shape.of(1));
    assertThat(outShape(Sum.OP, ReduceAxesParams.axes(0, 1, 2), s)).isEqualTo(Shape.of(1));
    assertThat(outShape(Sum.OP, ReduceAxesParams.axes(-1, 0).withKeepdims(true), s))
        .isEqualTo(Shape.of(1, 3, 1));
    assertThat(outShape(Sum.OP, ReduceAxesParams.axes(2, 0).withExclude(true), s))
        .isEqualTo(Shape.of(2, 4));
    assertThat(outShape(Sum.OP, ReduceAxesParams.axes(1).withExclude(true).withKeepdims(true), s))
        .isEqualTo(Shape.of(1, 3, 1));
    // exclude with every axis listed reduces nothing; with none listed, everything
    assertThat(outShape(Sum.OP, ReduceAxesParams.axes(0, 1, 2).withExclude(true), s))
        .isEqualTo(s);
    assertThat(outShape(Sum.OP, ReduceAxesParams.all().withExclude(true), s))
        .isEqualTo(Shape.of(1));
    assertThat(outShape(ArgMax.OP, SearchAxisParams.along(1), s)).isEqualTo(Shape.of(2, 4));
    assertThat(outShape(ArgMax.OP, SearchAxisParams.flat().withKeepdims(true), s))
        .isEqualTo(Shape.of(1, 1, 1));
    assertThat(outShape(Norm.OP, Norm.Params.defaults().withAxis(0, 2), s))
        .isEqualTo(Shape.of(3));
  }

  @Test
  void badAxesAreRejectedNamingThem() {
    assertThatThrownBy(() -> outShape(Sum.OP, ReduceAxesParams.axes(3), Shape.of(2, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis 3");
    assertThatThrownBy(() -> outShape(Sum.OP, ReduceAxesParams.axes(1, -1), Shape.of(2, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicates");
    assertThatThrownBy(() -> outShape(Max.OP, ReduceAxesParams.all(), Shape.of(0, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
  }

  @Test
  void maxAndMinPropagateNaNAndKeepInfinities() {
    assertThat(run(Max.OP, ReduceAxesParams.all(), Shape.of(3), 1, Double.NaN, 5)[0]).isNaN();
    assertThat(run(Min.OP, ReduceAxesParams.all(), Shape.of(3), Double.NaN, 1, 5)[0]).isNaN();
    assertThat(run(Max.OP, ReduceAxesParams.all(), Shape.of(3), -INF, 2, INF)[0]).isEqualTo(INF);
    assertThat(run(Min.OP, ReduceAxesParams.all(), Shape.of(2), -INF, -INF)[0]).isEqualTo(-INF);
  }

  @Test
  void maxGradientGoesToEveryTiedMaximum() {
    OpRunner<ReduceAxesParams> r = new OpRunner<>(Max.OP,
        Sample.of(ReduceAxesParams.axes(1), Shape.of(2, 3)));
    double[][] g = r.backward(new double[][] {{1, 3, 3, 2, 0, 1}}, new double[][] {{10, 20}},
        new GradReq[] {GradReq.WRITE}, null, false, 1);
    assertThat(g[0]).containsExactly(0, 10, 10, 20, 0, 0);
  }

  @Test
  void nansumIsAKahanSumWithoutAnInfinityGuardAsInMxnet() {
    Shape s = Shape.of(3);
    assertThat(run(NanSum.OP, ReduceAxesParams.all(), s, 1, Double.NaN, 2)[0]).isEqualTo(3);
    assertThat(run(NanSum.OP, ReduceAxesParams.all(), s, 1, 2, INF)[0]).isEqualTo(INF);
    // after an infinity the residual is NaN, so a later number poisons the sum
    assertThat(run(NanSum.OP, ReduceAxesParams.all(), s, INF, 1, 2)[0]).isNaN();
    assertThat(run(NanSum.OP, ReduceAxesParams.all(), s, INF, Double.NaN, Double.NaN)[0])
        .isEqualTo(INF);
    // sum has the guard: an infinity stays an infinity
    assertThat(run(Sum.OP, ReduceAxesParams.all(), s, INF, 1, 2)[0]).isEqualTo(INF);
    assertThat(run(NanProd.OP, ReduceAxesParams.all(), s, 2, Double.NaN, 3)[0]).isEqualTo(6);
  }

  @Test
  void argmaxTakesTheFirstMaximumOrTheFirstNaN() {
    assertThat(run(ArgMax.OP, SearchAxisParams.flat(), Shape.of(4), 1, 5, 5, 2))
        .containsExactly(1);
    assertThat(run(ArgMin.OP, SearchAxisParams.flat(), Shape.of(4), 3, 0, 7, 0))
        .containsExactly(1);
    assertThat(run(ArgMax.OP, SearchAxisParams.flat(), Shape.of(4), 1, Double.NaN, 9, Double.NaN))
        .containsExactly(1);
    assertThat(run(ArgMax.OP, SearchAxisParams.along(0), Shape.of(2, 3), 1, 5, 0, 4, 2, 0))
        .containsExactly(1, 0, 0);
    assertThat(run(ArgMax.OP, SearchAxisParams.flat(), Shape.of(3), -INF, -INF, -INF))
        .containsExactly(0);
  }

  @Test
  void normIsL2ByDefaultL1OnRequestAndNaNForTwoInfinities() {
    assertThat(run(Norm.OP, Norm.Params.defaults(), Shape.of(2), 3, 4)).containsExactly(5);
    assertThat(run(Norm.OP, Norm.Params.defaults().withOrd(1), Shape.of(3), 3, -4, 1))
        .containsExactly(8);
    assertThat(run(Norm.OP, Norm.Params.defaults(), Shape.of(2), INF, 1)[0]).isEqualTo(INF);
    // mshadow's nrm2: (inf/inf)^2 is NaN
    assertThat(run(Norm.OP, Norm.Params.defaults(), Shape.of(2), INF, -INF)[0]).isNaN();
    // the scaled sum of squares does not overflow float32
    assertThat(run(Norm.OP, Norm.Params.defaults(), Shape.of(2), 3e30, 4e30)[0])
        .isCloseTo(5e30, org.assertj.core.data.Percentage.withPercentage(1e-4));
  }

  @Test
  void normOutDtypeSetsTheOutputType() {
    OpRunner<Norm.Params> r = new OpRunner<>(Norm.OP,
        Sample.of(Norm.Params.defaults().withOutDtype(Norm.OutDType.FLOAT64), Shape.of(2)));
    assertThat(r.forward(new double[][] {{3, 4}}, false, 1)[0]).containsExactly(5);
    assertThatThrownBy(() -> Norm.Params.defaults().withOrd(3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ord");
  }

  @Test
  void attributesParseAsMxnetWritesThem() {
    OpDef<?> sum = OpRegistry.get("sum_axis");
    assertThat(sum).isEqualTo(OpRegistry.get("sum"));
    assertThat(OpRegistry.get("_sparse_sum")).isEqualTo(sum);
    ReduceAxesParams p = Sum.OP.parseAttrs("s", Map.of("axis", "1", "keepdims", "True"));
    assertThat(p).isEqualTo(ReduceAxesParams.axes(1).withKeepdims(true));
    assertThat(Sum.OP.parseAttrs("s", Map.of("axis", "(0, 2)")))
        .isEqualTo(ReduceAxesParams.axes(0, 2));
    assertThat(Sum.OP.parseAttrs("s", Map.of("axis", "None"))).isEqualTo(ReduceAxesParams.all());
    assertThat(ArgMax.OP.parseAttrs("a", Map.of("axis", "-1")).axis()).isEqualTo(-1);
    assertThat(Norm.OP.parseAttrs("n", Map.of("ord", "1", "out_dtype", "float64")).outDtype())
        .isEqualTo(Norm.OutDType.FLOAT64);
    assertThat(OpRegistry.get("max_axis")).isEqualTo(Max.OP);
    assertThat(OpRegistry.get("min_axis")).isEqualTo(Min.OP);
  }

  @Test
  void axesOfExtentOneAndChunkBoundariesReduceCorrectly() {
    assertThat(run(Sum.OP, ReduceAxesParams.axes(1), Shape.of(3, 1, 2), 1, 2, 3, 4, 5, 6))
        .containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(run(ArgMax.OP, SearchAxisParams.along(1), Shape.of(2, 1, 2), 1, 2, 3, 4))
        .containsExactly(0, 0, 0, 0);
    // more outputs side by side, and more reduced elements, than one chunk holds
    Object[][] cases = {
        {ReduceAxesParams.axes(0), Shape.of(3, 2500)},
        {ReduceAxesParams.axes(1), Shape.of(2, 2500)},
        {ReduceAxesParams.axes(0, 2), Shape.of(2, 3, 1100)},
        {ReduceAxesParams.axes(1), Shape.of(2, 1100, 3)}};
    for (Object[] c : cases) {
      ReduceAxesParams p = (ReduceAxesParams) c[0];
      Shape shape = (Shape) c[1];
      double[] x = new double[shape.intSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = ((i * 7919L) % 1009) / 1009.0 - 0.5;
      }
      for (OpDef<ReduceAxesParams> op : java.util.List.<OpDef<ReduceAxesParams>>of(Sum.OP,
          Max.OP, NanSum.OP)) {
        double[] want = op.reference(p, new Shape[] {shape}, new double[][] {x}, false)[0];
        double[] got = run(op, p, shape, x);
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
          assertThat(got[i]).as("%s %s %s [%d]", op, p, shape, i)
              .isCloseTo(want[i], within(1e-3));
        }
      }
      double[] idx = run(ArgMin.OP, SearchAxisParams.along(shape.ndim() - 2), shape, x);
      double[] ref = ArgMin.OP.reference(SearchAxisParams.along(shape.ndim() - 2),
          new Shape[] {shape}, new double[][] {x}, false)[0];
      assertThat(idx).containsExactly(ref);
    }
  }
}
