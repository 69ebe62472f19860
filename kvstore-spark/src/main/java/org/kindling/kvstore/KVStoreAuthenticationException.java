package org.kindling.kvstore;

/**
 * The server refused this worker's credentials: the secret differs from the server's per-job
 * secret, the rank is out of range, or the worker count or consistency mode disagree with the
 * server's. The message says which and how to fix it.
 */
public final class KVStoreAuthenticationException extends KVStoreException {
  private static final long serialVersionUID = 1L;

  /** An authentication failure with a complete, user-facing message. */
  public KVStoreAuthenticationException(String message) {
    super(message);
  }
}
