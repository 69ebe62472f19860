package org.kindling.tensor.engine;

/**
 * The failure of one engine operation, shared by every variable it poisons: the variables the
 * failing operation wrote and, transitively, the variables written by operations that were
 * skipped because they used one of those.
 *
 * <p>As in MXNet ({@code var_exception} is a shared {@code exception_ptr} that the first wait
 * clears), a failure is reported once: the first wait that rethrows it claims it through the
 * {@link FailureLedger}. Unlike MXNet, clearing is ordered by push sequence rather than by
 * timing: the failure still poisons operations pushed <em>before</em> the claim (a threaded
 * engine may not have run them yet, a synchronous one already skipped them), and no longer
 * poisons those pushed after it. So which operations are skipped depends only on program
 * order, and the threaded and the naive engine agree.
 */
final class Failure {
  private static final long UNREPORTED = Long.MAX_VALUE;

  private final String opName;
  private final long opSeq;
  private final Throwable cause;
  /** The push sequence number current when a wait reported this failure. */
  private volatile long reportedAt = UNREPORTED;
  /** How many variables carry this failure now. Guarded by the {@link FailureLedger}. */
  int carriers;

  Failure(String opName, long opSeq, Throwable cause) {
    this.opName = opName;
    this.opSeq = opSeq;
    this.cause = cause;
  }

  /** The push sequence number of the failing operation: "first" failure means lowest. */
  long opSeq() {
    return opSeq;
  }

  /** True while no wait has rethrown this failure. */
  boolean isUnreported() {
    return reportedAt == UNREPORTED;
  }

  /** True if the operation with push sequence number {@code opSeq} must be skipped. */
  boolean poisons(long opSeq) {
    return opSeq <= reportedAt;
  }

  /**
   * Marks the failure reported as of push sequence {@code seq} (the last operation pushed so
   * far); true for the first caller only. Called by the ledger, under its lock.
   */
  boolean markReported(long seq) {
    if (reportedAt != UNREPORTED) {
      return false;
    }
    reportedAt = seq;
    return true;
  }

  /**
   * A fresh exception for the thread that waits, so its stack trace shows the wait site; the
   * operation's own exception is the cause.
   */
  EngineException toException() {
    return new EngineException("engine operation '" + opName + "' failed: " + cause, cause);
  }

  @Override
  public String toString() {
    return "failure of operation '" + opName + "' (#" + opSeq + "): " + cause;
  }
}
