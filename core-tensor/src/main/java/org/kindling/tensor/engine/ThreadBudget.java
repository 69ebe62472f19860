package org.kindling.tensor.engine;

import java.util.function.UnaryOperator;

/**
 * How many threads compute: the engine's compute workers times the threads OpenBLAS uses per
 * call stays within the cores, so that neither oversubscribes the other (docs/decisions/0012).
 *
 * <p>Defaults, for {@code C} cores: {@code C} engine workers and 1 BLAS thread. Parallelism
 * comes from independent operations (the concurrent Spark tasks of an executor share one engine,
 * and kernels other than GEMM are single-threaded), and single-threaded OpenBLAS does not
 * collapse when the machine is busy. Overrides, as system properties:
 *
 * <ul>
 *   <li>{@value #CORES}: the cores to budget (default: the JVM's available processors);
 *   <li>{@value #ENGINE_THREADS}: compute workers; alone, BLAS gets {@code max(1, C / workers)};
 *   <li>{@value #BLAS_THREADS}: OpenBLAS threads per call; alone, the engine gets
 *       {@code max(1, C / blas)} workers (e.g. {@code C} for one big-matrix stream: 1 worker);
 *   <li>{@value #IO_THREADS}: workers for {@link FnProperty#IO} operations (default
 *       {@value #DEFAULT_IO_THREADS}); not budgeted, since they mostly wait on the network or
 *       disk.
 * </ul>
 *
 * <p>Setting both workers and BLAS threads is taken as given, even past the cores.
 */
public final class ThreadBudget {
  public static final String CORES = "kindling.cores";
  public static final String ENGINE_THREADS = "kindling.engine.threads";
  public static final String BLAS_THREADS = "kindling.blas.threads";
  public static final String IO_THREADS = "kindling.engine.io.threads";
  static final int DEFAULT_IO_THREADS = 2;

  private final int cores;
  private final int engineThreads;
  private final int blasThreads;
  private final int ioThreads;

  private ThreadBudget(int cores, int engineThreads, int blasThreads, int ioThreads) {
    this.cores = cores;
    this.engineThreads = engineThreads;
    this.blasThreads = blasThreads;
    this.ioThreads = ioThreads;
  }

  /**
   * The budget that the system properties and this JVM's available processors give, read
   * afresh on every call.
   *
   * @throws IllegalArgumentException if a property is set but not a positive integer
   */
  public static ThreadBudget fromSystemProperties() {
    return resolve(System::getProperty, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The budget for {@code availableProcessors} cores and the given properties.
   *
   * @param property a property's value by name, null if unset
   */
  static ThreadBudget resolve(UnaryOperator<String> property, int availableProcessors) {
    Integer coresSet = positive(property, CORES);
    int cores = coresSet != null ? coresSet : Math.max(1, availableProcessors);
    Integer workers = positive(property, ENGINE_THREADS);
    Integer blas = positive(property, BLAS_THREADS);
    Integer io = positive(property, IO_THREADS);
    if (workers == null) {
      workers = blas == null ? cores : Math.max(1, cores / blas);
    }
    if (blas == null) {
      blas = Math.max(1, cores / workers);
    }
    return new ThreadBudget(cores, workers, blas, io != null ? io : DEFAULT_IO_THREADS);
  }

  private static Integer positive(UnaryOperator<String> property, String name) {
    String s = property.apply(name);
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + name + "=" + s + " is not a positive integer");
  }

  /** The cores the budget shares out. */
  public int cores() {
    return cores;
  }

  /** Compute workers of the threaded engine. */
  public int engineThreads() {
    return engineThreads;
  }

  /** Threads OpenBLAS uses for each call. */
  public int blasThreads() {
    return blasThreads;
  }

  /** Workers of the threaded engine's {@link FnProperty#IO} pool. */
  public int ioThreads() {
    return ioThreads;
  }

  @Override
  public String toString() {
    return cores + " cores: " + engineThreads + " engine workers x " + blasThreads
        + " BLAS threads, " + ioThreads + " I/O workers";
  }
}
