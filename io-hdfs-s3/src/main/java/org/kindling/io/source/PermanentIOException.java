package org.kindling.io.source;

import java.io.IOException;

/**
 * A store failure that trying again cannot fix (an S3 400, 412 or other client error): {@link
 * RetryPolicy} gives up on it at once.
 */
public class PermanentIOException extends IOException {
  private static final long serialVersionUID = 1L;

  public PermanentIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
