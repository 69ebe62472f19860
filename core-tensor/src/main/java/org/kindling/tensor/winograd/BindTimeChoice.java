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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.storage.DirectBuffers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which algorithm runs a convolution shape, measured once per (parameters, input shapes, threads
 * per call) and
 * kept for the life of the process: the kernel the other backends give (the fallback: oneDNN's
 * or the default one), F(4x4,3x3) and F(6x6,3x3) run inference forward passes in turn on
 * scratch tensors, one warm-up round then {@link #RUNS} timed rounds (in turn, so that JIT
 * compilation and the machine's load affect all three alike), and each one's minimum time
 * decides ({@link Decision#of}): Winograd, with the reorders its row-major boundary costs, must
 * beat the fallback by {@link #WINOGRAD_MARGIN} and
 * F(6x6) must beat F(4x4) by {@link #F6_MARGIN}, so that near-ties, which the noise of a shared
 * machine can tip either way from one binding to the next and the measurement's hot caches
 * favour Winograd in, keep the more accurate kernel (under
 * a load of 12 on 2 cores, the wall-time choices for VGG-16 at batch 64 left 9 of its 13 layers
 * to oneDNN, where a binding at lower load the same day took Winograd for every shape from
 * conv2_1 to conv5_x).
 *
 * <p>The fallback is timed as it runs in an inference binding: where it has layouts of its own
 * ({@link LayoutAware}, oneDNN's blocked formats), on data and output in them, since the
 * executor keeps a chain of such kernels in their layouts (docs/decisions/0029). Winograd reads
 * and writes row-major, so taking it cuts that chain: the value coming in and the value going
 * out are each reordered once more per call, and those reorders are charged to it. They are the
 * fallback's own reorders from and to row-major, timed alike (the fallback on row-major tensors
 * less the fallback in its layouts). Charging the fallback its reorders instead, as the
 * measurement did before, gave ResNet-18's 64- to 256-channel layers to Winograd at batch 8
 * where oneDNN's chain ran them faster.
 *
 * <p>Where Winograd can read and write the fallback's layouts itself (channel-blocked, {@code
 * nChw16c}, with channels that are multiples of the block: {@link WinogradKernel#withLayouts},
 * decision 0071), it is timed in them as the fallback is, on the same views, and charged no
 * reorders: both run as the chain would run them.
 *
 * <p>Times are the calling thread's CPU time where all three compute on the calling thread
 * alone (one thread per call, one OpenBLAS thread: oneDNN's single OpenMP thread is then the
 * caller), which other processes on a shared machine do not inflate as they do wall time;
 * otherwise wall time ({@link #clock}), and then the process's CPU time of the same calls as a
 * second opinion ({@link ProcessCpuClock}, nanoseconds; the JVM's counts in 10 ms steps on
 * Linux): Winograd is taken only if both clocks give it ({@link Decision#confirmed}). Under
 * load, the minimum over {@link #RUNS} rounds is the pass that ran least disturbed, but on a
 * loaded 2-core machine every round of a kernel can be delayed, and the wall clock alone then
 * tipped near-ties at batch 1 (VGG's conv1_2) to whichever kernel the load happened to spare.
 * A timing counts only if the JVM's own threads stayed under {@link #MAX_JVM_SHARE} of a core
 * while it ran ({@link ThreadsCpu#jvmNanos}), and rounds go on until every kernel has {@link
 * #RUNS} such timings (at most {@link #MAX_ROUNDS}): the first layers bind while the JIT
 * compiles, and on two cores a compiler thread took one from oneDNN's two threads for whole
 * measurements. ResNet-18 at batch 4 then measured its 128-channel fallback at 4.1 ms on two
 * images, which the pass runs in 2.0, gave those layers to F(4x4), and ran 7% slower for it
 * (docs/benchmarks.md, 2026-12-04).
 *
 * <p>The scratch tensors have the real shape, cut to one whole block of the real call per worker
 * ({@link #measuredSignature}): fewer images, or for one large image fewer output rows, so that
 * binding never allocates another copy of a batch's activations, and the sgemms run the columns
 * they run in the real call.
 */
final class BindTimeChoice {
  /** Timed rounds (after one warm-up round) in which the JVM's own threads kept quiet. */
  static final int RUNS = 5;
  /**
   * Timed rounds at most, quiet or not: the JIT compiles for seconds after the first layers
   * bind, and waiting longer than this for it costs more than a kernel timed beside it.
   */
  static final int MAX_ROUNDS = 8 * RUNS;
  /**
   * A timing counts only where the JVM's own threads (JIT compilers, garbage collectors) used
   * less than this share of one core while it ran (class comment).
   */
  static final double MAX_JVM_SHARE = 0.1;
  /** F(6x6) is chosen over F(4x4) only if its time is below this fraction of F(4x4)'s. */
  static final double F6_MARGIN = 0.9;
  /**
   * Winograd is chosen over the fallback only if its time is below this fraction of its. Not
   * 0.95, as until 2026-12-04: a kernel timed alone, over and over on the same scratch tensors,
   * flatters Winograd against the pass. ResNet-18's 128-channel layers at batch 4 measured F(4x4)
   * at 0.87-0.92 of oneDNN's time and made the pass 7% slower (three layers, 75 against 70 ms);
   * at batch 8, 0.78-0.82, the pass ran as fast either way (docs/benchmarks.md, 2026-12-04).
   */
  static final double WINOGRAD_MARGIN = 0.85;
  /** Index of the fallback run in its own layouts among the timed kernels, when it has them. */
  private static final int IN_CHAIN = 3;
  /** Output rows of a height cut: whole tiles of F(4x4) and F(6x6). */
  private static final int ROW_STEP = 12;

  /**
   * A measured decision: the variant to use, or null for the fallback kernel.
   *
   * @param fallbackNanos the fallback kernel's time in its own layouts (row-major if it has none)
   * @param boundaryNanos what Winograd's row-major data and output add in reorders where the
   *     fallback has layouts of its own (0 where it has none)
   * @param cpu where the times are wall times of a call on several threads: the decision the
   *     process's CPU times of the same rounds give, which a Winograd choice must agree with
   *     ({@link #confirmed}); null where the times are already the caller's CPU time, or the
   *     process's CPU clock cannot be read
   */
  record Decision(Variant variant, long fallbackNanos, long boundaryNanos, long f4Nanos,
      long f6Nanos, Decision cpu) {
    /** The decision the measured times give, with the margins (one clock). */
    static Decision of(long fallbackNanos, long boundaryNanos, long f4Nanos, long f6Nanos) {
      Variant v = fasterWinograd(f4Nanos, f6Nanos);
      long wino = (v == Variant.F4 ? f4Nanos : f6Nanos) + boundaryNanos;
      return new Decision(wino < WINOGRAD_MARGIN * fallbackNanos ? v : null, fallbackNanos,
          boundaryNanos, f4Nanos, f6Nanos, null);
    }

    /**
     * The decision of two clocks over the same rounds: {@code wall}'s, unless it takes Winograd
     * and {@code cpu} (null: none) keeps the fallback. Under load, every round of one kernel can
     * be delayed on the wall clock (its minimum then overstates it, and a near-tie tips), while
     * the CPU time of the threads that ran it is not inflated by waiting; on a quiet machine
     * both agree. Where they do not, the fallback stays: it keeps the blocked chain and is the
     * more accurate kernel, as for the margins.
     */
    static Decision confirmed(Decision wall, Decision cpu) {
      boolean agree = cpu == null || wall.variant() == null || cpu.variant() != null;
      return new Decision(agree ? wall.variant() : null, wall.fallbackNanos(),
          wall.boundaryNanos(), wall.f4Nanos(), wall.f6Nanos(), cpu);
    }

    /** The faster Winograd variant, whether or not it beat the fallback kernel. */
    Variant fasterWinograd() {
      return fasterWinograd(f4Nanos, f6Nanos);
    }

    private static Variant fasterWinograd(long f4Nanos, long f6Nanos) {
      return f6Nanos < F6_MARGIN * f4Nanos ? Variant.F6 : Variant.F4;
    }

    /** The measured time of {@code v}. */
    long nanos(Variant v) {
      return v == Variant.F4 ? f4Nanos : f6Nanos;
    }
  }

  private record Key(Convolution.Params params, List<Shape> inShapes, int threads) {}

  private static final Map<Key, Decision> DECISIONS = new ConcurrentHashMap<>();

  private static final Logger LOG = LoggerFactory.getLogger(BindTimeChoice.class);

  private BindTimeChoice() {}

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }

  /** The decision for this shape and thread count, measured on first use. */
  static Decision decide(Convolution.Params p, KernelSignature sig, int threads) {
    Key key = new Key(p, List.of(sig.inShapes()), threads);
    Decision d = DECISIONS.get(key);
    if (d == null) {
      Variant certain = LargeCalls.certain(p, sig, threads);
      if (certain != null) {
        return DECISIONS.computeIfAbsent(key, k -> byRule(certain, sig, threads));
      }
      // outside the map's lock: it takes a while
      d = measure(p, sig, threads);
      Decision prev = DECISIONS.putIfAbsent(key, d);
      if (prev == null) {
        LOG.info("Convolution {} on {} threads: {} (measured on {}: fallback {} ms, F(4x4) {} ms,"
            + " F(6x6) {} ms, each + {} ms of reorders at its row-major boundary, 0 where it"
            + " runs in the fallback's layouts{})", sig.in(0),
            threads,
            d.variant() == null ? "the fallback kernel" : "Winograd " + d.variant().label(),
            measuredSignature(p, sig, threads).in(0), ms(d.fallbackNanos()), ms(d.f4Nanos()),
            ms(d.f6Nanos()), ms(d.boundaryNanos()), d.cpu() == null ? ""
                : "; process CPU: fallback " + ms(d.cpu().fallbackNanos()) + ", F(4x4) "
                + ms(d.cpu().f4Nanos()) + ", F(6x6) " + ms(d.cpu().f6Nanos()) + " + "
                + ms(d.cpu().boundaryNanos()) + " ms");
      }
      d = prev == null ? d : prev;
    }
    return d;
  }

  /**
   * The decision for a large call whose shape takes {@code v} without a measurement
   * ({@link LargeCalls#certain}): no times (all 0).
   */
  private static Decision byRule(Variant v, KernelSignature sig, int threads) {
    LOG.info("Convolution {} on {} threads: Winograd {} by the rule for large calls (not"
        + " measured; -D{}=false measures it)", sig.in(0), threads, v.label(), LargeCalls.RULE);
    return new Decision(v, 0, 0, 0, 0, null);
  }

  /**
   * The part of {@code sig} the measurement runs: for each variant, one whole block of the real
   * call per worker (up to {@code threads}), in fewer images, or for a large image in fewer
   * output rows of one image (a multiple of 12, whole tiles of both variants). The Winograd
   * kernels measured on it cut their blocks as for {@code sig} (and the fallback runs the same
   * part), so that their sgemms have the columns they have in the real call: a cut to a fixed
   * flop count left a 56x56 layer at batch 64 blocks of one tile row (sgemms of 14 columns,
   * against 448 in the real call) and measured Winograd in a regime it does not run in.
   */
  static KernelSignature measuredSignature(Convolution.Params p, KernelSignature sig,
      int threads) {
    Shape d = sig.in(0);
    Shape y = sig.out(0);
    int images = 1;
    int outRows = 0;
    for (Variant v : Variant.values()) {
      TiledConv full = WinogradKernel.forwardTiling(v, p, sig, threads, sig);
      int tileRows = Math.min(full.tileRows(), full.workers() * full.rowsPerBlock());
      images = Math.max(images, (tileRows + full.tilesY() - 1) / full.tilesY());
      outRows = Math.max(outRows, tileRows * v.m);
    }
    outRows = images > 1 ? y.get(2)
        : Math.min(y.get(2), (outRows + ROW_STEP - 1) / ROW_STEP * ROW_STEP);
    int inRows = outRows + 2 - 2 * Conditions.pad(p, 0);
    if (images == d.get(0) && outRows == y.get(2) || inRows < 1) {
      return sig;
    }
    Shape[] in = sig.inShapes().clone();
    in[0] = Shape.of(images, d.get(1), images > 1 ? d.get(2) : inRows, d.get(3));
    Shape out = Shape.of(images, y.get(1), outRows, y.get(3));
    return new KernelSignature(in, sig.inTypes(), new Shape[] {out}, sig.outTypes());
  }

  private static Decision measure(Convolution.Params p, KernelSignature full, int threads) {
    KernelSignature sig = measuredSignature(p, full, threads);
    Kernel fallback = WinogradKernels.fallbackKernel(p, sig);
    Layout[] chain = chainLayouts(fallback);
    Kernel inChain = chain == null ? null
        : ((LayoutAware) fallback).withLayouts(chain[0], chain[1]);
    WinogradKernel f4 = new WinogradKernel(Variant.F4, false, p, sig, fallback, threads, full);
    WinogradKernel f6 = new WinogradKernel(Variant.F6, false, p, sig, fallback, threads, full);
    // where Winograd reads and writes the fallback's layouts too (channel-blocked, decision
    // 0071), it stays inside the chain: timed in those layouts, it is charged no reorders
    Kernel f4InChain = inChain == null ? null : f4.withLayouts(chain[0], chain[1]);
    Kernel f6InChain = inChain == null ? null : f6.withLayouts(chain[0], chain[1]);
    boolean winogradInChain = f4InChain != null && f6InChain != null;
    List<Kernel> timed = new ArrayList<>(List.of(fallback, winogradInChain ? f4InChain : f4,
        winogradInChain ? f6InChain : f6));
    if (inChain != null) {
      timed.add(inChain);
    }
    Kernel[] kernels = timed.toArray(new Kernel[0]);
    List<ByteBuffer> buffers = new ArrayList<>();
    try {
      return measure(p, full, threads, sig, kernels, inChain, chain, winogradInChain, buffers);
    } finally {
      // nothing of the measurement stays: its kernels' kept weights and transforms and its
      // scratch tensors would otherwise stay resident until a collection (decision 0069)
      for (Kernel k : kernels) {
        k.release();
      }
      for (ByteBuffer b : buffers) {
        DirectBuffers.free(b);
      }
    }
  }

  private static Decision measure(Convolution.Params p, KernelSignature full, int threads,
      KernelSignature sig, Kernel[] kernels, Kernel inChain, Layout[] chain,
      boolean winogradInChain, List<ByteBuffer> buffers) {
    long ws = 0;
    for (Kernel k : kernels) {
      ws = Math.max(ws, k.forwardWorkspaceBytes());
    }
    // inference as the executor runs it: the weights' stamp stays, so a oneDNN fallback reads
    // its kept reordered weights (WeightCache) rather than reordering them per call, as the
    // Winograd kernels read their kept transforms
    long[] unchanged = new long[sig.inShapes().length];
    ByteBuffer workspace = direct(ws);
    buffers.add(workspace);
    OpContext ctx = new OpContext(false, workspace, null, unchanged);
    SplittableRandom rnd = new SplittableRandom(17);
    TensorView[] in = new TensorView[sig.inShapes().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = kept(scratch(sig.in(i), rnd), buffers);
    }
    TensorView[] out = {kept(scratch(sig.out(0), rnd), buffers)};
    TensorView[] chainIn = in.clone();
    TensorView[] chainOut = out;
    if (inChain != null) {
      chainIn[0] = kept(scratch(sig.in(0), chain[0], rnd), buffers);
      chainOut = new TensorView[] {kept(scratch(sig.out(0), chain[1], rnd), buffers)};
    }
    Timings quiet = new Timings(kernels.length);
    Timings all = new Timings(kernels.length);
    // a large call is timed on the process's CPU clock alone (decision 0053); another call on
    // several threads on the wall clock, confirmed by the process's CPU time (decision 0052:
    // the caller's thread alone would miss the other workers' share)
    LongSupplier large = LargeCalls.clock(p, full, threads);
    LongSupplier clock = large != null ? large : clock(threads);
    LongSupplier cpu = large != null || clock == THREAD_CPU ? null : ProcessCpuClock.get();
    for (int round = 0; round <= MAX_ROUNDS && quiet.fewest() < RUNS; round++) {
      for (int k = 0; k < kernels.length; k++) {
        // for oneDNN, the fallback laid out for its chain, and Winograd where it runs there too
        boolean chained = k == IN_CHAIN || winogradInChain && k > 0;
        long j0 = ThreadsCpu.jvmNanos();
        long w0 = System.nanoTime();
        long c0 = cpu == null ? 0 : cpu.getAsLong();
        long t0 = clock.getAsLong();
        kernels[k].forward(ctx, chained ? chainIn : in, chained ? chainOut : out);
        long t = clock.getAsLong() - t0;
        long c = cpu == null ? 0 : cpu.getAsLong() - c0;
        long w = System.nanoTime() - w0;
        long jvm = ThreadsCpu.jvmNanos() - j0;
        if (round > 0) { // round 0 warms up
          all.add(k, t, c);
          if (jvm <= MAX_JVM_SHARE * w) {
            quiet.add(k, t, c);
          }
        }
      }
    }
    quiet.orElse(all);
    Decision wall = decision(quiet.best, inChain != null, winogradInChain);
    return cpu == null ? wall
        : Decision.confirmed(wall, decision(quiet.bestCpu, inChain != null, winogradInChain));
  }

  /** Per kernel: how many timings were kept and the least of each clock's. */
  private static final class Timings {
    final long[] best;
    final long[] bestCpu;
    final int[] count;

    Timings(int kernels) {
      best = new long[kernels];
      bestCpu = new long[kernels];
      count = new int[kernels];
      Arrays.fill(best, Long.MAX_VALUE);
      Arrays.fill(bestCpu, Long.MAX_VALUE);
    }

    void add(int k, long t, long c) {
      best[k] = Math.min(best[k], t);
      bestCpu[k] = Math.min(bestCpu[k], c);
      count[k]++;
    }

    int fewest() {
      return Arrays.stream(count).min().orElse(0);
    }

    /** A kernel without a timing here (the JIT busy in every round) takes {@code other}'s. */
    void orElse(Timings other) {
      for (int k = 0; k < count.length; k++) {
        if (count[k] == 0) {
          best[k] = other.best[k];
          bestCpu[k] = other.bestCpu[k];
          count[k] = other.count[k];
        }
      }
    }
  }

  /** {@code t}, its buffer added to {@code buffers} (freed after the measurement). */
  private static TensorView kept(TensorView t, List<ByteBuffer> buffers) {
    buffers.add(t.data());
    return t;
  }

  /**
   * The one-clock decision of the kernels' best times (the fallback in its chain last): with
   * {@code winogradInChain}, Winograd was timed in the chain's layouts and pays no boundary.
   */
  private static Decision decision(long[] best, boolean chained, boolean winogradInChain) {
    if (!chained) {
      return Decision.of(best[0], 0, best[1], best[2]);
    }
    long boundary = winogradInChain ? 0 : Math.max(0, best[0] - best[IN_CHAIN]);
    return Decision.of(best[IN_CHAIN], boundary, best[1], best[2]);
  }

  /**
   * The layouts {@code fallback} reads its data and writes its output in within a chain of
   * kernels of its backend, or null if it has none of its own (both row-major).
   */
  static Layout[] chainLayouts(Kernel fallback) {
    if (!(fallback instanceof LayoutAware la)) {
      return null;
    }
    Layout in = la.nativeInput();
    Layout out = la.nativeOutput(in);
    return in == Layout.ROW_MAJOR && out == Layout.ROW_MAJOR ? null : new Layout[] {in, out};
  }

  /** The calling thread's CPU time in nanoseconds. */
  private static final LongSupplier THREAD_CPU =
      ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime;

  /**
   * The calling thread's CPU time where every kernel computes on the calling thread alone (one
   * thread per call, one OpenBLAS thread: oneDNN's single OpenMP thread is then the caller).
   * Otherwise wall time, which counts the work of the other threads.
   */
  private static LongSupplier clock(int threads) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    boolean cpu = threads == 1 && Blas.numThreads() == 1 && mx.isCurrentThreadCpuTimeSupported();
    return cpu ? THREAD_CPU : System::nanoTime;
  }

  private static ByteBuffer direct(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(Math.max(bytes, 1)))
        .order(ByteOrder.nativeOrder());
  }

  /** A row-major float32 tensor of uniform values in [-1, 1). */
  private static TensorView scratch(Shape s, SplittableRandom rnd) {
    return scratch(s, Layout.ROW_MAJOR, rnd);
  }

  /**
   * A float32 tensor of {@code s} in {@code layout}, every float of its buffer (channel padding
   * included) uniform in [-1, 1): a timing input, whose values only need to be ordinary numbers.
   */
  private static TensorView scratch(Shape s, Layout layout, SplittableRandom rnd) {
    ByteBuffer b = direct(layout.bytes(s, DType.FLOAT32));
    FloatBuffer f = b.asFloatBuffer();
    for (int i = 0; i < f.capacity(); i++) {
      f.put(i, (float) rnd.nextDouble(-1, 1));
    }
    return new TensorView(b, DType.FLOAT32, s, layout);
  }
}
