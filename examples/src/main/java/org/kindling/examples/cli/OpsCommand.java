package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Param;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindling ops}: the registered operators, as symbol JSON names them. */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the operators Kindling runs, one per line: NAME<TAB>aliases<TAB>parameters"
          + " (name=default, or name (required)). With a NAME, only that operator."
    })
final class OpsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "an operator name or alias")
  String name;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (name != null) {
      print(out, OpRegistry.get(name));
    } else {
      OpRegistry.all().forEach(op -> print(out, op));
    }
    out.flush();
    return 0;
  }

  private static void print(PrintWriter out, OpDef<?> op) {
    StringJoiner params = new StringJoiner(", ");
    for (Param<?> p : op.params()) {
      params.add(p.isRequired() ? p.name() + " (required)" : p.name() + "=" + describe(p));
    }
    out.println(op.name() + "\t" + String.join(", ", op.aliases()) + "\t" + params);
  }

  private static <T> String describe(Param<T> p) {
    return p.format(p.defaultValue());
  }
}
