package org.kindling.tensor.winograd;

import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Convolution;

/**
 * The bind-time choice for large calls, where every worker of the real F(4x4,3x3) call gets a
 * block of at least {@link #MIN_BLOCK_TILES} tiles (VGG-16's layers at batch 64): there, timing
 * scratch passes on the wall clock at several threads per call let a loaded machine flip layers
 * between Winograd and oneDNN from one binding to the next (under a load of 14 on 2 cores,
 * conv2_1 and conv3_2 went to oneDNN, conv4_2 to F(6x6), where a quiet binding takes F(4x4) for
 * all three: docs/benchmarks.md, 2026-12-03 h-vgg2). Two things make it stable:
 *
 * <ul>
 *   <li>{@link #certain}: shapes where Winograd's arithmetic saving is large enough that no
 *       machine's oneDNN has beaten it take F(4x4) without a measurement. Its GEMMs do 4x
 *       fewer multiply-adds than the direct convolution; the transforms cost per tile in
 *       proportion to {@code C + K}, the GEMMs to {@code C·K}, so the harmonic channel count
 *       {@code C·K/(C+K)} says how much of the saving survives. From {@link
 *       #MIN_HARMONIC_CHANNELS} (VGG-16's 128→256 and wider layers) on maps of at least
 *       {@link #MIN_EXTENT} F(4x4) measured 1.37-2.19x oneDNN's direct convolution on every
 *       machine and thread count measured (docs/winograd.md "Speed"), far beyond the noise and
 *       the boundary reorders of decision 0049 (a few percent of oneDNN's time there); below it (VGG-16's
 *       64→128 and 128→128 layers, ResNet-18's 128-channel stage, 1.1-1.4x) the margin is
 *       narrow and the choice stays measured. F(4x4), the more accurate variant, because
 *       F(6x6) beat it by the 10% the measurement asks on none of these shapes. On maps of at
 *       least {@link #LARGE_MAP_EXTENT} the bar is {@link #MIN_HARMONIC_CHANNELS_LARGE_MAPS}
 *       (VGG-16's conv2_2, 128→128 at 112x112; decision 0058): F(4x4) ran the full call
 *       1.2-1.46x faster than oneDNN's sub-batched, row-major kernel, which the measurement's
 *       part does not see (its oneDNN kernel is whole and timed in its blocked layouts), and
 *       the whole pass spent less CPU with it.
 *   <li>{@link #clock}: the other large calls are timed in the CPU time of the whole process
 *       (every thread's but the JIT compilers' and garbage collectors', from {@code
 *       /proc/self/task/<tid>/schedstat}, in nanoseconds), which other
 *       processes inflate far less than wall time, also with several threads per call, where
 *       the calling thread's CPU time misses the other workers'. Threads of the process that
 *       are not part of the call add to it too; binding runs before the passes, when the
 *       process's other threads are mostly idle.
 * </ul>
 *
 * <p>{@value #RULE}{@code =false} turns the first off (every shape measured).
 */
final class LargeCalls {
  /** System property: {@code false} measures the shapes {@link #certain} would decide. */
  static final String RULE = "kindling.winograd.rule";
  /** Tiles per block of the real F(4x4) call from which a call is large. */
  static final int MIN_BLOCK_TILES = 128;
  /** Output rows and columns from which tile waste at the edges is small (F(4x4): at most 14%). */
  static final int MIN_EXTENT = 28;
  /** {@code C·K/(C+K)} from which F(4x4) is taken without measuring: 128→256 is 85.3. */
  static final double MIN_HARMONIC_CHANNELS = 80;
  /**
   * Output rows and columns from which {@link #MIN_HARMONIC_CHANNELS_LARGE_MAPS} applies
   * (VGG-16's conv2_x, 112x112).
   */
  static final int LARGE_MAP_EXTENT = 112;
  /**
   * {@code C·K/(C+K)} from which F(4x4) is taken without measuring on maps of at least {@link
   * #LARGE_MAP_EXTENT}: 128→128 is 64; 64→128 (42.7) stays measured (decision 0058).
   */
  static final double MIN_HARMONIC_CHANNELS_LARGE_MAPS = 60;

  private LargeCalls() {}

  /**
   * True if the real F(4x4) call of {@code sig} gives each of its {@code threads} workers a
   * block of at least {@link #MIN_BLOCK_TILES} tiles.
   */
  static boolean large(Convolution.Params p, KernelSignature sig, int threads) {
    TiledConv t = WinogradKernel.forwardTiling(Variant.F4, p, sig, threads, sig);
    return t.blocks() >= threads && t.blockTiles() >= MIN_BLOCK_TILES;
  }

  /**
   * F(4x4) where the call is large and the shape's arithmetic saving certain (class comment),
   * else null (measure); null for every shape under {@value #RULE}{@code =false}.
   */
  static Variant certain(Convolution.Params p, KernelSignature sig, int threads) {
    if ("false".equalsIgnoreCase(System.getProperty(RULE))) {
      return null;
    }
    Shape y = sig.out(0);
    double c = sig.in(0).get(1);
    double k = p.numFilter();
    double harmonic = c * k / (c + k);
    boolean wide = harmonic >= MIN_HARMONIC_CHANNELS;
    boolean extents = y.get(2) >= MIN_EXTENT && y.get(3) >= MIN_EXTENT;
    boolean largeMaps = harmonic >= MIN_HARMONIC_CHANNELS_LARGE_MAPS
        && y.get(2) >= LARGE_MAP_EXTENT && y.get(3) >= LARGE_MAP_EXTENT;
    return (wide && extents || largeMaps) && large(p, sig, threads) ? Variant.F4 : null;
  }

  /**
   * The clock that times a large call of more than one thread: the process's CPU time, or null
   * where the call is not large, runs on one thread (the calling thread's CPU time counts it
   * all) or {@code /proc/self/task} cannot be read.
   */
  static LongSupplier clock(Convolution.Params p, KernelSignature sig, int threads) {
    if (threads <= 1 || !large(p, sig, threads)) {
      return null;
    }
    try {
      ThreadsCpu.processNanos();
      return ThreadsCpu::processNanos;
    } catch (UncheckedIOException | NumberFormatException e) {
      return null;
    }
  }
}
