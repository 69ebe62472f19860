package org.kindling.tensor.op;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.kindling.tensor.engine.ThreadBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of the accelerated CPU backends (oneDNN, Winograd convolution), MXNet's
 * {@code MXNET_CPU_NNPACK_NTHREADS} analogue: one place reads them, so system properties, Spark
 * conf and the CLI all end here.
 *
 * <ul>
 *   <li>{@value #MODE}: {@code auto} (the {@link #DEFAULT}: an accelerated kernel where its
 *       rules hold and, for Winograd, where it measured faster; the default kernel elsewhere),
 *       {@code off} (the default kernels only) or {@code force} (accelerated kernels wherever their rules hold;
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
   * The mode when none is set: {@code auto}. Its results equal the default kernels' within
   * float32 rounding on every zoo network (ZooAccelTest) and match MXNet's as closely as the
   * default kernels do wherever the problem is well conditioned (it/ZooTrainingMatchesMxnetIT,
   * which measures the conditioning); docs/decisions/0020.
   */
  public static final Mode DEFAULT = Mode.AUTO;

  /** When the accelerated backends run. */
  public enum Mode {
    AUTO,
    OFF,
    FORCE;

    /**
     * Parses {@code auto}, {@code off} or {@code force} (any case); {@code on} is {@code auto}
     * (the score benchmark's {@code --accel on|off} of issue 8).
     *
     * @throws IllegalArgumentException naming the property and the values it takes
     */
    public static Mode parse(String s) {
      if (s.trim().equalsIgnoreCase("on")) {
        return AUTO;
      }
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
  public record Settings(Mode mode, int threads) {
    /** As properties, e.g. {@code kindling.cpu.accel=auto, kindling.cpu.threads=1}. */
    @Override
    public String toString() {
      return MODE + "=" + mode + ", " + THREADS + "=" + threads;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(CpuAccel.class);
  private static volatile Settings configured;
  /** The settings last logged: each JVM says once which it runs with, and again on a change. */
  private static final AtomicReference<Settings> LOGGED = new AtomicReference<>();

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

  /**
   * The settings in effect: those configured, else the system properties read now. Logs them at
   * info level the first time (kernels are being made) and whenever they changed since.
   */
  public static Settings settings() {
    Settings s = configured;
    String source = s != null ? "configured" : "system properties";
    if (s == null) {
      s = resolve(System::getProperty);
    }
    if (!s.equals(LOGGED.getAndSet(s))) {
      LOG.info("CPU acceleration: {} ({})", s, source);
    }
    return s;
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
