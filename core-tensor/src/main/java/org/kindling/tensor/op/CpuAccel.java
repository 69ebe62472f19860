package org.kindling.tensor.op;

import java.util.Locale;
import java.util.function.UnaryOperator;
import org.kindling.tensor.engine.ThreadBudget;

/**
 * The settings of the accelerated CPU backends (oneDNN, Winograd convolution), MXNet's
 * {@code MXNET_CPU_NNPACK_NTHREADS} analogue: one place reads them, so system properties, Spark
 * conf and the CLI all end here.
 *
 * <ul>
 *   <li>{@value #MODE}: {@code auto} (an accelerated kernel where its rules hold and,
 *       for Winograd, where it measured faster; the default kernel elsewhere), {@code off} (the
 *       default kernels only; the {@link #DEFAULT} for now) or {@code force} (accelerated kernels wherever their rules hold;
 *       binding a layer no backend can run fails, naming the operator, its signature and the
 *       rule);
 *   <li>{@value #THREADS}: OpenMP threads of each oneDNN call (default: the {@link
 *       ThreadBudget}'s cores, so that one call of a chain of layers, batch 1 say, uses every
 *       core; the oneDNN runtime lets only as many calls run at once as the cores hold, so that
 *       engine workers times oneDNN threads do not oversubscribe them).
 * </ul>
 *
 * <p>Kernels are chosen when a graph is bound: a change applies to graphs bound (and imperative
 * kernels made) after it.
 */
public final class CpuAccel {
  public static final String MODE = "kindling.cpu.accel";
  public static final String THREADS = "kindling.cpu.threads";

  /**
   * The mode when none is set: {@code off} for now, so acceleration is opt-in. With oneDNN, a
   * training step of mobilenet0.25 lands 2% from MXNet's float64 gradients where the default
   * kernels stay within 1e-3 (it/ZooTrainingMatchesMxnetIT): one ReLU whose input is within
   * rounding of zero passes its gradient on one backend only; and inception-bn's gradient of a
   * bias before a BatchNorm (zero up to rounding) is just over twice as far from float64 as
   * MXNet's native float32 result (docs/accel.md). {@code auto} becomes the default once that
   * test can tell such rounding from an error.
   */
  public static final Mode DEFAULT = Mode.OFF;

  /** When the accelerated backends run. */
  public enum Mode {
    AUTO,
    OFF,
    FORCE;

    /**
     * Parses {@code auto}, {@code off} or {@code force} (any case).
     *
     * @throws IllegalArgumentException naming the property and the values it takes
     */
    public static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException("-D" + MODE + "=" + s
          + " is not a mode; use auto, off or force");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The settings in effect. */
  public record Settings(Mode mode, int threads) {}

  private static volatile Settings configured;

  private CpuAccel() {}

  /**
   * Sets the mode and thread count for kernels made from now on, overriding the system
   * properties (the hook for Spark conf and the CLI).
   *
   * @param threads oneDNN threads per call, or 0 for the thread budget's default
   * @throws IllegalArgumentException if {@code threads} is negative
   */
  public static void configure(Mode mode, int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException(THREADS + " must be >= 1 (or 0 for the default), got "
          + threads);
    }
    configured = new Settings(mode, threads == 0 ? defaultThreads() : threads);
  }

  /** Forgets {@link #configure}: the system properties apply again. */
  public static void reset() {
    configured = null;
  }

  /** The settings in effect: those configured, else the system properties read now. */
  public static Settings settings() {
    Settings s = configured;
    return s != null ? s : resolve(System::getProperty);
  }

  /**
   * The settings the given properties give.
   *
   * @throws IllegalArgumentException for a bad mode or a thread count that is not a positive
   *     integer, naming the property
   */
  static Settings resolve(UnaryOperator<String> property) {
    String m = property.apply(MODE);
    Mode mode = m == null || m.isBlank() ? DEFAULT : Mode.parse(m);
    String t = property.apply(THREADS);
    int threads;
    if (t == null || t.isBlank()) {
      threads = defaultThreads();
    } else {
      try {
        threads = Integer.parseInt(t.trim());
      } catch (NumberFormatException e) {
        threads = 0;
      }
      if (threads < 1) {
        throw new IllegalArgumentException("-D" + THREADS + "=" + t
            + " is not a positive integer (oneDNN threads per call)");
      }
    }
    return new Settings(mode, threads);
  }

  private static int defaultThreads() {
    return ThreadBudget.fromSystemProperties().cores();
  }
}
