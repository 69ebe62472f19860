package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kindling} command line: {@code demo}, {@code train}, {@code score}, {@code predict},
 * {@code summary}, {@code ops}, {@code im2rec}, {@code recordio dump}, {@code s3 uploads}, {@code params show} and
 * {@code bench score}.
 *
 * <p>Output contract: a command's results go to stdout; progress and errors go to stderr. A
 * failure prints one line {@code kindling: error: <message>} (naming the file and byte offset
 * for corrupt data) and exits with 1; a usage error exits with 2. The stack trace is printed
 * only with {@code --verbose} or the environment variable {@code KINDLING_DEBUG=1}; so are the
 * warnings and errors that Spark, Hadoop and Netty log ({@link VerboseLogging}).
 */
@Command(
    name = "kindling",
    mixinStandardHelpOptions = true,
    versionProvider = KindlingCli.Version.class,
    description = "Kindling: MXNet-compatible deep learning inside Apache Spark.",
    subcommands = {
      DemoCommand.class,
      TrainCommand.class,
      ScoreCommand.class,
      Im2RecCommand.class,
      RecordIOCommand.class,
      S3Command.class,
      ParamsCommand.class,
      PredictCommand.class,
      SummaryCommand.class,
      OpsCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KindlingCli implements Callable<Integer> {

  /** Exit code of a failed command (bad file, failed job). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of a usage error (unknown option, bad value). */
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "print the stack trace of an error, and the warnings of Spark, Hadoop and"
          + " Netty (also: environment KINDLING_DEBUG=1)")
  boolean verbose;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the command line without exiting, for tests and embedding.
   *
   * @return the exit code: 0 on success, 1 on failure, 2 on a usage error
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = Arrays.asList(args).contains("--verbose")
        || "1".equals(System.getenv("KINDLING_DEBUG"));
    if (verbose) {
      VerboseLogging.enable();
    }
    CommandLine cl = new CommandLine(new KindlingCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof ParameterException pe) {
        return usageError(pe, cmd.getErr());
      }
      cmd.getErr().println("kindling: error: " + Errors.oneLine(ex));
      if (verbose) {
        ex.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return EXIT_FAILURE;
    });
    cl.setParameterExceptionHandler((ex, a) -> usageError(ex, ex.getCommandLine().getErr()));
    return cl.execute(args);
  }

  private static int usageError(ParameterException ex, PrintWriter err) {
    err.println("kindling: error: " + ex.getMessage());
    err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return EXIT_USAGE;
  }

  /** Prints the Kindling version from the jar manifest, or {@code development}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KindlingCli.class.getPackage().getImplementationVersion();
      return new String[] {"kindling " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
