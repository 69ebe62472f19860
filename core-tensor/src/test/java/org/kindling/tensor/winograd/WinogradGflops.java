package org.kindling.tensor.winograd;

import java.util.Random;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;

/**
 * Prints GFLOP/s (direct-convolution flop count {@code 2·N·K·C·9·OH·OW}) of the default kernel,
 * F(4x4,3x3) and F(6x6,3x3) forward (inference) on ResNet/VGG 3x3 shapes, pad 1: a report, not
 * a test. Run from core-tensor with the test class path:
 * {@code java -cp ... org.kindling.tensor.winograd.WinogradGflops [N]}.
 */
public final class WinogradGflops {
  private static final int WARMUP = Integer.getInteger("warmup", 2);
  private static final int RUNS = WARMUP + 5;

  private WinogradGflops() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    System.out.println("openblas_get_corename() = " + Blas.coreName() + ", OPENBLAS_CORETYPE="
        + System.getenv("OPENBLAS_CORETYPE") + ", BLAS threads " + Blas.numThreads());
    System.out.println("N\tC=K\tHxW\tdefault\tF(4x4,3x3)\tF(6x6,3x3)\t(GFLOP/s)");
    int[][] shapes = {{64, 56}, {128, 28}, {256, 14}, {512, 7}};
    for (int[] s : shapes) {
      ConvCase cc = ConvCase.random(new Random(1), n, s[0], s[0], s[1], s[1], 1, true);
      double flops = 2.0 * n * s[0] * s[0] * 9 * s[1] * s[1];
      System.out.printf("%d\t%d\t%dx%d\t%.1f\t%.1f\t%.1f%n", n, s[0], s[1], s[1],
          flops / nanos(cc, cc.defaultKernel()), flops / nanos(cc, cc.winograd(Variant.F4)),
          flops / nanos(cc, cc.winograd(Variant.F6)));
    }
  }

  /** Median-free minimum over 5 runs after 2 warm-ups, in nanoseconds. */
  private static double nanos(ConvCase cc, Kernel k) {
    OpContext ctx = ConvCase.context(k, false);
    TensorView[] in = cc.inputs();
    TensorView[] out = {ConvCase.view(cc.sig().out(0), null)};
    long best = Long.MAX_VALUE;
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      k.forward(ctx, in, out);
      if (r >= WARMUP) {
        best = Math.min(best, System.nanoTime() - t0);
      }
    }
    return best;
  }
}
