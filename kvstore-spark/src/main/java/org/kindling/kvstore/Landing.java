package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a request's VALUE reply may be read into straight from the socket: a range of an output
 * array's memory that the engine operation waiting for the reply holds for writing (decision
 * 0076). The connection's reader lands the float32 data there instead of in a buffer of its own,
 * so the pulled value costs no copy and no allocation on this side; a reply that does not fit
 * (another shape, float16, an ERROR) is read as before and copied by the caller.
 *
 * <p>The reader and whoever gives up on the request (its timeout, a broken connection) race for
 * the range, so its state moves by compare-and-set: once the reader has {@link #take taken} it,
 * the request is completed by the reader alone, after the last byte is in, so the operation
 * never releases memory the reader is still writing; once {@link #abandon abandoned}, a late
 * reply is read into a buffer of its own and never touches the range.
 */
final class Landing {
  private static final int FREE = 0;
  private static final int TAKEN = 1;
  private static final int ABANDONED = 2;

  private final ByteBuffer range;
  private final AtomicInteger state = new AtomicInteger(FREE);
  /** The view the reader completed the request with ({@link #landed}); set before completing. */
  private volatile ByteBuffer landed;

  /** A landing on {@code range}'s remaining bytes (a view; its position and limit stay put). */
  Landing(ByteBuffer range) {
    this.range = range.slice();
  }

  /** The bytes of data a reply must carry to land here. */
  int bytes() {
    return range.capacity();
  }

  /**
   * The reader's side: claims the range for a reply of the right size.
   *
   * @return the range to read into (position 0, limit {@link #bytes}), or null if the request
   *     was abandoned
   */
  ByteBuffer take() {
    return state.compareAndSet(FREE, TAKEN) ? range.duplicate() : null;
  }

  /**
   * The giving-up side: keeps the reader out of the range from now on.
   *
   * @return false if the reader has taken it (it then completes the request itself)
   */
  boolean abandon() {
    return state.compareAndSet(FREE, ABANDONED) || state.get() == ABANDONED;
  }

  /**
   * The reader's side, once the last byte is in and before it completes the request: the reply
   * carries {@code data}, the range it read into.
   */
  void landed(ByteBuffer data) {
    landed = data;
  }

  /** True if {@code data} (a reply's) is this range, read in place: nothing to copy. */
  boolean holds(ByteBuffer data) {
    return data != null && data == landed;
  }
}
