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
 * {@code java -cp ... org.kindling.tensor.winograd.WinogradGflops [N]}. Each kernel's figure
 * is its fastest of 5 rounds after {@code -Dwarmup} (default 2) warm-up rounds, the three
 * kernels running in turn in every round so that a change of the machine's load touches all.
 */
public final class WinogradGflops {
  private static final int WARMUP = Integer.getInteger("warmup", 2);
  private static final int ROUNDS = WARMUP + 5;

  private WinogradGflops() {}

  /** Prints the table for batch {@code args[0]} (default 16). */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    System.out.println("openblas_get_corename() = " + Blas.coreName() + ", OPENBLAS_CORETYPE="
        + System.getenv("OPENBLAS_CORETYPE") + ", BLAS threads " + Blas.numThreads());
    System.out.println("N\tC=K\tHxW\tdefault\tF(4x4,3x3)\tF(6x6,3x3)\t(GFLOP/s)");
    int[][] shapes = {{64, 56}, {128, 28}, {256, 14}, {512, 7}};
    for (int[] s : shapes) {
      ConvCase cc = ConvCase.random(new Random(1), n, s[0], s[0], s[1], s[1], 1, true);
      double flops = 2.0 * n * s[0] * s[0] * 9 * s[1] * s[1];
      Kernel[] kernels = {cc.defaultKernel(), cc.winograd(Variant.F4), cc.winograd(Variant.F6)};
      long[] best = fastest(cc, kernels);
      System.out.printf("%d\t%d\t%dx%d\t%.1f\t%.1f\t%.1f%n", n, s[0], s[1], s[1],
          flops / best[0], flops / best[1], flops / best[2]);
    }
  }

  /** Each kernel's fastest forward pass, in nanoseconds. */
  private static long[] fastest(ConvCase cc, Kernel[] kernels) {
    TensorView[] in = cc.inputs();
    TensorView[] out = {ConvCase.view(cc.sig().out(0), null)};
    OpContext[] ctx = new OpContext[kernels.length];
    long[] best = new long[kernels.length];
    for (int k = 0; k < kernels.length; k++) {
      ctx[k] = ConvCase.context(kernels[k], false);
      best[k] = Long.MAX_VALUE;
    }
    for (int r = 0; r < ROUNDS; r++) {
      for (int k = 0; k < kernels.length; k++) {
        long t0 = System.nanoTime();
        kernels[k].forward(ctx[k], in, out);
        if (r >= WARMUP) {
          best[k] = Math.min(best[k], System.nanoTime() - t0);
        }
      }
    }
    return best;
  }
}
