package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * A oneDNN kernel computes the same bits whichever thread made it: a primitive splits its work
 * for the OpenMP thread count of the thread that made it, so a layer bound on a fresh thread
 * (one OpenMP thread per core) and the same layer bound on a thread an earlier oneDNN call left
 * at the configured count must still be made for the configured count. Otherwise a training job
 * resumed in a JVM that already ran one does not repeat the uninterrupted job's numbers.
 */
@ExtendWith(AccelAuto.class)
class DnnlThreadPlanTest {
  /** The configured oneDNN threads per call, and another count a thread may be left at. */
  private static final int THREADS = 1;
  private static final int OTHER = 3;

  @Test
  void convolutionGradientsDoNotDependOnTheThreadThatMadeTheKernel() {
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(16, 16, 32, 32));
    assertSameBits(pair, () -> pair.kernel("dnnl"));
  }

  @Test
  void fusedConvolutionDoesNotDependOnTheThreadThatFusedIt() {
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(16, 16, 32, 32));
    CpuAccel.configure(CpuAccel.Mode.AUTO, THREADS);
    EpilogueFusable conv = (EpilogueFusable) pair.kernel("dnnl");
    OpInstance<Activation.Params> relu =
        OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.RELU));
    assertSameBits(pair, () -> conv.fuse(relu));
  }

  @Test
  void fullyConnectedGradientsDoNotDependOnTheThreadThatMadeTheKernel() {
    KernelPair<FullyConnected.Params> pair = new KernelPair<>(FullyConnected.OP,
        FullyConnected.Params.of(256), Shape.of(64, 512));
    assertSameBits(pair, () -> pair.kernel("dnnl"));
  }

  @Test
  void batchNormDoesNotDependOnTheThreadThatMadeTheKernel() {
    KernelPair<BatchNorm.Params> pair = new KernelPair<>(BatchNorm.OP,
        BatchNorm.Params.defaults().withFixGamma(false), Shape.of(16, 16, 16, 16));
    assertSameBits(pair, () -> pair.kernel("dnnl"));
  }

  /**
   * Makes the kernel on a fresh thread left at {@link #THREADS} and on one left at
   * {@link #OTHER} OpenMP threads, runs both on this thread (a training forward and backward on
   * the same tensors) and asserts every output, gradient and updated input equal bit for bit.
   */
  private static void assertSameBits(KernelPair<?> pair, Supplier<Kernel> make) {
    CpuAccel.configure(CpuAccel.Mode.AUTO, THREADS);
    float[][] expected = run(pair, madeOnThreadLeftAt(THREADS, make));
    float[][] actual = run(pair, madeOnThreadLeftAt(OTHER, make));
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("tensor %d of %s on %s", i, pair.params, pair.sig)
          .containsExactly(expected[i]);
    }
  }

  private static Kernel madeOnThreadLeftAt(int openmpThreads, Supplier<Kernel> make) {
    AtomicReference<Kernel> k = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        Dnnl.get().useThreads(openmpThreads);
        k.set(make.get());
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    assertThat(failure.get()).isNull();
    assertThat(k.get()).isNotNull();
    return k.get();
  }

  /**
   * The outputs, input gradients ({@code write}) and inputs after a training forward and
   * backward pass on seeded tensors (the auxiliary inputs, e.g. moving statistics, get no
   * gradient but may be updated).
   */
  private static float[][] run(KernelPair<?> pair, Kernel k) {
    Random r = new Random(11);
    int n = pair.sig.inShapes().length;
    int trained = pair.op == BatchNorm.OP ? 3 : n;
    TensorView[] in = new TensorView[n];
    TensorView[] grads = new TensorView[n];
    GradReq[] req = new GradReq[n];
    for (int i = 0; i < n; i++) {
      in[i] = KernelPair.random(pair.sig.in(i), r);
      grads[i] = i < trained ? KernelPair.view(pair.sig.in(i)) : null;
      req[i] = i < trained ? GradReq.WRITE : GradReq.NULL;
    }
    TensorView[] out = new TensorView[pair.sig.outShapes().length];
    for (int j = 0; j < out.length; j++) {
      out[j] = KernelPair.view(pair.sig.out(j));
    }
    TensorView[] heads = {KernelPair.random(pair.sig.out(0), r)};
    k.forward(KernelPair.context(k, true), in, out);
    k.backward(KernelPair.context(k, true), new BackwardArgs(heads, in, out, grads, req));
    float[][] all = new float[out.length + trained + n][];
    int a = 0;
    for (TensorView v : out) {
      all[a++] = floats(v);
    }
    for (int i = 0; i < trained; i++) {
      all[a++] = floats(grads[i]);
    }
    for (TensorView v : in) {
      all[a++] = floats(v);
    }
    return all;
  }

  private static float[] floats(TensorView v) {
    float[] f = new float[v.size()];
    v.floats().get(0, f);
    return f;
  }
}
