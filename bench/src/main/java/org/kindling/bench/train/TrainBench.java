package org.kindling.bench.train;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.kindling.bench.MachineInfo;
import org.kindling.bench.MarkdownTable;
import org.kindling.tensor.op.CpuAccel;

/**
 * The {@code train} benchmark: for each requested network (the MLP 784-512-256-10, LeNet,
 * ResNet-18),
 * trains it on Fashion-MNIST in each requested framework in turn, each in a JVM of its own
 * ({@link ChildJvm}, {@link TrainWorker}; same flags, class path and environment), and prints a
 * Markdown section per network (machine line, OpenBLAS kernel, data, then one table row per
 * framework as it finishes, then Kindling's speed against the fastest peer and DL4J) to standard
 * output. Progress goes to standard error.
 *
 * <p>A framework that is missing from the class path, fails, crashes its JVM or has no such
 * network gets a row saying so; the others still run. Usage: {@code TrainBench [--networks
 * mlp,lenet,resnet18] [--epochs N] [--frameworks kindling,kindling-off,pytorch,mxnet,dl4j,mllib]
 * [--train-limit N]
 * [--test-limit N] ...} (see {@link TrainOptions}); {@code bench/run-train} sets the JVM flags
 * Spark and DJL need.
 */
public final class TrainBench {
  private static final String KINDLING = "kindling";

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
    TrainSetup first;
    try {
      first = load(o);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("cannot read Fashion-MNIST: " + e.getMessage()
          + "\n(install it with: apt-get install -y dataset-fashion-mnist, or pass --data-dir)");
      System.exit(1);
      return;
    }
    String machine = MachineInfo.line();
    for (Network network : o.networks()) {
      runNetwork(first.with(network), machine);
    }
  }

  /** Prints one network's section: header, a row per framework as it finishes, comparison. */
  private static void runNetwork(TrainSetup setup, String machine) {
    TrainOptions o = setup.options();
    System.out.print(header(setup, machine));
    System.out.print(new MarkdownTable(TrainResult.HEADER).render());
    System.out.flush();
    List<TrainResult> results = new ArrayList<>();
    double kindlingRate = Double.NaN;
    for (String id : o.frameworks()) {
      FrameworkRunner runner = runner(id);
      TrainResult r = runner.unsupported(setup.network())
          .map(why -> TrainResult.notRun(runner.name(), why))
          .orElseGet(() -> ChildJvm.run(runner.name(), id, setup.network(), o));
      if (id.equals(KINDLING)) {
        kindlingRate = r.medianRate();
      }
      results.add(r);
      System.out.print(r.markdownRow(o.threads(), kindlingRate));
      System.out.flush();
    }
    System.out.println();
    System.out.println(comparison(results, runner(KINDLING).name(), runner("dl4j").name()));
    System.out.println();
    System.out.flush();
  }

  /**
   * The line under a table: Kindling's median samples/s against the fastest peer and against
   * DL4J (issue 7's goals: at least the best peer, at least 3x DL4J), or what is missing.
   */
  static String comparison(List<TrainResult> results, String kindling, String dl4jName) {
    TrainResult k = results.stream().filter(r -> r.framework().equals(kindling)).findFirst()
        .orElse(null);
    if (k == null || !k.ran()) {
      return "- Kindling / peers: no Kindling figure in this run";
    }
    TrainResult best = null;
    TrainResult dl4j = null;
    for (TrainResult r : results) {
      if (r == k || !r.ran()) {
        continue;
      }
      if (best == null || r.medianRate() > best.medianRate()) {
        best = r;
      }
      if (r.framework().equals(dl4jName)) {
        dl4j = r;
      }
    }
    String vsBest = best == null ? "no peer ran"
        : TrainResult.ratio(k.medianRate(), best.medianRate()) + " (" + best.framework() + ")";
    String vsDl4j = dl4j == null ? "DL4J did not run"
        : TrainResult.ratio(k.medianRate(), dl4j.medianRate());
    return "- Kindling / fastest peer: " + vsBest + "; Kindling / DL4J: " + vsDl4j
        + " (goals: at least 1 and at least 3; median samples/s of this run)";
  }

  /** Loads the data and cuts the training set into batches, set up for the first network. */
  static TrainSetup load(TrainOptions o) throws IOException {
    FashionMnist train = FashionMnist.load(o.dataDir(), "train", o.trainLimit());
    FashionMnist test = FashionMnist.load(o.dataDir(), "t10k", o.testLimit());
    return new TrainSetup(o, o.networks().get(0), Batches.of(train, o.batchSize(), o.seed()), test);
  }

  /** The lines above a network's table: what ran, where and on what data. */
  static String header(TrainSetup s, String machine) {
    TrainOptions o = s.options();
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT,
        "### train: %s on Fashion-MNIST, batch %d, SGD lr %s momentum %s, %d threads per"
            + " framework",
        s.network().title(), o.batchSize(), s.learningRate(), o.momentum(), o.threads()));
    lines.add("");
    lines.add("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
    lines.add("- machine: " + machine);
    lines.add(String.format(Locale.ROOT,
        "- data: %d training samples in %d batches per epoch, %d test samples (%s)",
        s.train().samplesPerEpoch(), s.train().count(), s.test().count(), o.dataDir()));
    lines.add("- each framework trains in a JVM of its own (same flags and environment) on the same"
        + " batches, staged in its own arrays before timing");
    lines.add("- samples/s: median over the timed epochs after one warm-up epoch; test accuracy"
        + " after all epochs;"
        + " Kindling / this: Kindling's median samples/s over the row's (above 1: Kindling is"
        + " faster)");
    lines.add("");
    return String.join("\n", lines) + "\n";
  }

  /** The runner for a framework id; creating it touches none of the framework's classes. */
  static FrameworkRunner runner(String id) {
    Supplier<FrameworkRunner> s = switch (id) {
      case KINDLING -> () -> new KindlingRunner(CpuAccel.Mode.AUTO);
      case "kindling-off" -> () -> new KindlingRunner(CpuAccel.Mode.OFF);
      case "pytorch" -> PytorchRunner::new;
      case "mxnet" -> MxnetRunner::new;
      case "dl4j" -> Dl4jRunner::new;
      case "mllib" -> MllibRunner::new;
      default -> throw new IllegalArgumentException("unknown framework " + id);
    };
    return s.get();
  }
}
