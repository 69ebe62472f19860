package org.kindling.bench.score;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kindling.bench.JavaCommand;
import org.kindling.bench.MachineInfo;
import org.kindling.bench.MarkdownTable;

/**
 * The {@code score} benchmark: forward images/s of zoo networks at each batch, side by side in
 * Kindling (accelerated path on and off), MXNet 1.9.1 with MKL-DNN and PyTorch 2.7.1 (both
 * through DJL), each framework and network in a JVM of its own ({@link ScoreWorker}; the
 * frameworks take turns network by network), every one scoring
 * Kindling's graph with Kindling's weights on the same random images. Prints a Markdown section
 * (machine line, load average, one row per network and batch, ratios, notes) on standard output.
 */
public final class ScoreBench {
  private ScoreBench() {}

  /** What one framework's JVM reported. */
  record Report(ScoreLine.Framework framework, Map<String, ScoreLine.Row> rows) {
    /** This report's rows followed by {@code later}'s, with the notes of both JVMs. */
    Report and(Report later) {
      Map<String, ScoreLine.Row> all = new LinkedHashMap<>(rows);
      all.putAll(later.rows);
      String notes = framework.notes().equals(later.framework.notes()) ? framework.notes()
          : framework.notes() + "; " + later.framework.notes();
      return new Report(new ScoreLine.Framework(framework.name(), framework.version(), notes),
          all);
    }
  }

