package org.kindling.kvstore;

import java.util.concurrent.atomic.AtomicLong;
import org.kindling.tensor.Shape;

/**
 * The size limit of each frame an authenticated worker may send, by frame type. A frame that
 * carries an array (INIT with data, PUSH, PUSHPULL) may be as large as the largest key
 * registered so far plus the largest header, never more than {@code maxFrameBytes}; MESSAGE and
 * SET_OPTIMIZER up to {@code maxMessageBytes}; every other request only a header. PUSH_2BIT
 * carries 2 bits per element of the key (in whole words) and a threshold. A key is
 * registered by an INIT frame without data, which is why a worker sends that before the value
 * (formats.md §5.4). Thread-safe: decoders of all connections read it, INIT frames raise it.
 */
final class FrameLimits {
  /** Type, id, key (length and at most MAX_KEY_BYTES), flags, an array header of MAX_NDIM dims. */
  static final int HEADER_BYTES =
      1 + 8 + 4 + Protocol.MAX_KEY_BYTES + 1 + 2 + 4 * Protocol.MAX_NDIM;

  private final int ceiling;
  private final int messageBytes;
  private final AtomicLong largestKeyBytes = new AtomicLong();

  FrameLimits(int ceiling, int messageBytes) {
    this.ceiling = ceiling;
    this.messageBytes = messageBytes;
  }

  /** Raises the array limit to fit {@code shape} (as float32). */
  void register(Shape shape) {
    largestKeyBytes.accumulateAndGet(shape.size() * 4L, Math::max);
  }

  /** The largest body, after the 4-byte length, allowed for a frame of {@code type}. */
  int limitFor(byte type) {
    return switch (type) {
      case Protocol.INIT, Protocol.PUSH, Protocol.PUSHPULL ->
          (int) Math.min(ceiling, HEADER_BYTES + largestKeyBytes.get());
      // the threshold, and 2 bits per float32 element rounded up to whole words
      case Protocol.PUSH_2BIT ->
          (int) Math.min(ceiling, HEADER_BYTES + 4 + 4 * ((largestKeyBytes.get() + 63) / 64));
      case Protocol.MESSAGE, Protocol.SET_OPTIMIZER -> messageBytes;
      default -> HEADER_BYTES;
    };
  }

  /** How to get a bigger frame of {@code type} through, for the error message. */
  String advice(byte type) {
    return switch (type) {
      case Protocol.INIT, Protocol.PUSH, Protocol.PUSHPULL, Protocol.PUSH_2BIT ->
          "the largest registered key has "
          + largestKeyBytes.get() + " bytes (register a key with an INIT without data before"
          + " sending its value; KVStoreServerConfig.maxFrameBytes=" + ceiling + " caps it)";
      case Protocol.MESSAGE, Protocol.SET_OPTIMIZER ->
          "raise KVStoreServerConfig.maxMessageBytes for longer text";
      default -> "a " + Protocol.typeName(type) + " frame has no payload";
    };
  }
}
