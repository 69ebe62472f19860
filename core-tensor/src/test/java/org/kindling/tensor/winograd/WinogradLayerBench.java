package org.kindling.tensor.winograd;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution;

/**
 * Per-layer inference forward times of the kernel the lower backends give (oneDNN's direct
 * convolution under {@code kindling.cpu.accel=auto}), F(4x4,3x3) and F(6x6,3x3) on the 3x3
 * stride-1 layers of VGG-16 and ResNet-18 (pad 1, with bias): a report, not a test. All
 * kernels run in turn in every round (A/B/C/A/B/C, so the load of the shared machine touches
 * all alike); each figure is the median of {@code -Drounds} (default 5) timed rounds after one
 * warm-up round. Effective GFLOP/s use the direct convolution's flop count
 * {@code 2·N·K·C·9·OH·OW}. With {@code -Dclock=cpu} (for {@code kindling.cpu.threads=1} only:
 * oneDNN's single OpenMP thread is then the caller) the times are the calling thread's CPU
 * time, which the other processes of a shared machine do not inflate the way they do wall
 * time. With {@code -Dclock=process} (any thread count) each call is also timed in the process's
 * CPU time ({@link ThreadsCpu#processNanos}: every thread's but the JIT's and GC's) and a line
 * per layer gives those medians. With {@code -Dkindling.winograd.stageTimes=true} one more call
 * of each variant reports its stages ({@link StageTimes}: gather, transforms, workspace copies,
 * GEMM, scatter; summed wall time of the workers) and how busy the workers were over the call.
 * {@code -Dchoice=false} skips the bind-time measurement of the last column, {@code
 * -Dfallback=false} the fallback kernel's calls. Run from core-tensor
 * with the test class path:
 *
 * <pre>java -Dkindling.cpu.accel=auto -Dkindling.cpu.threads=1 -Dkindling.blas.threads=1 \
 *   -Dclock=cpu -cp ... org.kindling.tensor.winograd.WinogradLayerBench [batch,..] [filter]</pre>
 */
public final class WinogradLayerBench {
  private static final int ROUNDS = Integer.getInteger("rounds", 5);
  private static final boolean CPU_CLOCK = "cpu".equals(System.getProperty("clock"));
  /** Times the process's CPU (all threads but the JIT's and GC's) next to the wall clock. */
  private static final boolean PROCESS_CLOCK = "process".equals(System.getProperty("clock"));
  /** {@code -Dskip=2,5}: kernels (by column index) not run, e.g. the slow planar stages. */
  private static final String SKIP = "," + System.getProperty("skip", "") + ",";
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  /**
   * {@code -Dfallback=false}: runs only F(4x4) and F(6x6) (the fallback columns read 0), for
   * before/after comparisons of the Winograd kernels that need not wait for oneDNN's calls.
   */
  private static final boolean FALLBACK =
      Boolean.parseBoolean(System.getProperty("fallback", "true"));

  /** name, C, K, H (= W). */
  private record Layer(String name, int c, int k, int hw) {}

  private static final List<Layer> LAYERS = List.of(
      new Layer("vgg conv1_2", 64, 64, 224),
      new Layer("vgg conv2_1", 64, 128, 112),
      new Layer("vgg conv2_2", 128, 128, 112),
      new Layer("vgg conv3_1", 128, 256, 56),
      new Layer("vgg conv3_2", 256, 256, 56),
      new Layer("vgg conv4_1", 256, 512, 28),
      new Layer("vgg conv4_2", 512, 512, 28),
      new Layer("vgg conv5_x", 512, 512, 14),
      new Layer("resnet18 s1", 64, 64, 56),
      new Layer("resnet18 s2", 128, 128, 28),
      new Layer("resnet18 s3", 256, 256, 14),
      new Layer("resnet18 s4", 512, 512, 7));

  private WinogradLayerBench() {}

  /** Prints the table for the batches in {@code args[0]} (default 1,64). */
  public static void main(String[] args) {
    int[] batches = Arrays.stream((args.length > 0 ? args[0] : "1,64").split(","))
        .mapToInt(Integer::parseInt).toArray();
    String filter = args.length > 1 ? args[1] : "";
    if (CPU_CLOCK && (CpuAccel.settings().threads() != 1 || Blas.numThreads() != 1)) {
      throw new IllegalArgumentException(
          "-Dclock=cpu needs -Dkindling.cpu.threads=1 and -Dkindling.blas.threads=1");
    }
    System.out.printf("openblas %s, BLAS threads %d, %s, rounds %d, %s clock%n",
        Blas.coreName(), Blas.numThreads(), CpuAccel.settings(), ROUNDS,
        CPU_CLOCK ? "thread CPU" : PROCESS_CLOCK ? "wall (process CPU)" : "wall");
    System.out.println("| layer | C->K | HxW | batch | fallback ms | F(4x4) ms | F(6x6) ms"
        + " | fallback GF/s | F4 GF/s | F6 GF/s | best/fallback | bind-time choice |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int n : batches) {
      for (Layer l : LAYERS) {
        if (l.name().contains(filter)) {
          row(l, n);
        }
      }
    }
  }

