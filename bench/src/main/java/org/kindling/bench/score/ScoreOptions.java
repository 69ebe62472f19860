package org.kindling.bench.score;

import java.util.Arrays;
import java.util.List;

/**
 * Settings of one {@link ScoreBench} run. Defaults: resnet18 and alexnet at batches 1 and 64,
 * every framework, 2 threads, a warm-up of at least 5 forward passes and at least 10 s, then at
 * least 10 timed forward passes and at least 5 s of them (MXNet's {@code benchmark_score.py}
 * times a count alone, and its fixed 5 warm-up passes leave a JIT-compiled framework short of
 * its steady state), a network's sweep stopped after a pass slower than 60 s.
 *
 * @param networks zoo network names, in order
 * @param batches batch sizes, in order
 * @param frameworks framework ids ({@link #ALL_FRAMEWORKS}), in order
 * @param threads threads per framework
 * @param warmup untimed forward passes per network and batch, at least
 * @param warmupSeconds seconds of untimed forward passes per network and batch, at least (the
 *     same for every framework: a warm-up by count alone is shorter for a fast pass, and the
 *     JIT needs time, not passes)
 * @param iterations timed forward passes per network and batch, at least
 * @param timedSeconds seconds of timed forward passes per network and batch, at least (on a
 *     shared machine a few passes in a row now and then take up to twice as long: a timing of
 *     five 20 ms passes took such a burst in whole, and swung by a third from run to run)
 * @param maxSeconds a forward pass slower than this ends the network's sweep
 * @param seed seed of the weights and the data
 * @param timeoutMinutes a framework's JVM that has not finished after this long is killed
 */
public record ScoreOptions(
    List<String> networks,
    List<Integer> batches,
    List<String> frameworks,
    int threads,
    int warmup,
    double warmupSeconds,
    int iterations,
    double timedSeconds,
    double maxSeconds,
    long seed,
    int timeoutMinutes) {

  /** Every framework id, in the order they run by default. */
  public static final List<String> ALL_FRAMEWORKS =
      List.of("kindling", "kindling-off", "mxnet", "pytorch");

  static final String USAGE = String.join("\n",
      "usage: ScoreBench [options]",
      "  --networks LIST     zoo networks (default resnet18,alexnet)",
      "  --batches LIST      batch sizes (default 1,64)",
      "  --frameworks LIST   from " + String.join(",", ALL_FRAMEWORKS) + " (default all)",
      "  --threads N         threads per framework (default 2)",
      "  --warmup N          untimed forward passes, at least (default 5)",
      "  --warmup-seconds S  seconds of untimed forward passes, at least (default 10)",
      "  --iterations N      timed forward passes, at least (default 10)",
      "  --timed-seconds S   seconds of timed forward passes, at least (default 5)",
      "  --max-seconds S     end a network's sweep after a slower pass (default 60)",
      "  --seed N            weights and data (default 0)",
      "  --timeout-minutes N kill a framework's JVM after N minutes (default 120)");

  public ScoreOptions {
    networks = List.copyOf(networks);
    batches = List.copyOf(batches);
    frameworks = List.copyOf(frameworks);
    if (networks.isEmpty() || batches.isEmpty() || frameworks.isEmpty()) {
      throw new IllegalArgumentException("--networks, --batches and --frameworks need a value");
    }
    for (String f : frameworks) {
      if (!ALL_FRAMEWORKS.contains(f)) {
        throw new IllegalArgumentException("unknown framework '" + f + "' in --frameworks; use "
            + String.join(",", ALL_FRAMEWORKS));
      }
    }
    for (int b : batches) {
      positive("--batches", b);
    }
    positive("--threads", threads);
    positive("--iterations", iterations);
    positive("--timeout-minutes", timeoutMinutes);
    if (warmup < 0) {
      throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
    }
    nonNegative("--warmup-seconds", warmupSeconds);
    nonNegative("--timed-seconds", timedSeconds);
    if (!(maxSeconds > 0)) {
      throw new IllegalArgumentException("--max-seconds must be > 0, got " + maxSeconds);
    }
  }

  private static void nonNegative(String name, double v) {
    if (!(v >= 0)) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + v);
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  /** The defaults. */
  public static ScoreOptions defaults() {
    return new ScoreOptions(List.of("resnet18", "alexnet"), List.of(1, 64), ALL_FRAMEWORKS, 2,
        5, 10, 10, 5, 60, 0, 120);
  }

  /** These settings for {@code network} alone. */
  public ScoreOptions forNetwork(String network) {
    return new ScoreOptions(List.of(network), batches, frameworks, threads, warmup,
        warmupSeconds, iterations, timedSeconds, maxSeconds, seed, timeoutMinutes);
  }

  /** These settings narrowed to one framework: the command line of its child JVM. */
  public List<String> toArgs(String framework) {
    return List.of(
        "--networks", String.join(",", networks),
        "--batches", String.join(",", batches.stream().map(String::valueOf).toList()),
        "--frameworks", framework,
        "--threads", Integer.toString(threads),
        "--warmup", Integer.toString(warmup),
        "--warmup-seconds", Double.toString(warmupSeconds),
        "--iterations", Integer.toString(iterations),
        "--timed-seconds", Double.toString(timedSeconds),
        "--max-seconds", Double.toString(maxSeconds),
        "--seed", Long.toString(seed),
        "--timeout-minutes", Integer.toString(timeoutMinutes));
  }

  /**
   * Parses {@code --name value} pairs over the defaults.
   *
   * @throws IllegalArgumentException naming the option for an unknown option or a bad value
   */
  public static ScoreOptions parse(String... args) {
    ScoreOptions d = defaults();
    List<String> networks = d.networks;
    List<Integer> batches = d.batches;
    List<String> frameworks = d.frameworks;
    int threads = d.threads;
    int warmup = d.warmup;
    double warmupSeconds = d.warmupSeconds;
    int iterations = d.iterations;
    double timedSeconds = d.timedSeconds;
    double maxSeconds = d.maxSeconds;
    long seed = d.seed;
    int timeout = d.timeoutMinutes;
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
      }
      String v = args[i + 1];
      try {
        switch (name) {
          case "--networks", "--network" -> networks = list(v);
          case "--batches", "--batch" ->
              batches = list(v).stream().map(Integer::valueOf).toList();
          case "--frameworks" -> frameworks = list(v);
          case "--threads" -> threads = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(v);
          case "--iterations" -> iterations = Integer.parseInt(v);
          case "--timed-seconds" -> timedSeconds = Double.parseDouble(v);
          case "--max-seconds" -> maxSeconds = Double.parseDouble(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--timeout-minutes" -> timeout = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": not a number: '" + v + "'");
      }
    }
    return new ScoreOptions(networks, batches, frameworks, threads, warmup, warmupSeconds,
        iterations, timedSeconds, maxSeconds, seed, timeout);
  }

  private static List<String> list(String v) {
    return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
