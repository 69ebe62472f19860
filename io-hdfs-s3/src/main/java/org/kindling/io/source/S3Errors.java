package org.kindling.io.source;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns AWS SDK exceptions into the IOExceptions {@link RetryPolicy} classifies: 404 is a missing
 * file, 403 denied access, 416 an end of file, other 4xx except 408 and 429 permanent; throttling
 * (503 SlowDown, 429), other 5xx, 408 and client-side failures (connection reset, timeout) are
 * transient.
 */
final class S3Errors {
  private S3Errors() {}

  /** Runs one SDK call, translating its exception; {@code what} names the object and offset. */
  static <T> T call(String what, Supplier<T> call) throws IOException {
    try {
      return call.get();
    } catch (SdkException e) {
      throw translate(what, e);
    }
  }

  static IOException translate(String what, SdkException e) {
    if (e instanceof SdkServiceException s) {
      int status = s.statusCode();
      String text = what + ": HTTP " + status + " " + e.getMessage();
      if (status == 404) {
        return (IOException) new FileNotFoundException(text).initCause(e);
      }
      if (status == 403) {
        return (IOException) new AccessDeniedException(what, null, text).initCause(e);
      }
      if (status == 416) {
        return (IOException) new EOFException(text).initCause(e);
      }
      if (s.isThrottlingException() || status >= 500 || status == 408 || status == 429) {
        return new IOException(text, e);
      }
      return new PermanentIOException(text, e);
    }
    if (e instanceof SdkClientException) {
      return new IOException(what + ": " + e.getMessage(), e);
    }
    return new PermanentIOException(what + ": " + e.getMessage(), e);
  }
}
