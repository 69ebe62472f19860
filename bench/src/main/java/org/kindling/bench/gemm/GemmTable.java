package org.kindling.bench.gemm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.bench.MarkdownTable;
import org.kindling.bench.Stats;

/**
 * Turns the JSON result of a {@link GemmBenchmark} run ({@code -rf json -rff FILE}) into a
 * Markdown table: per n, the median GFLOP/s of raw {@code cblas_sgemm} and of Kindling's
 * {@code dot}, and their ratio. Medians are taken over every measurement iteration of every fork
 * (JMH's own score is a mean).
 *
 * <p>Usage: {@code GemmTable RESULT.json}; prints the table to standard output.
 */
public final class GemmTable {
  static final String KINDLING = "kindlingDot";
  static final String RAW = "openblasSgemm";

  private GemmTable() {}

  /** Prints the table for the JSON file named by {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: GemmTable JMH-RESULT.json");
      System.exit(2);
    }
    System.out.print(render(new ObjectMapper().readTree(Path.of(args[0]).toFile())));
  }

  /** The Markdown table for a parsed JMH JSON result (an array of benchmark results). */
  public static String render(JsonNode results) {
    if (!results.isArray()) {
      throw new IllegalArgumentException("a JMH JSON result is an array; got " + results.getNodeType());
    }
    // n -> (benchmark method -> median seconds per product)
    Map<Integer, Map<String, double[]>> byN = new TreeMap<>();
    for (JsonNode r : results) {
      String bench = r.path("benchmark").asText();
      String method = bench.substring(bench.lastIndexOf('.') + 1);
      JsonNode nNode = r.path("params").path("n");
      if (nNode.isMissingNode()) {
        throw new IllegalArgumentException("result for " + bench + " has no parameter n");
      }
      int n = Integer.parseInt(nNode.asText());
      byN.computeIfAbsent(n, k -> new TreeMap<>())
          .put(method, secondsPerOp(r.path("primaryMetric"), bench));
    }
    MarkdownTable t = new MarkdownTable(
        "n", "cblas_sgemm GFLOP/s", "Kindling dot GFLOP/s", "Kindling / raw", "iterations");
    for (Map.Entry<Integer, Map<String, double[]>> e : byN.entrySet()) {
      int n = e.getKey();
      double raw = gflops(n, e.getValue().get(RAW));
      double kin = gflops(n, e.getValue().get(KINDLING));
      t.row(
          Integer.toString(n),
          fmt(raw, "%.1f"),
          fmt(kin, "%.1f"),
          fmt(kin / raw, "%.2f"),
          iterations(e.getValue()));
    }
    return t.render();
  }

  /** 2n³ floating-point operations over the median time; NaN if the method was not run. */
  static double gflops(int n, double[] secondsPerOp) {
    if (secondsPerOp == null) {
      return Double.NaN;
    }
    return 2.0 * n * n * n / Stats.median(secondsPerOp) / 1e9;
  }

  /** Every raw iteration score of one result, converted to seconds per operation. */
  static double[] secondsPerOp(JsonNode metric, String bench) {
    String unit = metric.path("scoreUnit").asText();
    List<Double> out = new ArrayList<>();
    for (JsonNode fork : metric.path("rawData")) {
      for (JsonNode v : fork) {
        out.add(toSecondsPerOp(v.asDouble(), unit, bench));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("result for " + bench + " has no rawData");
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Converts a JMH score in {@code s/op, ms/op, us/op, ns/op} or {@code ops/s, ops/ms, ...}. */
  static double toSecondsPerOp(double score, String unit, String bench) {
    String[] parts = unit.split("/");
    if (parts.length == 2 && parts[1].equals("op")) {
      return score * seconds(parts[0], unit, bench);
    }
    if (parts.length == 2 && parts[0].equals("ops")) {
      return seconds(parts[1], unit, bench) / score;
    }
    throw new IllegalArgumentException("unsupported score unit '" + unit + "' in " + bench);
  }

  private static double seconds(String timeUnit, String unit, String bench) {
    switch (timeUnit) {
      case "s":
        return 1;
      case "ms":
        return 1e-3;
      case "us":
        return 1e-6;
      case "ns":
        return 1e-9;
      default:
        throw new IllegalArgumentException("unsupported score unit '" + unit + "' in " + bench);
    }
  }

  private static String iterations(Map<String, double[]> byMethod) {
    StringBuilder sb = new StringBuilder();
    for (String m : List.of(RAW, KINDLING)) {
      double[] v = byMethod.get(m);
      if (sb.length() > 0) {
        sb.append(" / ");
      }
      sb.append(v == null ? "-" : Integer.toString(v.length));
    }
    return sb.toString();
  }

  private static String fmt(double v, String format) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
  }
}