  private static void row(Layer l, int n) {
    Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, l.k()).withPad(1, 1);
    Shape[] ins = {Shape.of(n, l.c(), l.hw(), l.hw()), Shape.of(l.k(), l.c(), 3, 3),
        Shape.of(l.k())};
    DType[] f32 = {DType.FLOAT32, DType.FLOAT32, DType.FLOAT32};
    Shape y = Shape.of(n, l.k(), l.hw(), l.hw());
    KernelSignature sig = new KernelSignature(ins, f32, new Shape[] {y},
        new DType[] {DType.FLOAT32});
    Kernel fallback = WinogradKernels.fallbackKernel(p, sig);
    int threads = CpuAccel.settings().threads();
    // the fallback also in its own layouts where it has them (oneDNN's blocked formats): the time
    // it takes inside the executor's chain, without the two reorders a row-major call includes
    Layout[] chain = BindTimeChoice.chainLayouts(fallback);
    WinogradKernel f4 = new WinogradKernel(Variant.F4, false, p, sig, fallback, threads);
    List<Kernel> list = new ArrayList<>(List.of(fallback, f4,
        new WinogradKernel(Variant.F6, false, p, sig, fallback, threads)));
    if (chain != null) {
      list.add(((LayoutAware) fallback).withLayouts(chain[0], chain[1]));
      // F(4x4) in the same layouts where it reads and writes them (decision 0071)
      Kernel f4InChain = f4.inChainLayouts().withLayouts(chain[0], chain[1]);
      if (f4InChain != null) {
        // 4: channels innermost (decision 0080); 5: planar stages (0071); 6: F(6x6) as 4
        list.add(f4InChain);
        list.add(f4.inChainLayouts().withPlanarStages().withLayouts(chain[0], chain[1]));
        list.add(new WinogradKernel(Variant.F6, false, p, sig, fallback, threads)
            .inChainLayouts().withLayouts(chain[0], chain[1]));
      }
    }
    Kernel[] kernels = list.toArray(new Kernel[0]);
    SplittableRandom rnd = new SplittableRandom(5);
    TensorView[] in = new TensorView[ins.length];
    for (int i = 0; i < ins.length; i++) {
      in[i] = random(ins[i], Layout.ROW_MAJOR, rnd);
    }
    TensorView[] out = {random(y, Layout.ROW_MAJOR, rnd)};
    TensorView[] chainIn = in.clone();
    TensorView[] chainOut = out;
    if (chain != null) {
      chainIn[0] = random(ins[0], chain[0], rnd);
      chainOut = new TensorView[] {random(y, chain[1], rnd)};
    }
    OpContext[] ctx = new OpContext[kernels.length];
    for (int k = 0; k < kernels.length; k++) {
      long ws = kernels[k].workspaceBytes();
      if (ws > Integer.MAX_VALUE) { // a ByteBuffer holds at most 2 GB
        System.out.printf(Locale.ROOT, "| %s | %d->%d | %dx%d | %d | %s needs %.1f GB of workspace:"
            + " not run |%n", l.name(), l.c(), l.k(), l.hw(), l.hw(), n, kernels[k], ws / 1e9);
        return;
      }
      // unchanged weight stamps, as an inference binding runs: oneDNN reads its kept reordered
      // weights, Winograd its kept filter transforms
      ctx[k] = new OpContext(false, ByteBuffer.allocateDirect((int) Math.max(1, ws))
          .order(ByteOrder.nativeOrder()), Randoms.generator(1), new long[ins.length]);
    }
    List<long[]> times = new ArrayList<>();
    List<long[]> cpu = new ArrayList<>();
    for (Kernel k : kernels) {
      times.add(new long[ROUNDS]);
      cpu.add(new long[ROUNDS]);
    }
    for (int r = -1; r < ROUNDS; r++) {
      for (int k = 0; k < kernels.length; k++) {
        if (!FALLBACK && (k == 0 || k == 3) || SKIP.contains("," + k + ",")) {
          continue;
        }
        long c0 = PROCESS_CLOCK ? ThreadsCpu.processNanos() : 0;
        long t0 = now();
        kernels[k].forward(ctx[k], k >= 3 ? chainIn : in, k >= 3 ? chainOut : out);
        long t = now() - t0;
        long c = PROCESS_CLOCK ? ThreadsCpu.processNanos() - c0 : 0;
        if (r >= 0) {
          times.get(k)[r] = t;
          cpu.get(k)[r] = c;
        }
      }
    }
    if (StageTimes.ON) {
      for (int k = 1; k < 3; k++) {
        Variant var = k == 1 ? Variant.F4 : Variant.F6;
        long tiles = (long) n * ((l.hw() + var.m - 1) / var.m) * ((l.hw() + var.m - 1) / var.m);
        StageTimes.reset();
        kernels[k].forward(ctx[k], in, out);
        System.out.printf(Locale.ROOT, "stages %s %s b%d: %s%n", l.name(), var, n,
            StageTimes.report(2.0 * l.k() * l.c() * var.points() * tiles));
      }
    }
    if (PROCESS_CLOCK) {
      double[] c = new double[kernels.length];
      for (int k = 0; k < kernels.length; k++) {
        long[] t = cpu.get(k);
        Arrays.sort(t);
        c[k] = t[t.length / 2] / 1e6;
      }
      System.out.printf(Locale.ROOT, "cpu %s b%d: process CPU ms fallback %.1f, F(4x4) %.1f,"
          + " F(6x6) %.1f; best/fallback %.2fx%s%n", l.name(), n, c[0], c[1], c[2],
          c[0] / Math.min(c[1], c[2]), c.length < 4 ? "" : String.format(Locale.ROOT,
              "; fallback in its layouts %.1f, best/it %.2fx", c[3], c[3] / Math.min(c[1], c[2])));
    }
    double flops = 2.0 * n * l.k() * l.c() * 9 * l.hw() * l.hw();
    double[] ms = new double[kernels.length];
    for (int k = 0; k < kernels.length; k++) {
      long[] t = times.get(k);
      Arrays.sort(t);
      ms[k] = t[t.length / 2] / 1e6;
    }
    if (ms.length > 3) {
      System.out.printf(Locale.ROOT, "chain %s b%d: fallback in its layouts %.2f ms (%.0f GF/s),"
          + " best Winograd / it %.2fx%n", l.name(), n, ms[3], flops / ms[3] / 1e6,
          ms[3] / Math.min(ms[1], ms[2]));
    }
    if (ms.length > 4) {
      System.out.printf(Locale.ROOT, "chain %s b%d: F(4x4) in the fallback's layouts %.2f ms"
          + " (planar stages %.2f), F(6x6) in them %.2f, row-major F(4x4) %.2f ms; fallback in"
          + " them %.2f, row-major %.2f (its boundary %.2f ms)%n",
          l.name(), n, ms[4], ms[5], ms[6], ms[1], ms[3], ms[0], ms[0] - ms[3]);
    }
    System.out.printf(Locale.ROOT,
        "| %s | %d->%d | %dx%d | %d | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.2fx | %s |%n",
        l.name(), l.c(), l.k(), l.hw(), l.hw(), n, ms[0], ms[1], ms[2], flops / ms[0] / 1e6,
        flops / ms[1] / 1e6, flops / ms[2] / 1e6, ms[0] / Math.min(ms[1], ms[2]),
        Boolean.parseBoolean(System.getProperty("choice", "true")) ? choice(p, sig, threads)
            : "not measured");
  }

  /**
   * What {@code auto} binds for the layer (the variant, or the fallback kernel) and the times it
   * measured, fallback / F(4x4) / F(6x6) in ms, on the shape it measured.
   */
  private static String choice(Convolution.Params p, KernelSignature sig, int threads) {
    BindTimeChoice.Decision d = BindTimeChoice.decide(p, sig, threads);
    Shape measured = BindTimeChoice.measuredSignature(p, sig, threads).in(0);
    return String.format(Locale.ROOT, "%s (%.2f / %.2f / %.2f ms on %s)",
        d.variant() == null ? "fallback" : d.variant(), d.fallbackNanos() / 1e6,
        d.f4Nanos() / 1e6, d.f6Nanos() / 1e6, measured);
  }

  private static long now() {
    return CPU_CLOCK ? MX.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** Every float of the buffer (a blocked layout's padding included) uniform in [-1, 1). */
  private static TensorView random(Shape s, Layout layout, SplittableRandom rnd) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(layout.bytes(s, DType.FLOAT32)))
        .order(ByteOrder.nativeOrder());
    FloatBuffer f = b.asFloatBuffer();
    for (int i = 0; i < f.capacity(); i++) {
      f.put(i, (float) rnd.nextDouble(-1, 1));
    }
    return new TensorView(b, DType.FLOAT32, s, layout);
  }
}
