package org.kindling.kvstore;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A push operation that has been issued but has not sent its frame yet (its gradient is still
 * being computed), which the next pull of the same key may join: the push then goes out as a
 * PUSHPULL (one per server holding a range of the key), and the values in its replies (the
 * key's value after the round's update, what the pull would fetch) serve the pull without a
 * request of its own. One per issued push; the push's
 * operation and the caller's pull race for it, so its state moves by compare-and-set.
 */
final class PushTicket {
  private static final int UNSENT = 0;
  private static final int JOINED = 1;
  private static final int SENT = 2;

  private final AtomicInteger state = new AtomicInteger(UNSENT);
  /** The PUSHPULLs' replies, one per server range, set before the push's operation completes. */
  private final AtomicReferenceArray<Reply> values;

  /** A ticket for a push sent as {@code parts} requests (one per server holding a range). */
  PushTicket(int parts) {
    values = new AtomicReferenceArray<>(parts);
  }

  /**
   * The pull's side: joins the push if it has not been sent yet.
   *
   * @return true if the push will carry the pull (its {@link #value} replies then serve it)
   */
  boolean join() {
    return state.compareAndSet(UNSENT, JOINED);
  }

  /**
   * The push's side, as it sends: no pull can join from now on.
   *
   * @return true if a pull joined, so the push must be sent as a PUSHPULL
   */
  boolean send() {
    return state.getAndSet(SENT) == JOINED;
  }

  /** Keeps the reply of the PUSHPULL to the {@code part}-th server range for the joined pull. */
  void answered(int part, Reply reply) {
    values.set(part, reply);
  }

  /**
   * The reply of the PUSHPULL to the {@code part}-th server range; read by the joined pull's
   * operation, which the engine runs after the push's (both write the key's variable), so it is
   * set unless the push failed, and then the pull's operation inherits that failure and does
   * not run.
   */
  Reply value(int part) {
    return values.get(part);
  }
}
