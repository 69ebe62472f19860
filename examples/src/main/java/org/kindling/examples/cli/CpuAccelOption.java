package org.kindling.examples.cli;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.kindling.spark.CpuAccelConf;
import org.kindling.tensor.op.CpuAccel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --accel auto|off|force} and {@code --threads N}: the accelerated CPU kernels'
 * settings ({@link CpuAccel}), for the commands that bind networks. With Spark they become the
 * application's {@link CpuAccelConf} keys, so that the driver and every executor apply them;
 * without, they configure this JVM. Absent, the JVM's system properties apply ({@code auto} by
 * default).
 */
final class CpuAccelOption {
  static final String ACCEL = "--accel";
  static final String THREADS = "--threads";

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = ACCEL, paramLabel = "MODE",
      description = "accelerated CPU kernels (oneDNN, Winograd): auto (default: where their"
          + " rules hold, the default kernels elsewhere), off (the default kernels only) or"
          + " force (fail on a layer they cannot run); with Spark: " + CpuAccelConf.MODE)
  String mode;

  @Option(names = THREADS, paramLabel = "N",
      description = "OpenMP threads of each oneDNN call (with Spark: " + CpuAccelConf.THREADS
          + "; default: the thread budget's BLAS threads)")
  String threads;

  /**
   * The {@link CpuAccelConf} entries of the options given (empty without them).
   *
   * @throws ParameterException (a usage error) for a value that is not a mode or thread count
   */
  Map<String, String> sparkConf() {
    try {
      return CpuAccelConf.entries(mode, ACCEL, threads, THREADS);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  /** Without Spark: configures this JVM's kernels, if an option is given. */
  void applyToThisJvm() {
    Map<String, String> conf = sparkConf();
    if (!conf.isEmpty()) {
      SparkConf c = new SparkConf(false);
      conf.forEach(c::set);
      CpuAccelConf.apply(c);
    }
  }

  /** The thread count given, or null. */
  Integer threads() {
    return threads == null ? null : CpuAccelConf.threads(threads, THREADS);
  }
}
