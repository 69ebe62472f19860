package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.spark.HadoopFiles;
import org.kindling.symbol.Summary;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kindling summary}: MXNet's {@code print_summary} table of a network. */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description = {
      "Prints MXNet's print_summary table of a network: layer (type), output shape, parameters,"
          + " previous layer; the last line is 'Total params: N'."
    })
final class SummaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--symbol", required = true, paramLabel = "FILE",
      description = "a symbol JSON file (PREFIX-symbol.json)")
  String symbolFile;

  @Option(names = "--shape", required = true, paramLabel = "N,C,H,W", split = ",",
      hideParamSyntax = true, description = "shape of the input, batch first (e.g. 1,1,28,28)")
  int[] shape;

  @Option(names = "--data-name", paramLabel = "NAME",
      description = "the symbol's input variable (default data)")
  String dataName = "data";

  @Override
  public Integer call() throws Exception {
    for (int d : shape) {
      if (d < 1) {
        throw new ParameterException(spec.commandLine(), "--shape dimensions must be >= 1");
      }
    }
    Symbol symbol = Symbol.fromJson(new String(HadoopFiles.readAll(new Path(symbolFile),
        new Configuration()), java.nio.charset.StandardCharsets.UTF_8), symbolFile);
    if (!symbol.listArguments().contains(dataName)) {
      throw new IllegalArgumentException(symbolFile + ": no input '" + dataName
          + "' (arguments: " + symbol.listArguments() + "); set --data-name");
    }
    PrintWriter out = spec.commandLine().getOut();
    Summary.lines(symbol, Map.of(dataName, Shape.of(shape))).forEach(out::println);
    out.flush();
    return 0;
  }
}
