package org.kindling.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training job failed; the message is one line saying where and why, taken from the first
 * worker that failed (for corrupt data it names the file and the byte offset). The Spark
 * exception with the full task stack traces is the cause.
 */
public final class TrainingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private static final Pattern EXCEPTION_PREFIX =
      Pattern.compile("^\\s*([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+(?:Exception|Error)): ");
  private static final Pattern EXCEPTION_ANYWHERE =
      Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+(?:Exception|Error)): (.*)");

  /**
   * @param message one line: what failed and why
   * @param cause the Spark failure
   */
  public TrainingFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  /** One line for a failed Spark job: the task's own error, else the message's first line. */
  static String describeJobFailure(Throwable sparkFailure) {
    String taskError = taskErrorIn(sparkFailure.getMessage());
    return taskError != null ? taskError
        : String.valueOf(sparkFailure.getMessage()).split("\n")[0];
  }

  /**
   * The task's own error inside a Spark job-failure message (which embeds the task's exception
   * and stack trace as text): the first exception line that is not Spark's own, with nested
   * exception class names stripped. Returns null if there is none.
   */
  static String taskErrorIn(String sparkMessage) {
    if (sparkMessage == null) {
      return null;
    }
    for (String line : sparkMessage.split("\n")) {
      Matcher m = EXCEPTION_ANYWHERE.matcher(line);
      while (m.find()) {
        String cls = m.group(1);
        if (!cls.startsWith("org.apache.spark.")) {
          return stripExceptionNames(line.substring(m.start()));
        }
      }
    }
    return null;
  }

  /** {@code a.B: c.D: message} becomes {@code message}. */
  static String stripExceptionNames(String text) {
    String s = text;
    Matcher m;
    while ((m = EXCEPTION_PREFIX.matcher(s)).find()) {
      s = s.substring(m.end());
    }
    return s.trim();
  }
}
