package org.kindling.examples.cli;

import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.List;
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
   * cut at the first newline; but when the exception around it repeats that message on one line
   * with more context (typically the file: {@code "x.params: " + cause.getMessage()}), that
   * line wins.
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
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    int best = 0;
    for (int i = 0; i < chain.size(); i++) {
      if (hasMessage(chain.get(i))) {
        best = i;
      }
    }
    // walk outwards while the wrapper adds context to the message on one line; a wrapper that
    // only repeats "Class: message" (new RuntimeException(cause), Spark's task failures) does not
    while (best > 0 && hasMessage(chain.get(best))) {
      Throwable inner = chain.get(best);
      String outer = chain.get(best - 1).getMessage();
      if (outer == null || outer.indexOf('\n') >= 0 || outer.contains(inner.toString())
          || !outer.contains(inner.getMessage().trim())) {
        break;
      }
      best--;
    }
    return describe(chain.get(best));
  }

  private static boolean hasMessage(Throwable t) {
    return t.getMessage() != null && !t.getMessage().isBlank();
  }

  private static String describe(Throwable best) {
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
