package org.kindling.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.kindling.tensor.op.CpuAccel;

/**
 * The accelerated CPU kernels' settings ({@link CpuAccel}) from a Spark application's conf:
 * {@value #MODE} ({@code auto}, the default, {@code off} or {@code force}) and {@value #THREADS}
 * (oneDNN threads per call). Applied like {@link MemoryLimit}, in every JVM of the application
 * before it binds a graph; without the keys the JVM's system properties ({@code
 * -Dkindling.cpu.accel}, {@code -Dkindling.cpu.threads}) apply. The command line's {@code
 * --accel} and {@code --threads} become these keys ({@link #entries}).
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
    CpuAccel.Mode mode = conf.contains(MODE) ? mode(conf.get(MODE), MODE)
        : mode(System.getProperty(CpuAccel.MODE, CpuAccel.DEFAULT.toString()), "-D"
            + CpuAccel.MODE);
    int threads = conf.contains(THREADS) ? threads(conf.get(THREADS), THREADS) : 0;
    CpuAccel.configure(mode, threads);
  }

  /**
   * The conf entries for a mode and a thread count given by a user (null where not given).
   *
   * @throws IllegalArgumentException naming {@code modeOption} or {@code threadsOption} for a
   *     value it cannot read
   */
  public static Map<String, String> entries(String mode, String modeOption, String threads,
      String threadsOption) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (mode != null) {
      conf.put(MODE, mode(mode, modeOption).toString());
    }
    if (threads != null) {
      conf.put(THREADS, Integer.toString(threads(threads, threadsOption)));
    }
    return conf;
  }

  /**
   * Reads a mode.
   *
   * @param what the key or option it was given as, for the error
   * @throws IllegalArgumentException naming {@code what} and the values it takes
   */
  public static CpuAccel.Mode mode(String value, String what) {
    try {
      return CpuAccel.Mode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + "=" + value
          + " is not a mode; use auto, off or force", e);
    }
  }

  /**
   * Reads a thread count, an integer >= 1.
   *
   * @param what the key or option it was given as, for the error
   * @throws IllegalArgumentException naming {@code what}
   */
  public static int threads(String value, String what) {
    int threads;
    try {
      threads = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      threads = -1;
    }
    if (threads < 1) {
      throw new IllegalArgumentException(what + "=" + value
          + " is not a positive integer (oneDNN threads per call)");
    }
    return threads;
  }
}
