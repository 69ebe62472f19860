package org.kindling.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs under this JVM's settings: the side-by-side runners
 * give every framework a process of its own (frameworks loaded into one process disturb each
 * other), with the same flags and class path.
 */
public final class JavaCommand {
  private JavaCommand() {}

  /** {@code java <this JVM's flags> -cp <this class path> mainClass args...}. */
  public static List<String> of(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
