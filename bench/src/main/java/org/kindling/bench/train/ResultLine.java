package org.kindling.bench.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * How a child JVM hands its {@link TrainResult} to the parent: one line on its standard output,
 * {@value #PREFIX} followed by the result as JSON. Anything else the child (or a framework's
 * native code) prints there is passed on as log output.
 */
final class ResultLine {
  /** Marks the result line among whatever else a child prints. */
  static final String PREFIX = "[train-result] ";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultLine() {}

  /** The line for {@code r} (without a line break). */
  static String format(TrainResult r) {
    try {
      return PREFIX + JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + r.framework() + "'s result as JSON", e);
    }
  }

  /**
   * The result in {@code line}, or empty if it is not a result line.
   *
   * @throws IllegalArgumentException if it starts like one but its JSON is not a result
   */
  static Optional<TrainResult> parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(line.substring(PREFIX.length()), TrainResult.class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a child JVM printed a malformed result line: " + line, e);
    }
  }
}
