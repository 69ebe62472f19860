package org.kindling.bench.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Settings of one {@link TrainBench} run. Defaults are the recorded benchmark: the MLP and LeNet,
 * every framework, 5 timed epochs after one warm-up epoch, batch 128, SGD with each network's
 * learning rate (MLP 0.1, LeNet 0.05) and momentum 0.9, 2 threads, the full Fashion-MNIST.
 *
 * @param epochs timed epochs (after one untimed warm-up epoch)
 * @param networks networks to train, in order (each gets its own table)
 * @param frameworks framework ids to run, in order, for each network
 * @param trainLimit use at most this many training samples
 * @param testLimit use at most this many test samples
 * @param batchSize samples per mini-batch
 * @param learningRate SGD learning rate for every network, or NaN for each network's own
 *     ({@link Network#defaultLearningRate()}); read it through {@link #learningRate(Network)}
 * @param momentum SGD momentum
 * @param threads threads per framework (intra-op threads, BLAS threads, Spark {@code local[N]})
 * @param dataDir directory with the IDX {@code .gz} files
 * @param seed seed for shuffling and initialization
 * @param mllibSolver Spark MLlib solver: {@code l-bfgs} (its default) or {@code gd}
 * @param timeoutMinutes a framework that has not finished after this long gets a "failed" row
 *     and the run moves on
 */
public record TrainOptions(
    int epochs,
    List<Network> networks,
    List<String> frameworks,
    int trainLimit,
    int testLimit,
    int batchSize,
    float learningRate,
    float momentum,
    int threads,
    Path dataDir,
    long seed,
    String mllibSolver,
    int timeoutMinutes) {

  /** Every framework id, in the order they run by default. */
  public static final List<String> ALL_FRAMEWORKS =
      List.of("kindling", "kindling-off", "pytorch", "mxnet", "dl4j", "mllib");

  /**
   * The networks of a run without {@code --networks}: the MLP and LeNet. ResNet-18 trains about
   * 100 times slower than LeNet per sample, so it runs on request, with a {@code --train-limit}
   * that fits the time at hand.
   */
  public static final List<Network> DEFAULT_NETWORKS = List.of(Network.MLP, Network.LENET);

  static final String USAGE = String.join("\n",
      "usage: TrainBench [options]",
      "  --epochs N          timed epochs after one warm-up epoch (default 5)",
      "  --networks LIST     comma-separated, from mlp,lenet,resnet18 (default mlp,lenet;"
          + " --network is the same)",
      "  --frameworks LIST   comma-separated, from " + String.join(",", ALL_FRAMEWORKS) + " (default all)",
      "  --train-limit N     use the first N training samples (default 60000)",
      "  --test-limit N      use the first N test samples (default 10000)",
      "  --batch N           mini-batch size (default 128)",
      "  --lr X              learning rate for every network (default: mlp 0.1, lenet 0.05,"
          + " resnet18 0.1)",
      "  --momentum X        SGD momentum (default 0.9)",
      "  --threads N         threads for each framework (default 2)",
      "  --data-dir DIR      Fashion-MNIST IDX .gz files (default /usr/share/datasets/fashion-mnist)",
      "  --seed N            shuffling and initialization seed (default 42)",
      "  --mllib-solver S    l-bfgs (MLlib's default) or gd (default l-bfgs)",
      "  --timeout-minutes N give up on a framework after N minutes (default 60)");

  public TrainOptions {
    networks = List.copyOf(networks);
    frameworks = List.copyOf(frameworks);
    positive("--epochs", epochs);
    positive("--train-limit", trainLimit);
    positive("--test-limit", testLimit);
    positive("--batch", batchSize);
    positive("--threads", threads);
    positive("--timeout-minutes", timeoutMinutes);
    if (!(learningRate > 0) && !Float.isNaN(learningRate)) {
      throw new IllegalArgumentException("--lr must be > 0, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
    }
    if (networks.isEmpty()) {
      throw new IllegalArgumentException("--networks names no network");
    }
    if (frameworks.isEmpty()) {
      throw new IllegalArgumentException("--frameworks names no framework");
    }
    for (String f : frameworks) {
      if (!ALL_FRAMEWORKS.contains(f)) {
        throw new IllegalArgumentException(
            "unknown framework '" + f + "' in --frameworks; use " + String.join(",", ALL_FRAMEWORKS));
      }
    }
    if (!mllibSolver.equals("l-bfgs") && !mllibSolver.equals("gd")) {
      throw new IllegalArgumentException("--mllib-solver must be l-bfgs or gd, got " + mllibSolver);
    }
  }

  /** The defaults. */
  public static TrainOptions defaults() {
    return new TrainOptions(5, DEFAULT_NETWORKS, ALL_FRAMEWORKS, 60_000, 10_000, 128,
        Float.NaN, 0.9f, 2, Path.of("/usr/share/datasets/fashion-mnist"), 42, "l-bfgs", 60);
  }

  /** The learning rate {@code network} trains with: {@code --lr} if given, else its own. */
  public float learningRate(Network network) {
    return Float.isNaN(learningRate) ? network.defaultLearningRate() : learningRate;
  }

  /**
   * Options that {@link #parse} turns back into these settings, narrowed to one framework and
   * one network: the command line of a child JVM ({@link ChildJvm}).
   */
  public List<String> toArgs(String framework, Network network) {
    List<String> a = new ArrayList<>(List.of(
        "--epochs", Integer.toString(epochs),
        "--networks", network.id(),
        "--frameworks", framework,
        "--train-limit", Integer.toString(trainLimit),
        "--test-limit", Integer.toString(testLimit),
        "--batch", Integer.toString(batchSize),
        "--momentum", Float.toString(momentum),
        "--threads", Integer.toString(threads),
        "--data-dir", dataDir.toString(),
        "--seed", Long.toString(seed),
        "--mllib-solver", mllibSolver,
        "--timeout-minutes", Integer.toString(timeoutMinutes)));
    if (!Float.isNaN(learningRate)) {
      a.addAll(List.of("--lr", Float.toString(learningRate)));
    }
    return a;
  }

  /**
   * Parses {@code --name value} pairs over the defaults.
   *
   * @throws IllegalArgumentException naming the option for an unknown option, a missing or
   *     malformed value, or a value out of range
   */
  public static TrainOptions parse(String... args) {
    TrainOptions o = defaults();
    int epochs = o.epochs;
    List<Network> networks = o.networks;
    List<String> frameworks = o.frameworks;
    int trainLimit = o.trainLimit;
    int testLimit = o.testLimit;
    int batch = o.batchSize;
    float lr = o.learningRate;
    float momentum = o.momentum;
    int threads = o.threads;
    Path dataDir = o.dataDir;
    long seed = o.seed;
    String solver = o.mllibSolver;
    int timeout = o.timeoutMinutes;
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String v = args[i + 1];
      switch (name) {
        case "--epochs" -> epochs = intValue(name, v);
        case "--networks", "--network" ->
            networks = items(v).stream().map(Network::of).distinct().toList();
        case "--frameworks" -> frameworks = items(v);
        case "--train-limit" -> trainLimit = intValue(name, v);
        case "--test-limit" -> testLimit = intValue(name, v);
        case "--batch" -> batch = intValue(name, v);
        case "--lr" -> lr = floatValue(name, v);
        case "--momentum" -> momentum = floatValue(name, v);
        case "--threads" -> threads = intValue(name, v);
        case "--data-dir" -> dataDir = Path.of(v);
        case "--seed" -> seed = longValue(name, v);
        case "--mllib-solver" -> solver = v;
        case "--timeout-minutes" -> timeout = intValue(name, v);
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    return new TrainOptions(epochs, networks, frameworks, trainLimit, testLimit, batch, lr, momentum,
        threads, dataDir, seed, solver, timeout);
  }

  /** The non-empty entries of a comma-separated list, trimmed and lower-cased. */
  private static List<String> items(String list) {
    return new ArrayList<>(Arrays.stream(list.split(","))
        .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList());
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  private static int intValue(String name, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs an integer, got '" + v + "'");
    }
  }

  private static long longValue(String name, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs an integer, got '" + v + "'");
    }
  }

  private static float floatValue(String name, String v) {
    try {
      return Float.parseFloat(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
    }
  }
}
