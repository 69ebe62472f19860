package org.kindling.examples.cli;

import java.util.Map;
import org.kindling.spark.MemoryLimit;
import org.kindling.tensor.storage.Storage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --memory-limit SIZE}: the cap on Kindling's native array memory, for the commands that compute. */
final class MemoryLimitOption {
  static final String NAME = "--memory-limit";

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = NAME, paramLabel = "SIZE",
      description = "cap on Kindling's native array memory, e.g. 512m or 2g (with Spark: "
          + MemoryLimit.KEY + "; default: the JVM's -Xmx)")
  String value;

  /**
   * The size as given, for {@link MemoryLimit#KEY}, or null if the option is absent.
   *
   * @throws ParameterException (a usage error) if it is not a size
   */
  String sparkValue() {
    if (value != null) {
      bytes();
    }
    return value;
  }

  /** The {@link MemoryLimit#KEY} entry of the option, or none if it is absent. */
  Map<String, String> sparkConf() {
    String v = sparkValue();
    return v == null ? Map.of() : Map.of(MemoryLimit.KEY, v);
  }

  /**
   * Without Spark: caps this JVM's pool, if the option is given; either way the limit error then
   * names this option, the one way to raise the cap from the command line (the default, the
   * JVM's -Xmx, is 3 GiB from ./kindling: VGG-16 at batch 128 needs more).
   */
  void applyToThisJvm() {
    Storage pool = Storage.get();
    pool.setLimit(value != null ? bytes() : pool.limit(), NAME + " SIZE");
  }

  private long bytes() {
    try {
      return MemoryLimit.parse(value, NAME);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }
}
