package org.kindling.tensor.winograd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution;

/**
 * Which algorithm runs a convolution shape, measured once per (parameters, input shapes) and
 * kept for the life of the process: the default kernel, F(4x4,3x3) and F(6x6,3x3) each run
 * {@link #RUNS} inference forward passes (after one warm-up) on scratch tensors of the real
 * shapes, and the fastest (minimum) time decides. F(6x6) must beat F(4x4) by
 * {@link #F6_MARGIN} to be chosen, because F(4x4) is the more accurate at similar speed.
 *
 * <p>All three algorithms cost the same per image, so a large batch is measured on fewer images
 * (scratch tensors of at most {@link #SCRATCH_BYTES}): binding a 256-image VGG must not
 * allocate another copy of its largest activations.
 */
final class BindTimeChoice {
  /** Timed runs per candidate (after one warm-up). */
  static final int RUNS = 3;
  /** F(6x6) is chosen over F(4x4) only if its time is below this fraction of F(4x4)'s. */
  static final double F6_MARGIN = 0.9;
  /** The scratch data and output of a measurement take at most this much (but one image). */
  static final long SCRATCH_BYTES = 128L << 20;

  /** A measured decision: the variant to use, or null for the default kernel. */
  record Decision(Variant variant, long defaultNanos, long f4Nanos, long f6Nanos) {
    /** The faster Winograd variant, whether or not it beat the default kernel. */
    Variant fasterWinograd() {
      return f6Nanos < F6_MARGIN * f4Nanos ? Variant.F6 : Variant.F4;
    }

    /** The measured time of {@code v}. */
    long nanos(Variant v) {
      return v == Variant.F4 ? f4Nanos : f6Nanos;
    }
  }

  private record Key(Convolution.Params params, List<Shape> inShapes) {}

  private static final Map<Key, Decision> DECISIONS = new ConcurrentHashMap<>();

  private BindTimeChoice() {}

  /** The decision for this shape, measured on first use. */
  static Decision decide(Convolution.Params p, KernelSignature sig) {
    Key key = new Key(p, List.of(sig.inShapes()));
    Decision d = DECISIONS.get(key);
    if (d == null) {
      d = measure(p, fewerImages(sig)); // outside the map's lock: measuring takes a while
      Decision prev = DECISIONS.putIfAbsent(key, d);
      d = prev == null ? d : prev;
    }
    return d;
  }

  /** {@code sig} with the batch cut so that data and output fit {@link #SCRATCH_BYTES}. */
  static KernelSignature fewerImages(KernelSignature sig) {
    Shape d = sig.in(0);
    Shape y = sig.out(0);
    long perImage = 4L * (d.size() + y.size()) / Math.max(1, d.get(0));
    int images = (int) Math.max(1, Math.min(d.get(0), SCRATCH_BYTES / Math.max(1, perImage)));
    Shape[] in = sig.inShapes().clone();
    in[0] = withBatch(d, images);
    return new KernelSignature(in, sig.inTypes(), new Shape[] {withBatch(y, images)},
        sig.outTypes());
  }

  private static Shape withBatch(Shape s, int n) {
    int[] dims = s.dims();
    dims[0] = n;
    return Shape.of(dims);
  }

  private static Decision measure(Convolution.Params p, KernelSignature sig) {
    Kernel fallback = WinogradKernels.defaultKernel(p, sig);
    Kernel f4 = new WinogradKernel(Variant.F4, p, sig, fallback);
    Kernel f6 = new WinogradKernel(Variant.F6, p, sig, fallback);
    long ws = Math.max(fallback.workspaceBytes(),
        Math.max(f4.workspaceBytes(), f6.workspaceBytes()));
    OpContext ctx = new OpContext(false, direct(ws), null);
    SplittableRandom rnd = new SplittableRandom(17);
    TensorView[] in = new TensorView[sig.inShapes().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = scratch(sig.in(i), rnd);
    }
    TensorView[] out = {scratch(sig.out(0), rnd)};
    long tDefault = time(fallback, ctx, in, out);
    long tF4 = time(f4, ctx, in, out);
    long tF6 = time(f6, ctx, in, out);
    Decision d = new Decision(null, tDefault, tF4, tF6);
    Variant best = d.fasterWinograd();
    return d.nanos(best) < tDefault ? new Decision(best, tDefault, tF4, tF6) : d;
  }

  private static long time(Kernel k, OpContext ctx, TensorView[] in, TensorView[] out) {
    k.forward(ctx, in, out);
    long best = Long.MAX_VALUE;
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      k.forward(ctx, in, out);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return best;
  }

  private static ByteBuffer direct(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(Math.max(bytes, 1)))
        .order(ByteOrder.nativeOrder());
  }

  /** A float32 tensor of uniform values in [-1, 1). */
  private static TensorView scratch(Shape s, SplittableRandom rnd) {
    ByteBuffer b = direct(4L * s.size());
    TensorView v = TensorView.of(b, DType.FLOAT32, s);
    java.nio.FloatBuffer f = v.floats();
    for (int i = 0; i < s.intSize(); i++) {
      f.put(i, (float) rnd.nextDouble(-1, 1));
    }
    return v;
  }
}
