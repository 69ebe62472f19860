package org.kindling.kvstore;

import java.nio.ByteBuffer;
import org.kindling.tensor.Shape;

/**
 * A server reply as the client sees it: OK, VALUE (shape and little-endian float32 bytes) or
 * ERROR (a message).
 */
record Reply(byte type, Shape shape, ByteBuffer data, String message) {

  static Reply ok() {
    return new Reply(Protocol.OK, null, null, null);
  }

  static Reply value(Shape shape, ByteBuffer data) {
    return new Reply(Protocol.VALUE, shape, data, null);
  }

  static Reply error(String message) {
    return new Reply(Protocol.ERROR, null, null, message);
  }
}
