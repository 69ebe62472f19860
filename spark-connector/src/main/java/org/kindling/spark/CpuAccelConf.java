package org.kindling.spark;

import org.apache.spark.SparkConf;
import org.kindling.tensor.op.CpuAccel;

/**
 * The accelerated CPU kernels' settings ({@link CpuAccel}) from a Spark application's conf:
 * {@value #MODE} ({@code auto}, {@code off}, {@code force}) and {@value #THREADS} (oneDNN
 * threads per call). Applied like {@link MemoryLimit}, in every JVM of the application before
 * it binds a graph; without the keys the JVM's system properties ({@code -Dkindling.cpu.accel},
 * {@code -Dkindling.cpu.threads}) apply.
 */
public final class CpuAccelConf {
  /** The Spark conf key of the mode. */
  public static final String MODE = "spark." + CpuAccel.MODE;
  /** The Spark conf key of the thread count. */
  public static final String THREADS = "spark." + CpuAccel.THREADS;

  private CpuAccelConf() {}

  /**
   * Configures this JVM's {@link CpuAccel} from {@code conf}, or resets it to the system
   * properties when neither key is set.
   *
   * @throws IllegalArgumentException naming the key for a mode or thread count it cannot read
   */
  public static void apply(SparkConf conf) {
    if (!conf.contains(MODE) && !conf.contains(THREADS)) {
      CpuAccel.reset();
      return;
    }
    CpuAccel.Mode mode;
    try {
      mode = conf.contains(MODE) ? CpuAccel.Mode.parse(conf.get(MODE))
          : CpuAccel.Mode.parse(System.getProperty(CpuAccel.MODE, CpuAccel.DEFAULT.toString()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(MODE + "=" + conf.get(MODE, "")
          + " is not a mode; use auto, off or force", e);
    }
    int threads = 0;
    if (conf.contains(THREADS)) {
      try {
        threads = Integer.parseInt(conf.get(THREADS).trim());
      } catch (NumberFormatException e) {
        threads = -1;
      }
      if (threads < 1) {
        throw new IllegalArgumentException(THREADS + "=" + conf.get(THREADS)
            + " is not a positive integer (oneDNN threads per call)");
      }
    }
    CpuAccel.configure(mode, threads);
  }
}
