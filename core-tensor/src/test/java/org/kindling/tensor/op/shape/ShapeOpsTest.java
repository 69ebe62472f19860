package org.kindling.tensor.op.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Sample;
import org.kindling.testing.OpRunner;

/**
 * The examples of MXNet 1.9.1's operator documentation, the attribute syntax of
 * {@code slice}/{@code slice_axis}, and the errors the generic suite does not exercise.
 */
class ShapeOpsTest {
  private static double[] seq(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  private static <P extends Record> double[][] run(OpDef<P> op, P p, Sample<P> s,
      double[]... in) {
    return new OpRunner<>(op, s).forward(in, false, 1);
  }

  private static <P extends Record> double[] run1(OpDef<P> op, P p, Shape shape, double... x) {
    return run(op, p, Sample.of(p, shape), x)[0];
  }

  @Test
  void sliceMatchesMxnetsExamples() {
    double[] x = seq(12);
    Shape s = Shape.of(3, 4);
    assertThat(run1(Slice.OP, Slice.Params.of(new Integer[] {0, 1}, new Integer[] {2, 4}), s, x))
        .containsExactly(2, 3, 4, 6, 7, 8);
    Slice.Params p = Slice.OP.parseAttrs("s",
        Map.of("begin", "(None, 0)", "end", "(None, 3)", "step", "(-1, 2)"));
    assertThat(run1(Slice.OP, p, s, x)).containsExactly(9, 11, 5, 7, 1, 3);
    assertThat(Slice.OP.toAttrs(p))
        .isEqualTo(Map.of("begin", "(None, 0)", "end", "(None, 3)", "step", "(-1, 2)"));
    // numpy's x[::-1] and an empty range
    assertThat(run1(Slice.OP, new Slice.Params("(None,)", "(None,)", "(-1,)"), Shape.of(3),
        1, 2, 3)).containsExactly(3, 2, 1);
    assertThat(new OpRunner<>(Slice.OP, Sample.of(new Slice.Params("(2,)", "(1,)", "()"),
        Shape.of(3))).outShapes()[0]).isEqualTo(Shape.of(0));
  }

  @Test
  void sliceAttributesAreValidated() {
    assertThatThrownBy(() -> Slice.OP.parseAttrs("s", Map.of("end", "(1,)")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("begin");
    assertThatThrownBy(() -> Slice.OP.parseAttrs("s", Map.of("begin", "(0, x)", "end", "(1, 2)")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("begin");
    assertThatThrownBy(() -> new Slice.Params("(0,)", "(1, 2)", "()"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same length");
    assertThatThrownBy(() -> new Slice.Params("(0,)", "(2,)", "(0,)"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step");
    // canonical strings, so that equal slices are equal parameters
    assertThat(new Slice.Params("[None,1]", "(2 , None)", "()"))
        .isEqualTo(new Slice.Params("(None, 1)", "(2, None)", "()"));
    assertThat(OpRegistry.get("crop")).isEqualTo(Slice.OP);
    assertThat(OpRegistry.get("_npx_slice")).isEqualTo(Slice.OP);
  }

  @Test
  void sliceAxisMatchesMxnetsExamplesAndWritesEndNone() {
    double[] x = seq(12);
    Shape s = Shape.of(3, 4);
    assertThat(run1(SliceAxis.OP, SliceAxis.Params.of(0, 1, 3), s, x))
        .containsExactly(5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(run1(SliceAxis.OP, SliceAxis.Params.of(1, 0, 2), s, x))
        .containsExactly(1, 2, 5, 6, 9, 10);
    assertThat(run1(SliceAxis.OP, SliceAxis.Params.of(1, -3, -1), s, x))
        .containsExactly(2, 3, 6, 7, 10, 11);
    SliceAxis.Params p = SliceAxis.OP.parseAttrs("n",
        Map.of("axis", "1", "begin", "2", "end", "None"));
    assertThat(SliceAxis.OP.toAttrs(p)).containsEntry("end", "None");
    assertThat(run1(SliceAxis.OP, p, s, x)).containsExactly(3, 4, 7, 8, 11, 12);
    assertThatThrownBy(() -> SliceAxis.OP.parseAttrs("n", Map.of("axis", "1", "begin", "2")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end");
    assertThatThrownBy(() -> run1(SliceAxis.OP, SliceAxis.Params.of(1, 2, 2), s, x))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("begin");
  }

  @Test
  void takeMatchesMxnetsExamples() {
    Shape two = Shape.of(3, 2);
    double[] x = {1, 2, 3, 4, 5, 6};
    assertThat(run(Take.OP, null, Sample.of(Take.Params.defaults(), Shape.of(3), Shape.of(1)),
        new double[] {4, 5, 6}, new double[] {1})[0]).containsExactly(5);
    assertThat(run(Take.OP, null, Sample.of(new Take.Params(-1, Take.Mode.CLIP), Shape.of(3),
        Shape.of(1)), new double[] {4, 5, 6}, new double[] {3})[0]).containsExactly(6);
    assertThat(run(Take.OP, null, Sample.of(Take.Params.defaults(), two, Shape.of(2, 2))
        .type(1, DType.INT32), x, new double[] {0, 1, 1, 2})[0])
        .containsExactly(1, 2, 3, 4, 3, 4, 5, 6);
    OpRunner<Take.Params> wrap = new OpRunner<>(Take.OP,
        Sample.of(new Take.Params(1, Take.Mode.WRAP), two, Shape.of(2, 2)));
    assertThat(wrap.outShapes()[0]).isEqualTo(Shape.of(3, 2, 2));
    assertThat(wrap.forward(new double[][] {x, {0, 3, -1, -2}}, false, 1)[0])
        .containsExactly(1, 2, 2, 1, 3, 4, 4, 3, 5, 6, 6, 5);
  }

  @Test
  void takeRaiseRejectsOutOfRangeIndicesAndTheGradientAddsRepeats() {
    OpRunner<Take.Params> raise = new OpRunner<>(Take.OP,
        Sample.of(new Take.Params(0, Take.Mode.RAISE), Shape.of(3), Shape.of(2)));
    assertThatThrownBy(() -> raise.forward(new double[][] {{1, 2, 3}, {0, 3}}, false, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of bound");
    OpRunner<Take.Params> clip = new OpRunner<>(Take.OP,
        Sample.of(Take.Params.defaults(), Shape.of(3), Shape.of(4)).type(1, DType.INT32));
    double[][] g = clip.backward(new double[][] {{1, 2, 3}, {0, 0, 7, -1}},
        new double[][] {{1, 10, 100, 1000}}, new GradReq[] {GradReq.WRITE, GradReq.WRITE}, null,
        false, 1);
    assertThat(g[0]).containsExactly(1011, 0, 100);
    assertThat(g[1]).containsExactly(0, 0, 0, 0);
  }

  @Test
  void oneHotMatchesMxnetsExamples() {
    Sample<OneHot.Params> s = Sample.of(OneHot.Params.of(3), Shape.of(4));
    assertThat(run(OneHot.OP, null, s, new double[] {1, 0, 2, 0})[0])
        .containsExactly(0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0);
    OneHot.Params p = OneHot.OP.parseAttrs("o",
        Map.of("depth", "3", "on_value", "8", "off_value", "1", "dtype", "int32"));
    OpRunner<OneHot.Params> r = new OpRunner<>(OneHot.OP, Sample.of(p, Shape.of(4)));
    assertThat(r.forward(new double[][] {{1, 0, 2, 0}}, false, 1)[0])
        .containsExactly(1, 8, 1, 8, 1, 1, 1, 1, 8, 8, 1, 1);
    assertThat(OneHot.OP.gradient(p)).isEqualTo(OpDef.Gradient.ZERO);
  }

  @Test
  void tileAndRepeatMatchMxnetsExamples() {
    double[] x = {1, 2, 3, 4};
    Shape s = Shape.of(2, 2);
    assertThat(run1(Tile.OP, Tile.Params.of(2, 3), s, x)).containsExactly(
        1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4);
    assertThat(run1(Tile.OP, Tile.Params.of(2), s, x)).containsExactly(1, 2, 1, 2, 3, 4, 3, 4);
    assertThat(new OpRunner<>(Tile.OP, Sample.of(Tile.Params.of(2, 2, 3), s)).outShapes()[0])
        .isEqualTo(Shape.of(2, 4, 6));
    assertThat(run1(Repeat.OP, new Repeat.Params(2, null), s, x))
        .containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
    assertThat(run1(Repeat.OP, new Repeat.Params(2, 1), s, x))
        .containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
    assertThat(run1(Repeat.OP, new Repeat.Params(2, 0), s, x))
        .containsExactly(1, 2, 1, 2, 3, 4, 3, 4);
    assertThat(run1(Repeat.OP, new Repeat.Params(2, -1), s, x))
        .containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
  }

  @Test
  void padMatchesMxnetsEdgeExample() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22};
    double[] y = run1(Pad.OP, Pad.Params.of(Pad.Mode.EDGE, 0, 0, 0, 0, 1, 1, 1, 1),
        Shape.of(2, 2, 2, 3), x);
    assertThat(y).hasSize(2 * 2 * 4 * 5);
    assertThat(java.util.Arrays.copyOf(y, 20)).containsExactly(
        1, 1, 2, 3, 3, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 4, 4, 5, 6, 6);
    double[] c = run1(Pad.OP, Pad.Params.of(Pad.Mode.CONSTANT, 0, 0, 0, 0, 1, 1, 1, 1),
        Shape.of(2, 2, 2, 3), x);
    assertThat(java.util.Arrays.copyOfRange(c, 60, 80)).containsExactly(
        0, 0, 0, 0, 0, 0, 17, 18, 19, 0, 0, 20, 21, 22, 0, 0, 0, 0, 0, 0);
    assertThatThrownBy(() -> run1(Pad.OP, Pad.Params.of(Pad.Mode.EDGE, 0, 0, 0, 0, 1, 1),
        Shape.of(1, 2, 3), seq(6)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4-D or 5-D");
    assertThatThrownBy(() -> run1(Pad.OP, Pad.Params.of(Pad.Mode.EDGE, 1, 0, 0, 0, 1, 1, 1, 1),
        Shape.of(1, 1, 2, 2), seq(4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first two axes");
    assertThatThrownBy(() -> run1(Pad.OP,
        Pad.Params.of(Pad.Mode.REFLECT, 0, 0, 0, 0, 2, 0, 0, 0), Shape.of(1, 1, 2, 2), seq(4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reflection");
  }

  @Test
  void concatStackAndSplitFollowMxnetsShapesAndNames() {
    assertThat(Concat.OP.inputNames(Concat.Params.of(3))).containsExactly("arg0", "arg1", "arg2");
    assertThat(Stack.OP.inputNames(new Stack.Params(0, 2))).containsExactly("arg0", "arg1");
    SliceChannel.Params sp = SliceChannel.Params.of(3).withAxis(0).withSqueezeAxis(true);
    assertThat(SliceChannel.OP.outputNames(sp)).containsExactly("output0", "output1", "output2");
    OpRunner<SliceChannel.Params> split = new OpRunner<>(SliceChannel.OP,
        Sample.of(sp, Shape.of(3, 2)));
    assertThat(split.outShapes()).containsExactly(Shape.of(2), Shape.of(2), Shape.of(2));
    double[][] parts = split.forward(new double[][] {seq(6)}, false, 1);
    assertThat(parts[2]).containsExactly(5, 6);
    assertThatThrownBy(() -> new OpRunner<>(SliceChannel.OP,
        Sample.of(SliceChannel.Params.of(4), Shape.of(2, 6))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evenly");
    assertThatThrownBy(() -> new OpRunner<>(Concat.OP,
        Sample.of(Concat.Params.of(2).withDim(0), Shape.of(2, 3), Shape.of(2, 4))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arg1");
    double[][] joined = run(Concat.OP, null, Sample.of(Concat.Params.of(2).withDim(0),
        Shape.of(1, 2), Shape.of(2, 2)), new double[] {1, 1}, new double[] {3, 3, 4, 4});
    assertThat(joined[0]).containsExactly(1, 1, 3, 3, 4, 4);
    assertThat(run(Stack.OP, null, Sample.of(new Stack.Params(1, 2), Shape.of(2),
        Shape.of(2)), new double[] {1, 2}, new double[] {3, 4})[0]).containsExactly(1, 3, 2, 4);
  }

  @Test
  void transposeSqueezeExpandDimsAndReverse() {
    double[] x = seq(8);
    Shape s = Shape.of(2, 2, 2);
    assertThat(run1(Transpose.OP, Transpose.Params.of(), s, x))
        .containsExactly(1, 5, 3, 7, 2, 6, 4, 8);
    assertThat(run1(Transpose.OP, Transpose.Params.of(1, 0, 2), s, x))
        .containsExactly(1, 2, 5, 6, 3, 4, 7, 8);
    assertThatThrownBy(() -> run1(Transpose.OP, Transpose.Params.of(0, -1), Shape.of(2, 2),
        seq(4))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThat(new OpRunner<>(Squeeze.OP, Sample.of(Squeeze.Params.all(), Shape.of(1, 3, 1)))
        .outShapes()[0]).isEqualTo(Shape.of(3));
    assertThat(new OpRunner<>(Squeeze.OP, Sample.of(Squeeze.Params.of(2), Shape.of(1, 3, 1)))
        .outShapes()[0]).isEqualTo(Shape.of(1, 3));
    assertThat(new OpRunner<>(Squeeze.OP, Sample.of(Squeeze.Params.all(), Shape.of(1, 1, 1)))
        .outShapes()[0]).isEqualTo(Shape.of(1));
    assertThatThrownBy(() -> new OpRunner<>(Squeeze.OP,
        Sample.of(Squeeze.Params.of(1), Shape.of(1, 3, 1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size=3");
    assertThat(new OpRunner<>(ExpandDims.OP, Sample.of(new ExpandDims.Params(1),
        Shape.of(2, 3, 4))).outShapes()[0]).isEqualTo(Shape.of(2, 1, 3, 4));
    assertThat(new OpRunner<>(ExpandDims.OP, Sample.of(new ExpandDims.Params(-1),
        Shape.of(2, 3))).outShapes()[0]).isEqualTo(Shape.of(2, 3, 1));
    assertThat(run1(Reverse.OP, Reverse.Params.of(0, 1), Shape.of(2, 2), 1, 2, 3, 4))
        .containsExactly(4, 3, 2, 1);
    assertThat(OpRegistry.get("flip")).isEqualTo(Reverse.OP);
  }

  @Test
  void broadcastKeepsZerosAndSumsGradients() {
    assertThat(new OpRunner<>(BroadcastTo.OP, Sample.of(BroadcastTo.Params.of(2, 0),
        Shape.of(1, 3))).outShapes()[0]).isEqualTo(Shape.of(2, 3));
    assertThatThrownBy(() -> new OpRunner<>(BroadcastTo.OP, Sample.of(BroadcastTo.Params.of(2, 4),
        Shape.of(1, 3)))).isInstanceOf(IllegalArgumentException.class);
    OpRunner<BroadcastAxis.Params> r = new OpRunner<>(BroadcastAxis.OP, Sample.of(
        BroadcastAxis.Params.of(new int[] {0, 2}, new int[] {2, 3}), Shape.of(1, 2, 1)));
    assertThat(r.forward(new double[][] {{1, 2}}, false, 1)[0])
        .containsExactly(1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2);
    double[] ones = new double[12];
    java.util.Arrays.fill(ones, 1);
    assertThat(r.backward(new double[][] {{1, 2}}, new double[][] {ones},
        new GradReq[] {GradReq.WRITE}, null, false, 1)[0]).containsExactly(6, 6);
    assertThat(OpRegistry.get("broadcast_axes")).isEqualTo(BroadcastAxis.OP);
  }

  @Test
  void dataMovementCopiesAnyElementType() {
    try (NDArray a = NDArray.zeros(Shape.of(2, 3), DType.INT32)) {
      for (int i = 0; i < 6; i++) {
        a.view().setDouble(i, i * 100_000_007L % 1_000_003);
      }
      List<NDArray> out = Imperative.invoke(Transpose.OP, Transpose.Params.of(), a);
      assertThat(out.get(0).dtype()).isEqualTo(DType.INT32);
      assertThat(out.get(0).toFloatArray()[1]).isEqualTo((float) (3 * 100_000_007L % 1_000_003));
      out.get(0).close();
    }
  }

  @Test
  void largeTransposesTakeTheTiledPathAndStayExact() {
    Object[][] cases = {
        {Transpose.Params.of(), Shape.of(40, 70), DType.FLOAT32},
        {Transpose.Params.of(0, 2, 1), Shape.of(3, 33, 65), DType.FLOAT32},
        {Transpose.Params.of(2, 1, 0), Shape.of(33, 2, 40), DType.INT32},
        {Transpose.Params.of(1, 0), Shape.of(35, 47), DType.FLOAT64},
        {Transpose.Params.of(1, 2, 0), Shape.of(64, 3, 32), DType.FLOAT32}};
    for (Object[] c : cases) {
      Transpose.Params p = (Transpose.Params) c[0];
      Shape shape = (Shape) c[1];
      double[] x = new double[shape.intSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i * 7919L) % 100_003;
      }
      OpRunner<Transpose.Params> r = new OpRunner<>(Transpose.OP,
          Sample.of(p, shape).type(0, (DType) c[2]));
      assertThat(r.forward(new double[][] {x}, false, 1)[0])
          .as("%s %s", p, shape)
          .containsExactly(Transpose.OP.reference(p, new Shape[] {shape}, new double[][] {x},
              false)[0]);
    }
  }
}
