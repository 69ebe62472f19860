package org.kindling.bench.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * How a {@link ScoreWorker} hands its results to {@link ScoreBench}: lines on its standard
 * output, {@value #FRAMEWORK} or {@value #ROW} followed by JSON. Anything else a child prints
 * there is passed on as log output.
 */
final class ScoreLine {
  static final String FRAMEWORK = "[score-framework] ";
  static final String ROW = "[score-row] ";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which framework a child ran and on what. */
  record Framework(String name, String version, String notes) {}

  /**
   * One network at one batch.
   *
   * @param imagesPerSecond the figure, or null when it did not run
   * @param note what went wrong, or how the output compared with Kindling's
   */
  record Row(String network, int batch, Double imagesPerSecond, String note) {}

  private ScoreLine() {}

  static String format(Framework f) {
    return FRAMEWORK + write(f);
  }

  static String format(Row r) {
    return ROW + write(r);
  }

  private static String write(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + o + " as JSON", e);
    }
  }

  /** The framework line's content, or empty for another line. */
  static Optional<Framework> framework(String line) {
    return read(line, FRAMEWORK, Framework.class);
  }

  /** The row line's content, or empty for another line. */
  static Optional<Row> row(String line) {
    return read(line, ROW, Row.class);
  }

  private static <T> Optional<T> read(String line, String prefix, Class<T> type) {
    if (!line.startsWith(prefix)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(line.substring(prefix.length()), type));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a child JVM printed a malformed line: " + line, e);
    }
  }
}
