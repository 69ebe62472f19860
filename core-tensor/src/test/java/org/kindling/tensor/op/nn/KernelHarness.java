package org.kindling.tensor.op.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * Runs one operator's kernel on tensors the test keeps (unlike the generic runner, which copies),
 * so that tests can look at hidden outputs, mutable inputs after a backward pass, and random
 * training behaviour.
 */
final class KernelHarness<P extends Record> {
  final OpInstance<P> op;
  final TensorView[] in;
  final TensorView[] out;
  final Kernel kernel;

  /** Infers the outputs of {@code op} on inputs of the given shapes and types, all zero. */
  KernelHarness(OpDef<P> def, P params, Shape[] shapes, DType[] types) {
    this.op = OpInstance.of(def, params);
    Shape[] inShapes = shapes.clone();
    DType[] inTypes = types.clone();
    Shape[] outShapes = new Shape[op.numOutputs()];
    DType[] outTypes = new DType[op.numOutputs()];
    op.inferShape(new ShapeSlots(inShapes, outShapes, op.inputNames(), op.outputNames()));
    op.inferType(new TypeSlots(inTypes, outTypes, op.inputNames(), op.outputNames()));
    in = new TensorView[shapes.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = view(inShapes[i], inTypes[i]);
    }
    out = new TensorView[outShapes.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = view(outShapes[k], outTypes[k]);
    }
    kernel = op.selectKernel(new KernelSignature(inShapes, inTypes, outShapes, outTypes));
  }

  /** Float32 inputs of the given shapes. */
  static <P extends Record> KernelHarness<P> of(OpDef<P> def, P params, Shape... shapes) {
    DType[] types = new DType[shapes.length];
    java.util.Arrays.fill(types, DType.FLOAT32);
    return new KernelHarness<>(def, params, shapes, types);
  }

  static TensorView view(Shape s, DType t) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, s.intSize() * t.byteSize()))
        .order(ByteOrder.nativeOrder());
    return TensorView.of(b, t, s);
  }

  static void set(TensorView v, double... values) {
    for (int i = 0; i < values.length; i++) {
      v.setDouble(i, values[i]);
    }
  }

  static double[] get(TensorView v) {
    double[] d = new double[v.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = v.getDouble(i);
    }
    return d;
  }

  OpContext context(boolean train, long seed) {
    long ws = kernel.workspaceBytes();
    return new OpContext(train, ByteBuffer.allocateDirect((int) Math.max(ws, 0))
        .order(ByteOrder.nativeOrder()), Randoms.generator(seed));
  }

  void forward(boolean train, long seed) {
    kernel.forward(context(train, seed), in, out);
  }

  /**
   * Runs backward with the given head gradients (one per output, null for zeros) and a WRITE
   * request for each input whose {@code want} flag is set; returns the gradient views.
   */
  TensorView[] backward(boolean train, long seed, double[][] heads, boolean... want) {
    TensorView[] og = new TensorView[out.length];
    for (int k = 0; k < og.length; k++) {
      og[k] = view(out[k].shape(), out[k].dtype());
      if (heads.length > k && heads[k] != null) {
        set(og[k], heads[k]);
      }
    }
    TensorView[] ig = new TensorView[in.length];
    GradReq[] req = new GradReq[in.length];
    for (int i = 0; i < in.length; i++) {
      boolean w = i < want.length && want[i];
      req[i] = w ? GradReq.WRITE : GradReq.NULL;
      ig[i] = w ? view(in[i].shape(), in[i].dtype()) : null;
    }
    kernel.backward(context(train, seed), new BackwardArgs(og, in, out, ig, req));
    return ig;
  }
}
