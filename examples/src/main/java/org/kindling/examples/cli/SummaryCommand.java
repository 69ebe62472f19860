package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.spark.HadoopFiles;
import org.kindling.symbol.Executor;
import org.kindling.symbol.KernelReport;
import org.kindling.symbol.Summary;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kindling summary}: MXNet's {@code print_summary} table of a network. */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description = {
      "Prints MXNet's print_summary table of a network (a symbol file or a zoo network): layer"
          + " (type), output shape, parameters, previous layer; then the memory planner's"
          + " figures for a binding at --shape (memory naive/inplace/coshare/planned: N bytes,"
          + " for inference, or training with --train); the last line is 'Total params: N'.",
      "With --kernels, binds the network instead and prints the kernel each layer got, one per"
          + " line: NODE<TAB>OPERATOR<TAB>KERNEL ('default', 'oneDNN <implementation>',"
          + " 'Winograd F(mxm,3x3) ...'), then 'kernels: ' and the count per operator with an"
          + " accelerated backend."
    })
final class SummaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Exactly one source of the network. */
  static final class Source {
    @Option(names = "--symbol", paramLabel = "FILE",
        description = "a symbol JSON file (PREFIX-symbol.json)")
    String symbolFile;

    @Option(names = "--network", paramLabel = "NAME",
        description = "a network of the zoo: mlp, lenet, alexnet, vgg11..vgg19[_bn], resnetN,"
            + " resnetN_v1, inception-bn, mobilenet[0.25|0.5|0.75]")
    String network;
  }

  @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--num-classes", paramLabel = "N",
      description = "classes of a zoo network (default 1000, 10 for mlp and lenet)")
  Integer numClasses;

  @Option(names = "--shape", required = true, paramLabel = "N,C,H,W", split = ",",
      hideParamSyntax = true, description = "shape of the input, batch first (e.g. 1,1,28,28)")
  int[] shape;

  @Option(names = "--train",
      description = "plan memory for training (gradients of every parameter), not inference")
  boolean train;

  @Option(names = "--data-name", paramLabel = "NAME",
      description = "the symbol's input variable (default data)")
  String dataName = "data";

  @Option(names = "--kernels",
      description = "bind at --shape (with --train: for training) and list each layer's kernel")
  boolean kernels;

  @Mixin CpuAccelOption accel;

  @Override
  public Integer call() throws Exception {
    for (int d : shape) {
      if (d < 1) {
        throw new ParameterException(spec.commandLine(), "--shape dimensions must be >= 1");
      }
    }
    Symbol symbol;
    String where;
    if (source.network != null) {
      if (shape.length < 2) {
        throw new ParameterException(spec.commandLine(),
            "--shape must be N,C,H,W (or N,D for mlp) for a zoo network");
      }
      int[] image = java.util.Arrays.copyOfRange(shape, 1, shape.length);
      boolean small = source.network.equals("mlp") || source.network.equals("lenet");
      symbol = Zoo.get(source.network, numClasses != null ? numClasses : small ? 10 : 1000,
          Shape.of(image));
      where = "network " + source.network;
    } else {
      symbol = Symbol.fromJson(new String(HadoopFiles.readAll(new Path(source.symbolFile),
          new Configuration()), java.nio.charset.StandardCharsets.UTF_8), source.symbolFile);
      where = source.symbolFile;
    }
    if (!symbol.listArguments().contains(dataName)) {
      throw new IllegalArgumentException(where + ": no input '" + dataName
          + "' (arguments: " + symbol.listArguments() + "); set --data-name");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (kernels) {
      printKernels(out, symbol);
    } else {
      Summary.lines(symbol, Map.of(dataName, Shape.of(shape)), train).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  private void printKernels(PrintWriter out, Symbol symbol) {
    accel.applyToThisJvm();
    try (Executor e = symbol.simpleBind(Map.of(dataName, Shape.of(shape)),
        train ? GradReq.WRITE : GradReq.NULL)) {
      for (KernelReport.Choice c : e.kernels()) {
        out.println(c.node() + "\t" + c.op() + "\t" + c.implementation());
      }
      out.println("kernels: " + KernelReport.summary(e.kernels()));
    }
  }
}
