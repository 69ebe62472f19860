package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.source.S3Uploads;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindling s3 ...}: tools for the native {@code s3://} store. */
@Command(
    name = "s3",
    mixinStandardHelpOptions = true,
    description = "Tools for the native s3:// store.",
    subcommands = {S3Command.Uploads.class})
final class S3Command implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand (try 'kindling s3 uploads --help')");
  }

  /**
   * {@code kindling s3 uploads [--abort] [--older-than DURATION] [--conf K=V]... PREFIX}: one line
   * per multipart upload in progress, {@code uri TAB upload-id TAB initiated}.
   */
  @Command(
      name = "uploads",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the multipart uploads in progress under an S3 key prefix, one per line:",
        "  s3://bucket/key<TAB>upload-id<TAB>initiated (ISO-8601, UTC)",
        "or, with --abort, aborts them and prints the same line for each one aborted.",
        "A native s3:// write keeps its files as uncompleted uploads until its job commits"
            + " (decision 0061); if both an executor and the driver die they stay, invisible"
            + " but billed, until aborted here or by the bucket's lifecycle rule"
            + " AbortIncompleteMultipartUpload. Do not abort the uploads of a job still running:"
            + " give --older-than longer than your longest job.",
        "Like 'hadoop s3guard uploads -list/-abort' for s3a."
      })
  static final class Uploads implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--abort", description = "abort the uploads listed (their parts are"
        + " deleted; they can no longer be completed)")
    boolean abort;

    @Option(names = "--older-than", paramLabel = "DURATION", converter = AgeConverter.class,
        description = "only uploads started longer ago than DURATION: a number with d, h, m or"
            + " s (7d, 36h, 90m) or ISO-8601 (P7D, PT36H)")
    Duration olderThan;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
        description = "a Kindling setting, repeatable, e.g. --conf"
            + " kindling.s3.endpoint=http://127.0.0.1:9000 --conf kindling.s3.path.style=true"
            + " (credentials: kindling.s3.access.key and kindling.s3.secret.key, else the AWS"
            + " SDK's default chain)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Parameters(paramLabel = "PREFIX", description = "s3://bucket or s3://bucket/key-prefix: a"
        + " key prefix as S3 lists it (s3://b/out also matches out2/...; s3://b/out/ does not)")
    String prefix;

    @Override
    public Integer call() throws Exception {
      if (!prefix.regionMatches(true, 0, "s3://", 0, 5)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "PREFIX must be an s3://"
            + " URI (s3://bucket or s3://bucket/key-prefix), got '" + prefix + "'");
      }
      Configuration conf = new Configuration();
      settings.forEach(conf::set);
      S3Uploads uploads = S3Uploads.fromConf(conf);
      Instant startedBefore = olderThan == null ? null : Instant.now().minus(olderThan);
      List<S3Uploads.Upload> found = uploads.list(prefix, startedBefore);
      PrintWriter out = spec.commandLine().getOut();
      int aborted = 0;
      for (S3Uploads.Upload u : found) {
        if (abort && !uploads.abort(u)) {
          continue; // completed or aborted meanwhile: nothing was aborted here
        }
        aborted++;
        out.println(u.uri() + "\t" + u.uploadId() + "\t" + u.initiated());
      }
      out.flush();
      if (abort) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("aborted " + aborted + " upload(s) under " + prefix
            + (aborted < found.size() ? " (" + (found.size() - aborted)
                + " already gone)" : ""));
        err.flush();
      }
      return 0;
    }
  }

  /** Parses {@code 7d}, {@code 36h}, {@code 90m}, {@code 45s} or ISO-8601; usage error if bad. */
  static final class AgeConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d+)([dhms])");

    @Override
    public Duration convert(String value) {
      Matcher m = SHORT.matcher(value.strip().toLowerCase(Locale.ROOT));
      Duration d;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "d" -> Duration.ofDays(n);
          case "h" -> Duration.ofHours(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofSeconds(n);
        };
      } else {
        try {
          d = Duration.parse(value.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
          throw new CommandLine.TypeConversionException("'" + value + "' is not a duration:"
              + " give a number with d, h, m or s (7d, 36h) or ISO-8601 (P7D, PT36H)");
        }
      }
      if (d.isNegative()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is negative");
      }
      return d;
    }
  }
}
