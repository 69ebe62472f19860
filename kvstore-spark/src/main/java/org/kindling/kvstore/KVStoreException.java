package org.kindling.kvstore;

/**
 * A key-value store operation failed: the server answered with an error (shape mismatch,
 * unknown key, optimizer failure, a peer worker disconnected), the connection broke, or a
 * request timed out. The message names the key (where there is one) and the server address.
 */
public class KVStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a complete, user-facing message. */
  public KVStoreException(String message) {
    super(message);
  }

  /** An error with a complete, user-facing message and its cause. */
  public KVStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