  /** Runs the benchmark; exit code 2 on bad options. */
  public static void main(String[] args) throws IOException {
    ScoreOptions o;
    try {
      o = ScoreOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String loadBefore = loadAverage();
    String start = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    // network by network, every framework in turn: a change of the machine's load during a
    // long run then moves the figures of one network's row together, not one framework's column
    Map<String, Report> reports = new LinkedHashMap<>();
    for (String network : o.networks()) {
      for (String f : o.frameworks()) {
        System.err.println("[score] " + f + " " + network + ": starting, load " + loadAverage());
        Report r = runChild(f, o.forNetwork(network));
        reports.merge(f, r, Report::and);
      }
    }
    System.out.print(render(o, reports, start, loadBefore, loadAverage()));
    System.exit(0);
  }

  private static Report runChild(String framework, ScoreOptions o) {
    Map<String, ScoreLine.Row> rows = new LinkedHashMap<>();
    ScoreLine.Framework[] info = {new ScoreLine.Framework(framework, "?", "")};
    try {
      Process p = new ProcessBuilder(JavaCommand.of(ScoreWorker.class.getName(),
          o.toArgs(framework))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l = in.readLine(); l != null; l = in.readLine()) {
            String line = l;
            ScoreLine.framework(line).ifPresentOrElse(f -> info[0] = f,
                () -> ScoreLine.row(line).ifPresentOrElse(
                    r -> rows.put(key(r.network(), r.batch()), r),
                    () -> System.err.println(line)));
          }
        } catch (IOException | IllegalArgumentException e) {
          System.err.println("[score] reading " + framework + "'s output: " + e);
        }
      }, "score-child-output");
      reader.start();
      if (!p.waitFor(o.timeoutMinutes(), TimeUnit.MINUTES)) {
        p.destroyForcibly();
        info[0] = new ScoreLine.Framework(info[0].name(), info[0].version(),
            info[0].notes() + "; killed after " + o.timeoutMinutes() + " min");
      }
      reader.join(TimeUnit.SECONDS.toMillis(30));
    } catch (IOException e) {
      info[0] = new ScoreLine.Framework(framework, "?", "cannot start a JVM: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Report(info[0], rows);
  }

  private static String key(String network, int batch) {
    return network + "@" + batch;
  }

  /**
   * The Markdown section of a run: header lines, one table row per network and batch that any
   * framework reached (images/s, "n/a" for a failure, "-" where its sweep had stopped) with
   * Kindling (auto) over each other framework, then each framework's notes and per-row notes.
   */
  static String render(ScoreOptions o, Map<String, Report> reports, String start,
      String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder();
    sb.append("### score: forward images/s, random weights, random 3x224x224 images, ")
        .append(o.threads()).append(" threads per framework\n\n");
    sb.append("- date: ").append(start).append('\n');
    sb.append("- machine: ").append(MachineInfo.line()).append('\n');
    sb.append("- load average (1, 5, 15 min) before: ").append(loadBefore).append(", after: ")
        .append(loadAfter).append('\n');
    sb.append("- warm-up of at least ").append(o.warmup()).append(" forward passes and at least ")
        .append(seconds(o.warmupSeconds())).append(" s, then at least ").append(o.iterations())
        .append(" timed forward passes and at least ").append(seconds(o.timedSeconds()))
        .append(" s of them per network and batch, each waited for (MXNet's benchmark_score.py"
            + " times a count alone; the same timing for every framework); every framework in a"
            + " JVM of its own, scoring Kindling's graph and weights; the frameworks take turns"
            + " network by network\n\n");
    List<String> ids = new ArrayList<>(reports.keySet());
    List<String> header = new ArrayList<>(List.of("network", "batch"));
    for (String id : ids) {
      header.add(reports.get(id).framework().name());
    }
    List<String> ratios = ratioColumns(ids);
    for (String r : ratios) {
      header.add(r);
    }
    MarkdownTable table = new MarkdownTable(header.toArray(new String[0]));
    for (String network : o.networks()) {
      for (int batch : o.batches()) {
        List<String> cells = new ArrayList<>(List.of(network, Integer.toString(batch)));
        boolean any = false;
        for (String id : ids) {
          ScoreLine.Row r = reports.get(id).rows().get(key(network, batch));
          any |= r != null;
          cells.add(r == null ? "-" : r.imagesPerSecond() == null ? "n/a" : fmt(r));
        }
        if (!any) {
          continue; // the sweep stopped before this batch everywhere
        }
        for (String ratio : ratios) {
          String[] ab = ratio.split(" / ");
          cells.add(ratio(figure(reports, ids, ab[0], network, batch),
              figure(reports, ids, ab[1], network, batch)));
        }
        table.row(cells.toArray(new String[0]));
      }
    }
    sb.append(table.render()).append('\n');
    for (String id : ids) {
      Report r = reports.get(id);
      sb.append("- ").append(r.framework().name()).append(" (").append(r.framework().version())
          .append("): ").append(r.framework().notes()).append('\n');
      for (ScoreLine.Row row : r.rows().values()) {
        if (!row.note().isEmpty()) {
          sb.append("  - ").append(row.network()).append(" batch ").append(row.batch())
              .append(": ").append(row.note()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  /** Short labels of the frameworks in the ratio columns. */
  private static final Map<String, String> LABEL = Map.of("kindling", "Kindling auto",
      "kindling-off", "Kindling off", "mxnet", "MXNet", "pytorch", "PyTorch");

  /** Kindling (auto) over each peer and over Kindling off, for the frameworks that ran. */
  private static List<String> ratioColumns(List<String> ids) {
    List<String> out = new ArrayList<>();
    if (!ids.contains("kindling")) {
      return out;
    }
    for (String other : List.of("mxnet", "pytorch", "kindling-off")) {
      if (ids.contains(other)) {
        out.add(LABEL.get("kindling") + " / " + LABEL.get(other));
      }
    }
    return out;
  }

  private static Double figure(Map<String, Report> reports, List<String> ids, String label,
      String network, int batch) {
    for (String id : ids) {
      if (LABEL.get(id).equals(label)) {
        ScoreLine.Row r = reports.get(id).rows().get(key(network, batch));
        return r == null ? null : r.imagesPerSecond();
      }
    }
    return null;
  }

  private static String ratio(Double a, Double b) {
    return a == null || b == null ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static String fmt(ScoreLine.Row r) {
    return String.format(Locale.ROOT, "%.1f", r.imagesPerSecond());
  }

  /** {@code /proc/loadavg}'s first three fields. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** {@code 5} for 5.0, {@code 1.5} for 1.5. */
  private static String seconds(double s) {
    return new java.math.BigDecimal(Double.toString(s)).stripTrailingZeros().toPlainString();
  }
}
