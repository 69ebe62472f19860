package org.kindling.tensor.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kindling.tensor.FormatException;

/**
 * Little-endian reads from a byte array with a position, where running past the end is a
 * {@link FormatException} naming the file, the offset and the field being read.
 */
final class ByteCursor {
  private final byte[] bytes;
  private final ByteBuffer le;
  private final String file;
  private int pos;

  ByteCursor(byte[] bytes, String file) {
    this.bytes = bytes;
    this.le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    this.file = file;
  }

  byte[] bytes() {
    return bytes;
  }

  String file() {
    return file;
  }

  int position() {
    return pos;
  }

  long remaining() {
    return bytes.length - pos;
  }

  int u32AsInt(String field) throws FormatException {
    need(4, field);
    int v = le.getInt(pos);
    pos += 4;
    return v;
  }

  int i32(String field) throws FormatException {
    return u32AsInt(field);
  }

  /** A u64 or i64 as Java's signed long; callers range-check it. */
  long i64(String field) throws FormatException {
    need(8, field);
    long v = le.getLong(pos);
    pos += 8;
    return v;
  }

  /** A view of the next {@code n} bytes; {@code n} must have been checked against remaining. */
  ByteBuffer take(int n, String field) throws FormatException {
    need(n, field);
    ByteBuffer view = ByteBuffer.wrap(bytes, pos, n).slice().order(ByteOrder.LITTLE_ENDIAN);
    pos += n;
    return view;
  }

  /** Fails unless {@code n} more bytes exist. */
  void need(long n, String field) throws FormatException {
    if (n > remaining()) {
      throw error(pos, "truncated: " + field + " needs " + n + " bytes but only " + remaining()
          + " remain");
    }
  }

  FormatException error(long offset, String problem) {
    return new FormatException(file, offset, problem);
  }
}
