package org.kindling.tensor.storage;

/**
 * A request for array memory that would take Kindling's native memory past its configured cap.
 * The message names the cap, what is in use, and how to raise it.
 */
public final class StorageLimitException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  StorageLimitException(String message) {
    super(message);
  }
}
