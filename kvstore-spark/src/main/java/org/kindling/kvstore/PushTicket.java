package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.kindling.tensor.engine.Var;

/**
 * A push operation that has been issued but has not sent its frame yet (its gradient is still
 * being computed), which the next pull of the same key may join: the pull's operation then
 * sends the push as a PUSHPULL (one per server holding a range of the key) and the values in
 * its replies (the key's value after the round's update, what the pull would fetch) are read
 * straight into the pull's outputs, while the push's own operation ends without sending
 * anything (decision 0076). One per issued push; the push's operation and the caller's pull
 * race for it, so its state moves by compare-and-set.
 */
final class PushTicket {
  private static final int UNSENT = 0;
  private static final int JOINED = 1;
  private static final int SENT = 2;

  private final AtomicInteger state = new AtomicInteger(UNSENT);
  private final Var gradient;
  private final ByteBuffer data;

  /**
   * A ticket for the push of the level-1 sum whose engine variable is {@code gradient} and
   * whose memory is {@code data} (a view taken when the push was issued).
   */
  PushTicket(Var gradient, ByteBuffer data) {
    this.gradient = gradient;
    this.data = data;
  }

  /**
   * The pull's side: joins the push if it has not been sent yet.
   *
   * @return true if the pull now carries the push (its operation reads {@link #gradient} and
   *     sends {@link #data} as PUSHPULLs)
   */
  boolean join() {
    return state.compareAndSet(UNSENT, JOINED);
  }

  /**
   * The push's side, as it would send: no pull can join from now on.
   *
   * @return true if a pull joined, so the pull's operation sends the push and this one ends
   */
  boolean send() {
    return state.getAndSet(SENT) == JOINED;
  }

  /** The engine variable of the level-1 sum the push sends. */
  Var gradient() {
    return gradient;
  }

  /** The level-1 sum's memory, float32, ready to read once {@link #gradient} is. */
  ByteBuffer data() {
    return data;
  }
}
