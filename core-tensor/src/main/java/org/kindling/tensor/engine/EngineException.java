package org.kindling.tensor.engine;

/** An operation pushed to the {@link Engine} failed; the cause is the operation's exception. */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
