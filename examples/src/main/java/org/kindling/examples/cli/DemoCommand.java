package org.kindling.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kindling.examples.FashionMnistDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindling demo}: Fashion-MNIST end to end on an embedded Spark. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Trains an MLP 784-256-128-10 on Fashion-MNIST with 2 Spark barrier tasks and the"
          + " parameter server on the driver (dist_device_sync), writes MXNet checkpoints, then"
          + " scores"
          + " the 10,000 test images as a DataFrame with KindlingModel.",
      "Data: /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist).",
      "Progress goes to stderr; the last line on stdout is 'test accuracy: 0.XXXX'."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--epochs", paramLabel = "N", description = "training epochs (default 10)")
  int epochs = 10;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "packed data and checkpoints go here (default work-demo)")
  Path workDir = Path.of("work-demo");

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[2])")
  String master = "local[2]";

  @Option(names = "--num-workers", paramLabel = "W", description = "workers (default 2)")
  int workers = 2;

  @Option(names = "--batch-size", paramLabel = "N", description = "batch per worker (default 128)")
  int batchSize = 128;

  // 0.05 with momentum 0.9 reaches about 0.87 test accuracy in 10 epochs (0.1: about 0.86)
  @Option(names = "--lr", paramLabel = "X", description = "SGD learning rate (default 0.05)")
  double lr = 0.05;

  @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum (default 0.9)")
  double momentum = 0.9;

  @Option(names = "--wd", paramLabel = "X", description = "weight decay (default 0.0001)")
  double wd = 1e-4;

  @Mixin MemoryLimitOption memoryLimit;

  @Mixin CpuAccelOption accel;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || workers < 1 || batchSize < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--epochs, --num-workers and --batch-size must be >= 1");
    }
    Map<String, String> conf = new LinkedHashMap<>(memoryLimit.sparkConf());
    conf.putAll(accel.sparkConf());
    FashionMnistDemo.Outcome o = FashionMnistDemo.run(new FashionMnistDemo.Settings(epochs,
        workDir, master, workers, batchSize, lr, momentum, wd, conf),
        spec.commandLine().getErr());
    // the driver's and (on local[N]) the tasks' array memory: steady reuse, not growth
    spec.commandLine().getErr().println("native array memory (Kindling pool): "
        + org.kindling.tensor.storage.Storage.get().stats());
    spec.commandLine().getOut().println(String.format(Locale.ROOT, "test accuracy: %.4f",
        o.testAccuracy()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
