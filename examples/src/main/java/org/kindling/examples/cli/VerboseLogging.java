package org.kindling.examples.cli;

import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code --verbose} for the libraries under the command line: the command line's {@code
 * log4j2.properties} keeps Spark, Hadoop and Netty silent, because a failed Spark task is
 * reported by several of their loggers with its whole stack trace while the command prints the
 * failure as one {@code kindling: error:} line. With {@code --verbose} their warnings and errors
 * are printed too.
 */
final class VerboseLogging {
  /** Loggers whose warnings are known to be harmless on a single machine: errors only. */
  static final List<String> HARMLESS_WARNINGS = List.of(
      "org.apache.hadoop.util.NativeCodeLoader", // no native Hadoop library: Java code is used
      "org.apache.spark.util.Utils", // the host name resolves to loopback: the intent here
      "org.apache.spark.BarrierCoordinator"); // a barrier stage's bookkeeping at job end

  private VerboseLogging() {}

  /**
   * Loggers that say at info level which accelerated kernels run: the settings of each JVM and,
   * per bound network, which kernel each accelerated operator got (docs/accel.md). Only with
   * {@code --verbose}: without it a failure must stay the one line on stderr.
   */
  static final List<String> ACCEL_INFO = List.of("org.kindling.tensor.op.CpuAccel",
      "org.kindling.symbol.KernelReport");

  /**
   * Lets every logger print warnings and errors, except {@link #HARMLESS_WARNINGS}, and {@link
   * #ACCEL_INFO} their info.
   */
  static void enable() {
    Configurator.setRootLevel(Level.WARN);
    for (String name : ACCEL_INFO) {
      Configurator.setLevel(name, Level.INFO);
    }
    for (String name : HARMLESS_WARNINGS) {
      Configurator.setLevel(name, Level.ERROR);
    }
  }
}
