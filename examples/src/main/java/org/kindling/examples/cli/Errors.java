package org.kindling.examples.cli;

import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import org.kindling.examples.CommandFailedException;
import org.kindling.spark.TrainingFailedException;
import org.kindling.tensor.FormatException;

/** Turns an exception into the one line the command line prints after {@code kindling: error:}. */
final class Errors {
  private Errors() {}

  /**
   * The most useful single line for {@code t}: the message of a {@link FormatException} anywhere
   * in the cause chain (it names the file and byte offset), else the message of a failure meant
   * for the user ({@link CommandFailedException}, {@link TrainingFailedException}), else the
   * innermost message (Spark wraps task failures in messages that carry whole stack traces),
   * cut at the first newline.
   */
  static String oneLine(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FormatException) {
        return firstLine(c.getMessage());
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      // messages written for the user: a Spark failure under them only has stack traces
      if (c instanceof CommandFailedException || c instanceof TrainingFailedException) {
        return firstLine(c.getMessage());
      }
    }
    Throwable best = t;
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        best = c;
      }
    }
    String msg = best.getMessage();
    if (msg == null || msg.isBlank()) {
      return best.getClass().getSimpleName();
    }
    if (best instanceof NoSuchFileException) {
      return msg + ": no such file";
    }
    if (best instanceof FileNotFoundException || best instanceof IllegalArgumentException
        || best instanceof IllegalStateException || best instanceof java.io.IOException) {
      return firstLine(msg);
    }
    return best.getClass().getSimpleName() + ": " + firstLine(msg);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
