package org.kindling.examples;

/**
 * A command could not do its job for a reason the user can act on (a missing data set, a file
 * without labels); the message is printed as is after {@code kindling: error:}.
 */
public final class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong and, where possible, how to fix it */
  public CommandFailedException(String message) {
    super(message);
  }

  /** @param message what went wrong; {@code cause} is printed with {@code --verbose} */
  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
