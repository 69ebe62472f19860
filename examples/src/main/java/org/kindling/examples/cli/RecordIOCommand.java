package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.split.FramingSkips;
import org.kindling.io.split.RecordIODump;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindling recordio ...}: tools for RecordIO ({@code .rec}) files. */
@Command(
    name = "recordio",
    mixinStandardHelpOptions = true,
    description = "Tools for MXNet RecordIO (.rec) files.",
    subcommands = {RecordIOCommand.Dump.class})
final class RecordIOCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand (try 'kindling recordio dump --help')");
  }

  /**
   * {@code kindling recordio dump [--part K/N] [--idx IDX [--mxnet-shuffle SEED [--epoch E]]]
   * [--skip-corrupt] [--hex] DATA}: one line per record,
   * {@code index TAB file TAB offset TAB length TAB sha256 [TAB payload-hex]}.
   */
  @Command(
      name = "dump",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the logical records of a RecordIO data set (or of part K of N, split by byte"
            + " ranges across its files as MXNet's InputSplit does), one per line:",
        "  index<TAB>file<TAB>offset<TAB>length<TAB>sha256[<TAB>payload-hex]",
        "index counts from 0 within the part; file is the record's own file (a part may span"
            + " several) and offset its byte offset in that file.",
        "With --idx the parts are cut through the index, as MXNet's ImageRecordIter with"
            + " path_imgidx cuts them (num_parts, part_index), records in offset order, or"
            + " with --mxnet-shuffle SEED in the order MXNet's shuffle=True reads them."
      })
  static final class Dump implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--part", paramLabel = "K/N", converter = PartConverter.class,
        description = "only part K of N (0 <= K < N), as a training task would read it")
    RecordIODump.Part part = RecordIODump.Part.WHOLE;

    @Option(names = "--idx", paramLabel = "IDX", description = "cut the parts through the"
        + " index, as MXNet's path_imgidx: one .idx for the whole data set (offsets in its files"
        + " laid end to end), or one per .rec of a ';' list, in the same order")
    String idx;

    @Option(names = "--mxnet-shuffle", paramLabel = "SEED", description = "with --idx: the"
        + " records in the order MXNet's ImageRecordIter(path_imgidx, shuffle=True, seed=SEED)"
        + " reads them (its first epoch, or --epoch E)")
    Integer mxnetSeed;

    @Option(names = "--epoch", paramLabel = "E", description = "with --mxnet-shuffle: the order"
        + " of epoch E (0 is the first; default 0)")
    int epoch;

    @Option(names = "--skip-corrupt", description = "skip broken framing (bad magic, a length"
        + " past the end, a truncated part) to the next record head instead of failing (with"
        + " --idx: the rest of the broken entry, up to the next indexed offset); each"
        + " skipped range is named on standard error (file@offset) and counted")
    boolean skipCorrupt;

    @Option(names = "--hex", description = "append the payload bytes in hex")
    boolean hex;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
        description = "a Hadoop/Kindling setting, repeatable, e.g. --conf"
            + " kindling.s3.endpoint=http://127.0.0.1:9000 --conf kindling.s3.path.style=true")
    Map<String, String> settings = new LinkedHashMap<>();

    @Parameters(paramLabel = "DATA", description = "the .rec data set: a path or URI (file://,"
        + " hdfs://, s3a://, s3://), a directory, a regex as last component, or several"
        + " separated by ';'")
    String file;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Configuration conf = new Configuration();
      settings.forEach(conf::set);
      if (mxnetSeed != null && idx == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--mxnet-shuffle orders the entries of an index: give --idx too");
      }
      if (epoch != 0 && mxnetSeed == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--epoch picks an epoch of --mxnet-shuffle: give --mxnet-shuffle SEED too");
      }
      if (epoch < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--epoch must be >= 0, got " + epoch);
      }
      FramingSkips skips = skipCorrupt ? new FramingSkips() : null;
      RecordIODump.dump(file, idx, conf, part, hex, skips,
          mxnetSeed == null ? null : new RecordIODump.MxnetOrder(mxnetSeed, epoch), out);
      out.flush();
      if (skips != null && skips.count() > 0) {
        PrintWriter err = spec.commandLine().getErr();
        for (String s : skips.descriptions()) {
          err.println("skipped corrupt bytes " + s);
        }
        err.println("skipped " + skips.count() + " corrupt range(s)"
            + (skips.count() > FramingSkips.KEPT ? " (the first " + FramingSkips.KEPT
                + " named)" : ""));
        err.flush();
      }
      return 0;
    }
  }

  /** Parses {@code K/N}; a bad value is a usage error. */
  static final class PartConverter implements CommandLine.ITypeConverter<RecordIODump.Part> {
    @Override
    public RecordIODump.Part convert(String value) {
      try {
        return RecordIODump.Part.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
