package org.kindling.kvstore;

/**
 * A frame broke the wire protocol (bad length, unknown type, truncated field, size mismatch).
 * The connection that sent it is closed; the message says what was wrong and where.
 */
final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ProtocolException(String message) {
    super(message);
  }
}
