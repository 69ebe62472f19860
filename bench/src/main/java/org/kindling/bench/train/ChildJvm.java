package org.kindling.bench.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.kindling.bench.JavaCommand;

/**
 * Runs one framework on one network in a child JVM ({@link TrainWorker}) and returns its result.
 * The child gets this JVM's flags, class path and environment ({@code OMP_NUM_THREADS},
 * {@code OPENBLAS_*}), so every framework runs under the same settings; its standard error (the
 * progress lines) goes straight to this JVM's, and its standard output, except the result line,
 * to this JVM's standard error, so that standard output keeps only the Markdown.
 */
final class ChildJvm {
  /** How long past its own timeout a child may take to report before it is killed. */
  private static final Duration GRACE = Duration.ofMinutes(5);

  private ChildJvm() {}

  /**
   * Trains {@code network} in {@code framework} (an id of {@link TrainOptions#ALL_FRAMEWORKS})
   * in a child JVM; a child that crashes, prints no result or overruns its timeout gets a row
   * saying so.
   *
   * @param name the framework's display name, for such a row
   */
  static TrainResult run(String name, String framework, Network network, TrainOptions o) {
    List<String> cmd = JavaCommand.of(TrainWorker.class.getName(), o.toArgs(framework, network));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      return TrainResult.notRun(name, "failed: cannot start a JVM (" + e.getMessage() + ")");
    }
    AtomicReference<TrainResult> result = new AtomicReference<>();
    Thread reader = new Thread(() -> readOutput(p, result), "train-bench-child-output");
    reader.setDaemon(true);
    reader.start();
    try {
      Duration limit = Duration.ofMinutes(o.timeoutMinutes()).plus(GRACE);
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return TrainResult.notRun(name, "failed: its JVM gave no result within "
            + limit.toMinutes() + " min and was killed");
      }
      reader.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return TrainResult.notRun(name, "interrupted");
    }
    TrainResult r = result.get();
    return r != null ? r : TrainResult.notRun(name, "failed: its JVM exited with code "
        + p.exitValue() + " without a result; see standard error");
  }

  private static void readOutput(Process p, AtomicReference<TrainResult> result) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String l = line;
        ResultLine.parse(l).ifPresentOrElse(result::set, () -> System.err.println(l));
      }
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("[train] reading a child JVM's output: " + e);
    }
  }
}
