package org.kindling.kvstore;

import java.nio.ByteBuffer;
import org.kindling.tensor.Shape;

/**
 * A server reply as the client sees it: OK, VALUE (shape and little-endian float32 bytes, or
 * float16 ones with {@code half}), STATE_BYTES (a {@code .states} file image in {@code data}, or
 * null when no optimizer is set), TRAFFIC_BYTES (the server's counters in {@code traffic}) or
 * ERROR (a message).
 */
record Reply(byte type, Shape shape, boolean half, ByteBuffer data, String message,
    TrafficSnapshot traffic) {

  static Reply ok() {
    return new Reply(Protocol.OK, null, false, null, null, null);
  }

  static Reply value(Shape shape, boolean half, ByteBuffer data) {
    return new Reply(Protocol.VALUE, shape, half, data, null, null);
  }

  static Reply states(ByteBuffer data) {
    return new Reply(Protocol.STATE_BYTES, null, false, data, null, null);
  }

  static Reply traffic(TrafficSnapshot traffic) {
    return new Reply(Protocol.TRAFFIC_BYTES, null, false, null, null, traffic);
  }

  static Reply error(String message) {
    return new Reply(Protocol.ERROR, null, false, null, message, null);
  }
}
