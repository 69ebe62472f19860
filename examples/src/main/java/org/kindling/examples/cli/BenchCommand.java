package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kindling.symbol.zoo.ForwardScore;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.profile.Profiler;
import org.kindling.tensor.storage.Storage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindling bench ...}: user-facing benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "User-facing benchmarks (the side-by-side suite with the peers is in bench/).",
    subcommands = {BenchCommand.Score.class})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand (try 'kindling bench score --help')");
  }

  /**
   * {@code kindling bench score}: forward images/s of zoo networks over a sweep of batch sizes,
   * as MXNet's {@code example/image-classification/benchmark_score.py} (see {@link
   * ForwardScore}).
   */
  @Command(
      name = "score",
      mixinStandardHelpOptions = true,
      description = {
        "Forward (inference) throughput of zoo networks with random weights on random"
            + " 3x224x224 images, as MXNet's benchmark_score.py: per network and batch, warm-up"
            + " passes, then timed passes, each waited for. Prints one line per network and"
            + " batch:",
        "  network<TAB>batch<TAB>images/s",
        "A network's sweep stops after a batch whose forward pass took longer than"
            + " --max-seconds (the larger batches are skipped, said on stderr). --threads also"
            + " sets the engine's thread budget (" + ThreadBudget.CORES + ")."
      })
  static final class Score implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--network", required = true, split = ",", paramLabel = "NAME[,NAME..]",
        description = "zoo networks, e.g. alexnet, vgg11, vgg16, resnet18, resnet50,"
            + " inception-bn, mobilenet (see 'kindling summary --help' for all)")
    List<String> networks;

    @Option(names = "--batch", split = ",", paramLabel = "N[,N..]",
        description = "batch sizes (default 1,2,4,8,16,32,64,128,256)")
    List<Integer> batches = List.of(1, 2, 4, 8, 16, 32, 64, 128, 256);

    /** {@code --threads} also sets the engine's thread budget ({@link ThreadBudget#CORES}). */
    @Mixin CpuAccelOption accel;

    /**
     * The arrays' cap, which the limit error names (by default the JVM's -Xmx, 3 GiB from
     * {@code ./kindling}; VGG-16 at batch 128 needs more).
     */
    @Mixin MemoryLimitOption memoryLimit;

    @Option(names = "--warmup", paramLabel = "N",
        description = "untimed forward passes per batch, at least (default 5, as the script)")
    int warmup = 5;

    /**
     * The warm-up's duration as well as its count: the JIT compiles the per-call code after
     * thousands of calls, so a fast pass needs more warm-up passes than the script's 5 (ResNet-18
     * at batch 1 ran 35 ms a pass after 2 and 24-27 ms after 200); bench/run-score warms every
     * framework the same way.
     */
    @Option(names = "--warmup-seconds", paramLabel = "S",
        description = "seconds of untimed forward passes per batch, at least (default 10; the"
            + " warm-up ends when both it and --warmup are reached)")
    double warmupSeconds = 10;

    @Option(names = "--iterations", paramLabel = "N",
        description = "timed forward passes per batch, at least (default 10, as the script)")
    int iterations = 10;

    /**
     * The timed passes' duration as well as their count: on a shared machine a few passes in a
     * row now and then take up to twice as long, which ten 20 ms passes take in whole
     * (ResNet-18 at batch 1 then swung by a third from run to run) and seconds of them average
     * out; bench/run-score times every framework the same way.
     */
    @Option(names = "--timed-seconds", paramLabel = "S",
        description = "seconds of timed forward passes per batch, at least (default 5; 0 times"
            + " --iterations passes alone, as the script)")
    double timedSeconds = 5;

    @Option(names = "--max-seconds", paramLabel = "S",
        description = "stop a network's sweep after a forward pass slower than this (default 60)")
    double maxSeconds = 60;

    @Option(names = "--seed", paramLabel = "N", description = "seed of weights and data (default 0)")
    long seed;

    @Option(names = "--profile", paramLabel = "FILE",
        description = "profile the timed passes: a Chrome trace (chrome://tracing, Perfetto) to"
            + " FILE and the per-operator table to stderr")
    Path profile;

    @Override
    public Integer call() {
      validate();
      // before anything binds: the engine reads its budget once, when first used
      accel.applyToThisJvm();
      memoryLimit.applyToThisJvm();
      if (accel.threads() != null) {
        System.setProperty(ThreadBudget.CORES, Integer.toString(accel.threads()));
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      for (String network : networks) {
        for (int batch : batches) {
          double secondsPerPass;
          try (ForwardScore score = new ForwardScore(network, batch, seed)) {
            if (score.passBatch() < batch) {
              err.printf(Locale.ROOT, "%s: batch %d runs as %d forward calls of %d images (an"
                  + " output of the whole batch would be larger than one Kindling array, %s)%n",
                  network, batch, batch / score.passBatch(), score.passBatch(),
                  Storage.human(Storage.MAX_ARRAY_BYTES));
              err.flush();
            }
            double imagesPerSecond = profile == null
                ? score.imagesPerSecond(warmup, warmupSeconds, iterations, timedSeconds)
                : profiled(score);
            secondsPerPass = batch / imagesPerSecond;
            out.printf(Locale.ROOT, "%s\t%d\t%.2f%n", network, batch, imagesPerSecond);
            out.flush();
          }
          if (secondsPerPass > maxSeconds) {
            err.printf(Locale.ROOT, "%s: a forward pass at batch %d took %.1f s (> %s s);"
                + " larger batches skipped%n", network, batch, secondsPerPass, maxSeconds);
            break;
          }
        }
      }
      if (profile != null) {
        Profiler.writeChromeTrace(profile);
        err.printf(Locale.ROOT, "profile of the timed passes written to %s%n%s", profile,
            Profiler.table());
        err.flush();
      }
      return 0;
    }

    /** The timed passes of {@code score} with the profiler recording (the warm-up without). */
    private double profiled(ForwardScore score) {
      score.warmUp(warmup, warmupSeconds);
      Profiler.start();
      try {
        return score.imagesPerSecond(0, 0, iterations, timedSeconds);
      } finally {
        Profiler.stop();
      }
    }

    private void validate() {
      accel.sparkConf(); // a usage error for a bad --accel or --threads
      for (int b : batches) {
        if (b < 1) {
          throw usage("--batch sizes must be >= 1, got " + b);
        }
      }
      if (warmup < 0 || !(warmupSeconds >= 0) || iterations < 1 || !(timedSeconds >= 0)
          || !(maxSeconds > 0)) {
        throw usage("need --warmup >= 0, --warmup-seconds >= 0, --iterations >= 1,"
            + " --timed-seconds >= 0 and --max-seconds > 0");
      }
      for (String network : networks) {
        try {
          // building the symbol is cheap: a bad name fails before any network runs
          Zoo.get(network, ForwardScore.CLASSES, ForwardScore.IMAGE_SHAPE);
        } catch (IllegalArgumentException e) {
          throw usage("--network: " + e.getMessage());
        }
      }
    }

    private CommandLine.ParameterException usage(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }
}
