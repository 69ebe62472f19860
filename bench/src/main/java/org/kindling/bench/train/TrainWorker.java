package org.kindling.bench.train;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kindling.tensor.kernel.Blas;

/**
 * The child JVM of {@link TrainBench}: trains one network in one framework (the first of
 * {@code --networks} and {@code --frameworks}) and prints the result as one {@link ResultLine}
 * on standard output. Each framework runs in a JVM of its own because frameworks loaded into
 * one process disturb each other: measured here, PyTorch's LeNet trained 3-5x slower in a JVM
 * where MXNet had run before than in a fresh one (MXNet was not slowed by PyTorch).
 *
 * <p>Kindling's OpenBLAS is loaded before the framework starts, as in the parent (whose machine
 * line reads its kernel): MXNet's {@code libmxnet.so} and ND4J then call that same copy (see
 * {@link MxnetRunner}).
 */
public final class TrainWorker {
  private TrainWorker() {}

  /** Exits 0 after printing the result line (also for a framework that failed), 2 on bad options. */
  public static void main(String[] args) throws IOException {
    TrainOptions o;
    try {
      o = TrainOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Blas.coreName(); // loads Kindling's OpenBLAS before any framework's natives
    TrainSetup setup = TrainBench.load(o);
    FrameworkRunner runner = TrainBench.runner(o.frameworks().get(0));
    TrainResult r = runOne(runner, setup, Duration.ofMinutes(o.timeoutMinutes()));
    System.out.println(ResultLine.format(r));
    System.out.flush();
    // frameworks may leave non-daemon threads behind (thread pools, a hung run): end here
    System.exit(0);
  }

  /**
   * Runs one framework on a thread of its own, turning a failure, a missing class or a hang
   * (no result within the timeout) into a row that says what went wrong.
   */
  static TrainResult runOne(FrameworkRunner runner, TrainSetup setup, Duration timeout) {
    String name = runner.name();
    System.err.println("[train] " + name + ": starting");
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      // daemon: a hung framework must not keep the JVM alive after the table is printed
      Thread t = new Thread(r, "train-bench-" + name);
      t.setDaemon(true);
      return t;
    });
    Future<TrainResult> result = thread.submit(() -> runner.run(setup));
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      dumpThreads(System.err);
      result.cancel(true);
      return TrainResult.notRun(name, "failed: no result within " + timeout.toSeconds()
          + " s (--timeout-minutes); see the thread dump on standard error");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      cause.printStackTrace();
      if (cause instanceof LinkageError) {
        // a class or native library of this framework is missing: report it, run the rest
        return TrainResult.notRun(name, "not available: " + cause);
      }
      return TrainResult.notRun(name, "failed: " + cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TrainResult.notRun(name, "interrupted");
    } finally {
      thread.shutdownNow();
    }
  }

  /** Every thread's stack, so a hung framework shows where it waits. */
  private static void dumpThreads(PrintStream out) {
    out.println("[train] thread dump:");
    Thread.getAllStackTraces().forEach((t, stack) -> {
      out.println("\"" + t.getName() + "\" " + t.getState());
      for (StackTraceElement e : stack) {
        out.println("    at " + e);
      }
    });
  }

}
