package org.kindling.io.source;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.FileSystemException;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.kindling.tensor.FormatException;

/**
 * Retries a store call that failed transiently (throttling such as S3's 503 SlowDown, other 5xx
 * answers, connection resets and timeouts) with exponential backoff: before attempt {@code i+1}
 * it sleeps a random time in {@code [d/2, d]} with {@code d = min(maxMillis, baseMillis * 2^i)},
 * the jitter keeping many readers from retrying in lockstep. A permanent failure (missing file,
 * access denied, end of file, corrupt data, {@link PermanentIOException}) is rethrown at once.
 *
 * <p>Configuration keys: {@value #ATTEMPTS_KEY} (default {@value #DEFAULT_ATTEMPTS}), {@value
 * #BASE_MS_KEY} (default {@value #DEFAULT_BASE_MS}), {@value #MAX_MS_KEY} (default {@value
 * #DEFAULT_MAX_MS}). Thread-safe.
 */
public final class RetryPolicy {
  public static final String ATTEMPTS_KEY = "kindling.io.retry.attempts";
  public static final String BASE_MS_KEY = "kindling.io.retry.base.ms";
  public static final String MAX_MS_KEY = "kindling.io.retry.max.ms";
  public static final int DEFAULT_ATTEMPTS = 5;
  public static final long DEFAULT_BASE_MS = 100;
  public static final long DEFAULT_MAX_MS = 10_000;

  /** Waits between attempts; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** One call to the store. */
  @FunctionalInterface
  public interface IoCall<T> {
    T call() throws IOException;
  }

  private final int attempts;
  private final long baseMillis;
  private final long maxMillis;
  private final Sleeper sleeper;

  /**
   * @param attempts calls made in all, at least 1 (1 = no retry)
   * @param baseMillis backoff before the first retry, at least 0
   * @param maxMillis cap on any one backoff, at least {@code baseMillis}
   * @param sleeper how to wait
   */
  public RetryPolicy(int attempts, long baseMillis, long maxMillis, Sleeper sleeper) {
    if (attempts < 1 || baseMillis < 0 || maxMillis < baseMillis) {
      throw new IllegalArgumentException("retry policy needs attempts >= 1 and 0 <= base <= max,"
          + " got attempts " + attempts + ", base " + baseMillis + " ms, max " + maxMillis + " ms");
    }
    this.attempts = attempts;
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis;
    this.sleeper = sleeper;
  }

  /** The policy configured in {@code conf} (the defaults for keys not set). */
  public static RetryPolicy fromConf(Configuration conf) {
    int attempts = conf.getInt(ATTEMPTS_KEY, DEFAULT_ATTEMPTS);
    long base = conf.getLong(BASE_MS_KEY, DEFAULT_BASE_MS);
    long max = conf.getLong(MAX_MS_KEY, DEFAULT_MAX_MS);
    try {
      return new RetryPolicy(attempts, base, max, Thread::sleep);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (set " + ATTEMPTS_KEY + ", "
          + BASE_MS_KEY + ", " + MAX_MS_KEY + ")", e);
    }
  }

  /** Calls made in all before giving up. */
  public int attempts() {
    return attempts;
  }

  /**
   * Runs {@code call}, retrying transient failures.
   *
   * @param what the operation and its file/offset, for the message when every attempt failed
   * @throws IOException a permanent failure as thrown, or the last transient one wrapped in an
   *     IOException naming {@code what} and the attempt count
   */
  public <T> T call(String what, IoCall<T> call) throws IOException {
    SplittableRandom jitter = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (IOException e) {
        if (!isTransient(e)) {
          throw e;
        }
        if (attempt >= attempts) {
          throw new IOException(what + " failed " + attempts + " times, last: " + e.getMessage()
              + " (raise " + ATTEMPTS_KEY + " if the store is overloaded)", e);
        }
        if (jitter == null) {
          jitter = new SplittableRandom();
        }
        backoff(attempt, jitter, what);
      }
    }
  }

  /** The longest wait before retry {@code attempt} (1-based): {@code min(max, base * 2^(a-1))}. */
  long maxDelay(int attempt) {
    long d = baseMillis;
    for (int i = 1; i < attempt && d < maxMillis; i++) {
      d *= 2;
    }
    return Math.min(d, maxMillis);
  }

  private void backoff(int attempt, SplittableRandom jitter, String what) throws IOException {
    long d = maxDelay(attempt);
    long wait = d / 2 + (d - d / 2 == 0 ? 0 : jitter.nextLong(d - d / 2 + 1));
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off to retry " + what);
    }
  }

  /**
   * True if {@code e} may go away on its own: anything but a missing file, denied access, an end
   * of file, corrupt data, a permanent store error or an interrupt (timeouts are transient).
   */
  public static boolean isTransient(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return true;
    }
    return !(e instanceof FileNotFoundException
        || e instanceof EOFException
        || e instanceof FileSystemException
        || e instanceof FormatException
        || e instanceof PermanentIOException
        || e instanceof InterruptedIOException
        || e instanceof org.apache.hadoop.security.AccessControlException);
  }
}
