package org.kindling.bench.train;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.kindling.bench.MachineInfo;
import org.kindling.bench.MarkdownTable;

/**
 * The {@code train} benchmark: trains the MLP 784-512-256-10 on Fashion-MNIST in each requested
 * framework in turn, in this JVM, and prints a Markdown section (machine line, OpenBLAS kernel,
 * data, then one table row per framework as it finishes) to standard output. Progress goes to
 * standard error.
 *
 * <p>A framework that is missing from the class path or fails gets a row saying so; the others
 * still run. Usage: {@code TrainBench [--epochs N] [--frameworks kindling,pytorch,dl4j,mllib]
 * [--train-limit N] [--test-limit N] ...} (see {@link TrainOptions}); {@code bench/run-train}
 * sets the JVM flags Spark and DJL need.
 */
public final class TrainBench {
  private TrainBench() {}

  /** Runs the benchmark; exits with 2 on bad options, 1 if the data cannot be read. */
  public static void main(String[] args) {
    TrainOptions o;
    try {
      o = TrainOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      if (!e.getMessage().contains("usage:")) {
        System.err.println(TrainOptions.USAGE);
      }
      System.exit(2);
      return;
    }
    TrainSetup setup;
    try {
      setup = load(o);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("cannot read Fashion-MNIST: " + e.getMessage()
          + "\n(install it with: apt-get install -y dataset-fashion-mnist, or pass --data-dir)");
      System.exit(1);
      return;
    }
    System.out.print(header(setup));
    System.out.print(new MarkdownTable(TrainResult.HEADER).render());
    System.out.flush();
    for (String id : o.frameworks()) {
      TrainResult r = runOne(runner(id), setup, Duration.ofMinutes(o.timeoutMinutes()));
      System.out.print(r.markdownRow(o.threads()));
      System.out.flush();
      System.gc(); // let the next framework start without this one's garbage
    }
    // frameworks may leave non-daemon threads behind (thread pools, a hung run): end here
    System.exit(0);
  }

  /** Loads the data and cuts the training set into batches. */
  static TrainSetup load(TrainOptions o) throws IOException {
    FashionMnist train = FashionMnist.load(o.dataDir(), "train", o.trainLimit());
    FashionMnist test = FashionMnist.load(o.dataDir(), "t10k", o.testLimit());
    return new TrainSetup(o, Batches.of(train, o.batchSize(), o.seed()), test);
  }

  /** The lines above the table: what ran, where and on what data. */
  static String header(TrainSetup s) {
    TrainOptions o = s.options();
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT,
        "### train: MLP 784-%d-%d-10 on Fashion-MNIST, batch %d, SGD lr %s momentum %s, %d threads per framework",
        TrainSetup.HIDDEN[0], TrainSetup.HIDDEN[1], o.batchSize(), o.learningRate(), o.momentum(),
        o.threads()));
    lines.add("");
    lines.add("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
    lines.add("- machine: " + MachineInfo.line());
    lines.add(String.format(Locale.ROOT,
        "- data: %d training samples in %d batches per epoch, %d test samples (%s)",
        s.train().samplesPerEpoch(), s.train().count(), s.test().count(), o.dataDir()));
    lines.add("- samples/s: median over the timed epochs after one warm-up epoch; test accuracy"
        + " after all epochs; batches staged in each framework's arrays before timing");
    lines.add("");
    return String.join("\n", lines) + "\n";
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

  /** The runner for a framework id; creating it touches none of the framework's classes. */
  static FrameworkRunner runner(String id) {
    Supplier<FrameworkRunner> s = switch (id) {
      case "kindling" -> KindlingRunner::new;
      case "pytorch" -> PytorchRunner::new;
      case "dl4j" -> Dl4jRunner::new;
      case "mllib" -> MllibRunner::new;
      default -> throw new IllegalArgumentException("unknown framework " + id);
    };
    return s.get();
  }
}
