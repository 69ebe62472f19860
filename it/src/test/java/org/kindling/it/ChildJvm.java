package org.kindling.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A Java program in a child JVM with the project's JVM flags, for tests that need a whole
 * process: its own class path, its own logging configuration, all of its stdout and stderr.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** Exit code, stdout and stderr of a finished child. */
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  /**
   * The test class path without the entries {@code drop} selects.
   *
   * @param drop e.g. Kindling's own jars, or the test classes and their logging configuration
   */
  static String testClassPath(Predicate<String> drop) {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return Arrays.stream(cp.split(File.pathSeparator)).filter(drop.negate())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Runs {@code mainClass} with {@code args} in {@code workDir} (stdout and stderr go to files
   * there), with Spark bound to loopback, and waits at most 3 minutes.
   *
   * @throws AssertionError naming the command and its output if it does not finish in time
   */
  static Result run(Path workDir, String classPath, String mainClass, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("kindling.test.jvm.flags", "").trim()
        .split("\\s+")));
    cmd.addAll(List.of("-Xmx1g", "-cp", classPath, mainClass));
    cmd.addAll(args);
    Files.createDirectories(workDir);
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().remove("KINDLING_DEBUG");
    Process p = pb.start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    Result r = new Result(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    if (!done) {
      throw new AssertionError("not finished within 3 minutes: " + String.join(" ", args)
          + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err());
    }
    return r;
  }
}
