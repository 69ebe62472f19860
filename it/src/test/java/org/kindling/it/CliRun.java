package org.kindling.it;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.kindling.examples.cli.KindlingCli;

/**
 * One in-process run of the {@code kindling} command line: its exit code and what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
public record CliRun(int code, String out, String err) {
  /** Runs {@code kindling ARGS...} in this JVM. */
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KindlingCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Standard output, line by line. */
  public List<String> outLines() {
    return out.lines().toList();
  }
}
