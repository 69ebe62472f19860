package org.kindling.tensor.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * One operator instance on float32 inputs of given shapes, with its default (cpu) kernel and its
 * oneDNN kernel, and the comparison of their forward outputs and gradients.
 */
final class KernelPair<P extends Record> {
  final OpDef<P> op;
  final P params;
  final KernelSignature sig;

  /** The instance on inputs of {@code inShapes}; omitted trailing shapes are inferred. */
  KernelPair(OpDef<P> op, P params, Shape... inShapes) {
    this.op = op;
    this.params = params;
    OpInstance<P> inst = OpInstance.of(op, params);
    // the inputs not given (weight, bias) are inferred
    Shape[] in = Arrays.copyOf(inShapes, inst.inputNames().size());
    DType[] inTypes = new DType[in.length];
    Arrays.fill(inTypes, DType.FLOAT32);
    Shape[] out = new Shape[inst.numOutputs()];
    DType[] outTypes = new DType[out.length];
    inst.inferShape(new ShapeSlots(in, out, inst.inputNames(), inst.outputNames()));
    inst.inferType(new TypeSlots(inTypes, outTypes, inst.inputNames(), inst.outputNames()));
    this.sig = new KernelSignature(in, inTypes, out, outTypes);
  }

  /** The factory of {@code backend} for this operator. */
  KernelFactory<P> factory(String backend) {
    return OpRegistry.factories(op).stream().filter(f -> f.backend().equals(backend))
        .findFirst().orElseThrow();
  }

  /** The kernel {@code backend} makes, or null. */
  Kernel kernel(String backend) {
    return factory(backend).create(params, sig);
  }

  /** The kernel the registry selects. */
  Kernel selected() {
    return OpRegistry.select(op, params, sig);
  }

  static TensorView view(Shape s) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(4, (int) s.size() * 4))
        .order(ByteOrder.nativeOrder());
    return TensorView.of(b, DType.FLOAT32, s);
  }

  static TensorView random(Shape s, Random r) {
    TensorView v = view(s);
    for (int i = 0; i < v.size(); i++) {
      v.floats().put(i, r.nextFloat() * 2 - 1);
    }
    return v;
  }

  static TensorView copy(TensorView v) {
    TensorView c = view(v.shape());
    c.floats().put(0, v.floats(), 0, v.size());
    return c;
  }

  static OpContext context(Kernel k, boolean train) {
    return new OpContext(train, ByteBuffer.allocateDirect((int) Math.max(0, k.workspaceBytes()))
        .order(ByteOrder.nativeOrder()), Randoms.generator(1));
  }

  /**
   * Runs both kernels forward (training and inference) and backward (every input gradient with
   * {@code write} and then {@code add} requests) on the same random tensors, asserting that
   * oneDNN's results equal the default kernel's within {@code tol} relative to each result's
   * largest magnitude.
   */
  void assertSameResults(Random r, double tol) {
    Kernel cpu = kernel("cpu");
    Kernel dnnl = kernel("dnnl");
    assertNotNull(dnnl, "oneDNN should run " + params + " on " + sig);
    TensorView[] in = new TensorView[sig.inShapes().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = random(sig.in(i), r);
    }
    for (boolean train : new boolean[] {false, true}) {
      TensorView[] a = outputs();
      TensorView[] b = outputs();
      cpu.forward(context(cpu, train), in, a);
      dnnl.forward(context(dnnl, train), in, b);
      assertClose("forward (train=" + train + ")", a[0], b[0], tol);
    }
    TensorView[] out = outputs();
    cpu.forward(context(cpu, true), in, out);
    TensorView[] heads = {random(sig.out(0), r)};
    for (GradReq req : new GradReq[] {GradReq.WRITE, GradReq.ADD}) {
      TensorView[] ga = new TensorView[in.length];
      TensorView[] gb = new TensorView[in.length];
      GradReq[] reqs = new GradReq[in.length];
      for (int i = 0; i < in.length; i++) {
        ga[i] = random(sig.in(i), r);
        gb[i] = copy(ga[i]);
        reqs[i] = req;
      }
      cpu.backward(context(cpu, true), new BackwardArgs(heads, in, out, ga, reqs.clone()));
      dnnl.backward(context(dnnl, true), new BackwardArgs(heads, in, out, gb, reqs.clone()));
      for (int i = 0; i < in.length; i++) {
        assertClose("gradient of input " + i + " (" + req + ")", ga[i], gb[i], tol);
      }
    }
  }

  private TensorView[] outputs() {
    TensorView[] o = new TensorView[sig.outShapes().length];
    for (int k = 0; k < o.length; k++) {
      o[k] = view(sig.out(k));
    }
    return o;
  }

  static void assertClose(String what, TensorView expected, TensorView actual, double tol) {
    assertEquals(expected.size(), actual.size());
    double largest = 1e-3;
    for (int i = 0; i < expected.size(); i++) {
      largest = Math.max(largest, Math.abs(expected.floats().get(i)));
    }
    double scale = largest;
    for (int i = 0; i < expected.size(); i++) {
      float e = expected.floats().get(i);
      float a = actual.floats().get(i);
      int at = i;
      assertTrue(Math.abs(e - a) <= tol * scale, () -> what + ": element " + at + " is " + a
          + ", the default kernel gives " + e + " (scale " + scale + ")");
    }
  }
}
