package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.spark.HadoopFiles;
import org.kindling.tensor.io.ParamsFile;
import org.kindling.tensor.io.ParamsSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindling params ...}: tools for MXNet NDArray ({@code .params}) files. */
@Command(
    name = "params",
    mixinStandardHelpOptions = true,
    description = "Tools for MXNet NDArray (.params) files.",
    subcommands = {ParamsCommand.Show.class})
final class ParamsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand (try 'kindling params show --help')");
  }

  /** {@code kindling params show FILE}: one line per array, {@code name dtype shape sum}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the arrays of a .params file (any MXNet format: V1-V3 or the legacy layout),"
            + " one per line:",
        "  name<TAB>dtype<TAB>shape<TAB>sum",
        "shape is comma-separated (10,1), sum is the float64 sum of the elements (%%.9g)."
      })
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the .params file: a path or a Hadoop URI")
    String file;

    @Override
    public Integer call() throws Exception {
      byte[] bytes = HadoopFiles.readAll(new Path(file), new Configuration());
      ParamsFile.Contents contents = ParamsFile.read(bytes, file);
      PrintWriter out = spec.commandLine().getOut();
      for (String line : ParamsSummary.lines(contents)) {
        out.println(line);
      }
      out.flush();
      return 0;
    }
  }
}
