package org.kindling.tensor.op.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.ErfMath;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * MXNet facts about the math operators that random samples would not hit: ties in rounding,
 * NaN rules, modulo signs, C's pow, casts that wrap, type inference of the scalar operators,
 * shape errors, aliases, in-place buffers and shared gradient buffers.
 */
class MathOpsTest {

  // ------------------------------------------------------------------ helpers

  static TensorView view(DType t, Shape s, double... v) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, s.intSize() * t.byteSize()))
        .order(ByteOrder.nativeOrder());
    TensorView tv = TensorView.of(b, t, s);
    for (int i = 0; i < v.length; i++) {
      tv.setDouble(i, v[i]);
    }
    return tv;
  }

  static TensorView floats(Shape s, double... v) {
    return view(DType.FLOAT32, s, v);
  }

  static double[] read(TensorView v) {
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.getDouble(i);
    }
    return out;
  }

  /** Infers the output, picks the kernel and runs it forward. */
  static <P extends Record> TensorView run(OpDef<P> op, P p, TensorView... in) {
    OpInstance<P> inst = OpInstance.of(op, p);
    Shape[] inShapes = new Shape[in.length];
    DType[] inTypes = new DType[in.length];
    for (int i = 0; i < in.length; i++) {
      inShapes[i] = in[i].shape();
      inTypes[i] = in[i].dtype();
    }
    Shape[] outShapes = new Shape[1];
    DType[] outTypes = new DType[1];
    inst.inferShape(new ShapeSlots(inShapes, outShapes, inst.inputNames(), inst.outputNames()));
    inst.inferType(new TypeSlots(inTypes, outTypes, inst.inputNames(), inst.outputNames()));
    TensorView out = view(outTypes[0], outShapes[0]);
    kernel(inst, in, out).forward(OpContext.of(false, 1), in, new TensorView[] {out});
    return out;
  }

  static Kernel kernel(OpInstance<?> inst, TensorView[] in, TensorView out) {
    Shape[] s = new Shape[in.length];
    DType[] t = new DType[in.length];
    for (int i = 0; i < in.length; i++) {
      s[i] = in[i].shape();
      t[i] = in[i].dtype();
    }
    return inst.selectKernel(new KernelSignature(s, t, new Shape[] {out.shape()},
        new DType[] {out.dtype()}));
  }

  static OpContext withWorkspace(Kernel k) {
    ByteBuffer ws = ByteBuffer.allocateDirect((int) Math.max(1, k.workspaceBytes()))
        .order(ByteOrder.nativeOrder());
    return new OpContext(false, ws, org.kindling.tensor.op.Randoms.generator(1));
  }

  /** A registered operator without parameters, by MXNet's name. */
  @SuppressWarnings("unchecked")
  static OpDef<NoParams> op(String name) {
    return (OpDef<NoParams>) OpRegistry.get(name);
  }

  /** A registered {@code _*_scalar} operator, by MXNet's name. */
  @SuppressWarnings("unchecked")
  static OpDef<ScalarParams> scalarOp(String name) {
    return (OpDef<ScalarParams>) OpRegistry.get(name);
  }

  static double[] unary(OpDef<NoParams> op, double... x) {
    return read(run(op, NoParams.NONE, floats(Shape.of(x.length), x)));
  }

  // ------------------------------------------------------------------ rounding and NaN rules

  @Test
  void roundingFunctionsBreakTiesAsMxnet() {
    double[] x = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.7, 2.7};
    // round: halves away from zero (C's round)
    assertThat(unary(op("round"), x)).containsExactly(-3, -2, -1, 1, 2, 3, -3, 3);
    // rint: MXNet picks floor on a tie, not the even neighbour
    assertThat(unary(op("rint"), x)).containsExactly(-3, -2, -1, 0, 1, 2, -3, 3);
    // signed zeros as libmxnet gives them
    assertThat(unary(op("fix"), x)).containsExactly(-2, -1, -0.0, 0, 1, 2, -2, 2);
    assertThat(unary(op("trunc"), x)).containsExactly(-2, -1, -0.0, 0, 1, 2, -2, 2);
    assertThat(unary(op("floor"), x)).containsExactly(-3, -2, -1, 0, 1, 2, -3, 2);
    assertThat(unary(op("ceil"), x)).containsExactly(-2, -1, -0.0, 1, 2, 3, -2, 3);
  }

  @Test
  void nanRulesFollowMshadow() {
    double nan = Double.NaN;
    assertThat(unary(op("sign"), nan, -0.0, -3, 2)).containsExactly(0, 0, -1, 1);
    assertThat(unary(op("relu"), nan, -1, 2)[0]).isNaN();
    assertThat(unary(op("logical_not"), nan, 0, -0.0, 2)).containsExactly(0, 1, 1, 0);
    TensorView a = floats(Shape.of(3), nan, 1, 2);
    TensorView b = floats(Shape.of(3), 0, nan, 1);
    double[] max = read(run(op("broadcast_maximum"), NoParams.NONE, a, b));
    assertThat(max[0]).isNaN();
    assertThat(max[1]).isNaN(); // a > NaN is false, so the NaN right operand is returned
    assertThat(max[2]).isEqualTo(2);
    double[] cmp = read(run(op("broadcast_not_equal"), NoParams.NONE, a, b));
    assertThat(cmp).containsExactly(1, 1, 1);
    double[] and = read(run(op("_logical_and"), NoParams.NONE, a, b));
    assertThat(and).containsExactly(0, 1, 1); // NaN is true
  }

  @Test
  void clipTestsTheUpperBoundFirstAndPassesNan() {
    TensorView x = floats(Shape.of(5), Double.NaN, -5, 0.5, 5, 1);
    assertThat(read(run(Clip.OP, new Clip.Params(0, 1), x))[0]).isNaN();
    assertThat(read(run(Clip.OP, new Clip.Params(0, 1), x))).containsSubsequence(0, 0.5, 1, 1);
    assertThat(read(run(Clip.OP, new Clip.Params(2, 1), x))).containsSubsequence(2, 2, 1, 2);
  }

  // ------------------------------------------------------------------ modulo and power

  @Test
  void modTakesTheDivisorsSignAndIsZeroForAZeroDivisor() {
    TensorView a = floats(Shape.of(6), -7, 7, -7, 7, 5, -0.5);
    TensorView b = floats(Shape.of(6), 3, -3, -3, 3, 0, 2);
    assertThat(read(run(op("_mod"), NoParams.NONE, a, b)))
        .containsExactly(2, -2, -1, 1, 0, 1.5);
    assertThat(read(run(scalarOp("_mod_scalar"), ScalarParams.of(-3), floats(Shape.of(2), 7, -7))))
        .containsExactly(-2, -1);
    // _rmod_scalar: scalar % data
    assertThat(read(run(scalarOp("_rmod_scalar"), ScalarParams.of(7),
        floats(Shape.of(3), 3, -3, 0))))
        .containsExactly(1, -2, 0);
  }

  @Test
  void powerFollowsC() {
    TensorView a = floats(Shape.of(4), 1, -1, 2, -8);
    TensorView b = floats(Shape.of(4), Double.NaN, Double.POSITIVE_INFINITY, -1, 1.0 / 3);
    double[] y = read(run(op("_power"), NoParams.NONE, a, b));
    assertThat(y[0]).isEqualTo(1);
    assertThat(y[1]).isEqualTo(1);
    assertThat(y[2]).isEqualTo(0.5);
    assertThat(y[3]).isNaN();
    assertThat(read(run(scalarOp("_rpower_scalar"), ScalarParams.of(2),
        floats(Shape.of(2), 3, -1))))
        .containsExactly(8, 0.5);
  }

  @Test
  void theScalarIsCastToFloat() {
    // 0.1 != (float) 0.1 in double; the kernel and reference compare against (float) 0.1
    TensorView x = floats(Shape.of(1), 0.1);
    assertThat(read(run(scalarOp("_equal_scalar"), ScalarParams.of(0.1), x))).containsExactly(1);
    assertThat(scalarOp("_equal_scalar").reference(ScalarParams.of(0.1), new Shape[] {Shape.of(1)},
        new double[][] {{(float) 0.1}}, false)[0]).containsExactly(1);
  }

  // ------------------------------------------------------------------ cast

  private static double[] cast(Cast.CastType t, TensorView x) {
    return read(run(Cast.OP, new Cast.Params(t), x));
  }

  /** Expected values read from libmxnet 1.9.1 (linux-x86_64) through its C API. */
  @Test
  void castConvertsAsMxnetOnX86() {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    double min32 = Integer.MIN_VALUE;
    double min64 = Long.MIN_VALUE;
    TensorView x = floats(Shape.of(13), 300, -3, 1e10, nan, inf, -inf, 256.7, -129, 127.9,
        -128.9, 3e9, -3e9, 2147483520.0);
    assertThat(cast(Cast.CastType.UINT8, x))
        .containsExactly(44, 253, 0, 0, 0, 0, 0, 127, 127, 128, 0, 0, 128);
    assertThat(cast(Cast.CastType.INT8, x))
        .containsExactly(44, -3, 0, 0, 0, 0, 0, 127, 127, -128, 0, 0, -128);
    assertThat(cast(Cast.CastType.INT32, x)).containsExactly(300, -3, min32, min32, min32,
        min32, 256, -129, 127, -128, min32, min32, 2147483520);
    assertThat(cast(Cast.CastType.INT64, x)).containsExactly(300, -3, 1e10, min64, min64,
        min64, 256, -129, 127, -128, 3e9, -3e9, 2147483520);
    assertThat(cast(Cast.CastType.BOOL, x)).containsOnly(1);
    TensorView d = view(DType.FLOAT64, Shape.of(6), 3000000001.0, 4294967297.0, -1.5, nan, 1e19,
        9.3e18);
    assertThat(cast(Cast.CastType.UINT8, d)).containsExactly(0, 0, 255, 0, 0, 0);
    assertThat(cast(Cast.CastType.INT64, d))
        .containsExactly(3000000001.0, 4294967297.0, -1, min64, min64, min64);
    assertThat(cast(Cast.CastType.FLOAT16, floats(Shape.of(6), 1e20, 11.1, 65520, 65519, 1e-8,
        6e-8))).containsExactly(inf, 11.1015625, inf, 65504, 0, 5.960464477539063e-08);
    TensorView bf = run(Cast.OP, new Cast.Params(Cast.CastType.BFLOAT16),
        floats(Shape.of(6), 1, 3.14159, 1e39, nan, 1.1223593950271606, -0.44663915038108826));
    short[] bits = new short[6];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = bf.data().getShort(i * 2);
    }
    // mshadow truncates to the high half: 1.12235939 gives 1.1171875, not the nearer 1.125
    assertThat(bits).containsExactly((short) 0x3f80, (short) 0x4049, (short) 0x7f80,
        (short) 0x7fc0, (short) 0x3f8f, (short) 0xbee4);
    // integer sources wrap
    assertThat(cast(Cast.CastType.INT8, view(DType.UINT8, Shape.of(2), 200, 255)))
        .containsExactly(-56, -1);
    assertThat(cast(Cast.CastType.UINT8, view(DType.INT32, Shape.of(2), -1, 300)))
        .containsExactly(255, 44);
    assertThat(cast(Cast.CastType.FLOAT32, view(DType.INT64, Shape.of(2), 0x1p40 + 1, -5)))
        .containsExactly(0x1p40, -5);
  }

  @Test
  void castTypeInferenceAndParsing() {
    assertThat(Cast.OP.parseAttrs("n", Map.of("dtype", "int64")).dtype())
        .isEqualTo(Cast.CastType.INT64);
    assertThatThrownBy(() -> Cast.OP.parseAttrs("n", Map.of("dtype", "int16")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype");
    assertThatThrownBy(() -> Cast.OP.parseAttrs("n", Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype");
    assertThat(OpRegistry.get("cast")).isEqualTo(Cast.OP);
  }

  @Test
  void castIsSafeInPlaceWideningAndNarrowing() {
    // the same buffer viewed as float16 input and float32 output: widening runs downward
    ByteBuffer buf = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder());
    TensorView half = TensorView.of(buf, DType.FLOAT16, Shape.of(4));
    double[] v = {1.5, -2, 3.25, 65504};
    for (int i = 0; i < 4; i++) {
      half.setDouble(i, v[i]);
    }
    TensorView wide = TensorView.of(buf, DType.FLOAT32, Shape.of(4));
    Cast.convert(half, wide, false);
    assertThat(read(wide)).containsExactly(v);
    Cast.convert(wide, half, false);
    assertThat(read(half)).containsExactly(v);
  }

  // ------------------------------------------------------------------ types and shapes

  @Test
  void scalarOperatorTypesFollowNumpyBinaryScalarType() {
    assertThat(outType(scalarOp("_plus_scalar"), new ScalarParams(2.5, false), DType.INT32))
        .isEqualTo(DType.FLOAT64);
    assertThat(outType(scalarOp("_plus_scalar"), new ScalarParams(2, true), DType.INT32))
        .isEqualTo(DType.INT32);
    assertThat(outType(scalarOp("_mul_scalar"), new ScalarParams(2, true), DType.BOOL))
        .isEqualTo(DType.INT64);
    assertThat(outType(scalarOp("_mul_scalar"), new ScalarParams(2, false), DType.BOOL))
        .isEqualTo(DType.FLOAT64);
    assertThat(outType(scalarOp("_greater_scalar"), ScalarParams.of(0), DType.FLOAT16))
        .isEqualTo(DType.FLOAT16);
    assertThat(outType(SmoothL1.OP, new ScalarParams(2, false), DType.INT32))
        .isEqualTo(DType.INT32);
    // the legacy front end writes only the scalar: is_int stays true
    assertThat(scalarOp("_plus_scalar").parseAttrs("n", Map.of("scalar", "2")))
        .isEqualTo(ScalarParams.of(2));
    assertThat(scalarOp("_plus_scalar").defaults().scalar()).isEqualTo(1.0);
  }

  private static DType outType(OpDef<ScalarParams> op, ScalarParams p, DType in) {
    DType[] out = new DType[1];
    op.inferType(p, new TypeSlots(new DType[] {in}, out, List.of("data"), List.of("output")));
    return out[0];
  }

  @Test
  void broadcastShapes() {
    assertThat(shape(op("broadcast_add"), Shape.of(4), Shape.of(2, 3, 4)))
        .isEqualTo(Shape.of(2, 3, 4));
    assertThat(shape(op("broadcast_add"), Shape.of(3, 1), Shape.of(1, 4)))
        .isEqualTo(Shape.of(3, 4));
    assertThat(shape(op("broadcast_add"), Shape.of(1, 3), Shape.of(2, 0, 3)))
        .isEqualTo(Shape.of(2, 0, 3));
    assertThatThrownBy(() -> shape(op("broadcast_mul"), Shape.of(2, 3), Shape.of(3, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("could not be broadcast").hasMessageContaining("(2, 3)");
    assertThat(shape(op("broadcast_add"), null, Shape.of(2))).isNull();
  }

  private static Shape shape(OpDef<NoParams> op, Shape l, Shape r) {
    Shape[] out = new Shape[1];
    op.inferShape(NoParams.NONE, new ShapeSlots(new Shape[] {l, r}, out, List.of("lhs", "rhs"),
        List.of("output")));
    return out[0];
  }

  @Test
  void whereRejectsAConditionOfAnotherShape() {
    Shape[] in = {Shape.of(2, 3), Shape.of(3, 2), null};
    assertThatThrownBy(() -> Where.OP.inferShape(NoParams.NONE, new ShapeSlots(in,
        new Shape[1], List.of("condition", "x", "y"), List.of("output"))))
        .isInstanceOf(IllegalArgumentException.class);
    Shape[] rows = {Shape.of(3), Shape.of(4, 2), null};
    assertThatThrownBy(() -> Where.OP.inferShape(NoParams.NONE, new ShapeSlots(rows,
        new Shape[1], List.of("condition", "x", "y"), List.of("output"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition");
  }

  @Test
  void addNChecksNumArgsAndNamesItsInputs() {
    assertThat(AddN.OP.inputNames(new AddN.Params(3))).containsExactly("arg0", "arg1", "arg2");
    assertThatThrownBy(() -> AddN.OP.parseAttrs("n", Map.of("num_args", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_args");
    assertThat(OpRegistry.get("ElementWiseSum")).isEqualTo(AddN.OP);
  }

  @Test
  void aliasesResolve() {
    assertThat(OpRegistry.get("broadcast_plus").name()).isEqualTo("broadcast_add");
    assertThat(OpRegistry.get("broadcast_minus").name()).isEqualTo("broadcast_sub");
    assertThat(OpRegistry.get("_RMinusScalar").name()).isEqualTo("_rminus_scalar");
    assertThat(OpRegistry.get("_PowerScalar").name()).isEqualTo("_power_scalar");
    assertThat(OpRegistry.get("_Greater_Equal").name()).isEqualTo("_greater_equal");
    assertThat(OpRegistry.get("_sparse_relu").name()).isEqualTo("relu");
    assertThat(OpRegistry.get("_npx_erf").name()).isEqualTo("erf");
    assertThat(OpRegistry.get("_Plus").name()).isEqualTo("elemwise_add");
  }

  // ------------------------------------------------------------------ special functions

  @Test
  void erfIsAccurate() {
    assertThat(ErfMath.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
    assertThat(ErfMath.erf(1)).isCloseTo(0.8427007929497149, within(1e-15));
    assertThat(ErfMath.erf(-1.5)).isCloseTo(-0.9661051464753108, within(1e-15));
    assertThat(ErfMath.erf(2)).isCloseTo(0.9953222650189527, within(1e-15));
    assertThat(ErfMath.erf(3)).isCloseTo(0.9999779095030014, within(1e-15));
    assertThat(ErfMath.erf(1e-10)).isCloseTo(1.1283791670955126e-10, within(1e-24));
    assertThat(ErfMath.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1);
    assertThat(ErfMath.erf(Double.NaN)).isNaN();
  }

  // ------------------------------------------------------------------ buffers

  @Test
  void broadcastForwardMayWriteOverItsLeftInput() {
    TensorView a = floats(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    TensorView b = floats(Shape.of(3), 10, 20, 30);
    OpInstance<NoParams> inst = OpInstance.of(op("broadcast_add"), NoParams.NONE);
    Kernel k = kernel(inst, new TensorView[] {a, b}, a);
    k.forward(withWorkspace(k), new TensorView[] {a, b}, new TensorView[] {a});
    assertThat(read(a)).containsExactly(11, 22, 33, 14, 25, 36);
  }

  @Test
  void gradientsOfOneArrayUsedTwiceAccumulate() {
    // broadcast_mul(x, x): the executor passes one buffer with write then add
    TensorView x = floats(Shape.of(3), 1, 2, 3);
    TensorView dy = floats(Shape.of(3), 1, 1, 1);
    TensorView out = floats(Shape.of(3));
    TensorView g = floats(Shape.of(3));
    OpInstance<NoParams> inst = OpInstance.of(op("broadcast_mul"), NoParams.NONE);
    Kernel k = kernel(inst, new TensorView[] {x, x}, out);
    k.backward(withWorkspace(k), new BackwardArgs(new TensorView[] {dy},
        new TensorView[] {x, x}, new TensorView[] {out}, new TensorView[] {g, g},
        new GradReq[] {GradReq.WRITE, GradReq.ADD}));
    assertThat(read(g)).containsExactly(2, 4, 6);
  }

  @Test
  void broadcastGradientsSumLongRows() {
    // rows longer than a chunk, with the right operand repeated along them
    int n = 4500;
    double[] a = new double[2 * n];
    double[] d = new double[2 * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i % 7) - 3;
      d[i] = ((i * 13) % 5) - 2;
    }
    TensorView lhs = floats(Shape.of(2, n), a);
    TensorView rhs = floats(Shape.of(2, 1), 0.5, -2);
    TensorView dy = floats(Shape.of(2, n), d);
    TensorView out = floats(Shape.of(2, n));
    TensorView gl = floats(Shape.of(2, n));
    TensorView gr = floats(Shape.of(2, 1), 1, 1);
    OpInstance<NoParams> inst = OpInstance.of(op("broadcast_mul"), NoParams.NONE);
    Kernel k = kernel(inst, new TensorView[] {lhs, rhs}, out);
    k.backward(withWorkspace(k), new BackwardArgs(new TensorView[] {dy},
        new TensorView[] {lhs, rhs}, new TensorView[] {out}, new TensorView[] {gl, gr},
        new GradReq[] {GradReq.WRITE, GradReq.ADD}));
    double[] wantR = {1, 1};
    for (int i = 0; i < a.length; i++) {
      wantR[i / n] += d[i] * a[i];
    }
    assertThat(read(gr)).containsExactly(wantR);
    double[] got = read(gl);
    for (int i = 0; i < a.length; i++) {
      assertThat(got[i]).isEqualTo(d[i] * (i < n ? 0.5 : -2));
    }
  }

  @Test
  void shortRowsAreTiledAcrossChunks() {
    // (3000, 4) * (4,): many short rows, more elements than a chunk
    int rows = 3000;
    double[] a = new double[rows * 4];
    double[] d = new double[rows * 4];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i % 11) - 5;
      d[i] = ((i * 7) % 9) - 4;
    }
    double[] r = {0.5, -1, 2, 3};
    TensorView lhs = floats(Shape.of(rows, 4), a);
    TensorView rhs = floats(Shape.of(4), r);
    TensorView out = run(op("broadcast_mul"), NoParams.NONE, lhs, rhs);
    double[] y = read(out);
    for (int i = 0; i < a.length; i++) {
      assertThat(y[i]).isEqualTo(a[i] * r[i % 4]);
    }
    TensorView dy = floats(Shape.of(rows, 4), d);
    TensorView gl = floats(Shape.of(rows, 4));
    TensorView gr = floats(Shape.of(4), 1, 1, 1, 1);
    OpInstance<NoParams> inst = OpInstance.of(op("broadcast_mul"), NoParams.NONE);
    Kernel k = kernel(inst, new TensorView[] {lhs, rhs}, out);
    k.backward(withWorkspace(k), new BackwardArgs(new TensorView[] {dy},
        new TensorView[] {lhs, rhs}, new TensorView[] {out}, new TensorView[] {gl, gr},
        new GradReq[] {GradReq.WRITE, GradReq.ADD}));
    double[] wantR = {1, 1, 1, 1};
    for (int i = 0; i < a.length; i++) {
      wantR[i % 4] += d[i] * a[i];
    }
    assertThat(read(gr)).containsExactly(wantR);
    double[] got = read(gl);
    for (int i = 0; i < a.length; i++) {
      assertThat(got[i]).isEqualTo(d[i] * r[i % 4]);
    }
  }

  @Test
  void unaryGradientCrossesChunks() {
    int n = 5000;
    double[] x = new double[n];
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.sin(i);
      d[i] = Math.cos(i);
    }
    TensorView in = floats(Shape.of(n), x);
    TensorView out = floats(Shape.of(n));
    TensorView dy = floats(Shape.of(n), d);
    TensorView g = floats(Shape.of(n));
    OpInstance<NoParams> inst = OpInstance.of(op("square"), NoParams.NONE);
    Kernel k = kernel(inst, new TensorView[] {in}, out);
    k.backward(withWorkspace(k), new BackwardArgs(new TensorView[] {dy}, new TensorView[] {in},
        new TensorView[] {out}, new TensorView[] {g}, new GradReq[] {GradReq.WRITE}));
    double[] got = read(g);
    for (int i = 0; i < n; i++) {
      assertThat(got[i]).isCloseTo(2 * (float) x[i] * (float) d[i], within(1e-5));
    }
  }

  @Test
  void imperativeBroadcastAndScalar() {
    try (NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
        NDArray b = NDArray.of(new float[] {10, 20}, Shape.of(2, 1))) {
      NDArray c = Imperative.call(op("broadcast_sub"), NoParams.NONE, a, b);
      assertThat(c.toFloatArray()).containsExactly(-9, -8, -7, -16, -15, -14);
      NDArray d = Imperative.call(scalarOp("_rdiv_scalar"), ScalarParams.of(12), a);
      assertThat(d.toFloatArray()).containsExactly(12, 6, 4, 3, 2.4f, 2);
      c.close();
      d.close();
    }
  }
}
