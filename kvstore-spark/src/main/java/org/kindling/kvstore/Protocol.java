package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/**
 * Constants and field codecs of the wire protocol described in {@code package-info.java}. All
 * integers and floats are little-endian; every read checks the remaining frame length first, so
 * a malformed frame becomes a {@link ProtocolException}, never a large allocation.
 */
final class Protocol {
  /** "KVKN" read as a little-endian int: the first field of CHALLENGE and AUTH. */
  static final int MAGIC = 0x4E4B564B;

  static final int VERSION = 1;
  static final int NONCE_BYTES = 32;
  static final int MAC_BYTES = 32;

  /** Limit on frames before authentication (AUTH is 82 bytes, FATAL messages stay short). */
  static final int PRE_AUTH_MAX_FRAME = 1024;

  static final int MAX_KEY_BYTES = 4096;
  static final int MAX_NDIM = 32;

  // connection-level frames
  static final byte CHALLENGE = 0x01;
  static final byte AUTH = 0x02;
  static final byte AUTH_OK = 0x03;
  static final byte FATAL = 0x04;

  // requests (client -> server), each followed by a request id
  static final byte INIT = 0x10;
  static final byte PUSH = 0x11;
  static final byte PULL = 0x12;
  static final byte PUSHPULL = 0x13;
  static final byte SET_OPTIMIZER = 0x14;
  static final byte BARRIER = 0x15;
  static final byte MESSAGE = 0x16;
  static final byte BYE = 0x17;

  // replies (server -> client), each followed by the request id they answer
  static final byte OK = (byte) 0x80;
  static final byte VALUE = (byte) 0x81;
  static final byte ERROR = (byte) 0x82;

  /** FATAL kinds. */
  static final byte FATAL_PROTOCOL = 0;

  static final byte FATAL_AUTH = 1;

  /** INIT flag bit: the frame carries the initial value. */
  static final int INIT_HAS_DATA = 1;

  private Protocol() {}

  /** A short name for a frame type, for error messages. */
  static String typeName(int type) {
    switch ((byte) type) {
      case CHALLENGE: return "CHALLENGE";
      case AUTH: return "AUTH";
      case AUTH_OK: return "AUTH_OK";
      case FATAL: return "FATAL";
      case INIT: return "INIT";
      case PUSH: return "PUSH";
      case PULL: return "PULL";
      case PUSHPULL: return "PUSHPULL";
      case SET_OPTIMIZER: return "SET_OPTIMIZER";
      case BARRIER: return "BARRIER";
      case MESSAGE: return "MESSAGE";
      case BYE: return "BYE";
      case OK: return "OK";
      case VALUE: return "VALUE";
      case ERROR: return "ERROR";
      default: return String.format("unknown type 0x%02x", type & 0xff);
    }
  }

  /** HMAC-SHA256(secret, nonce || rank as little-endian int32): the answer to a challenge. */
  static byte[] mac(byte[] secret, byte[] nonce, int rank) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(nonce);
      mac.update(new byte[] {(byte) rank, (byte) (rank >>> 8), (byte) (rank >>> 16),
          (byte) (rank >>> 24)});
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /**
   * HMAC-SHA256(secret, "KVKN-server" || clientNonce || rank as little-endian int32): the server's
   * proof in AUTH_OK that it knows the secret too (the prefix keeps it from ever equalling a
   * worker's answer).
   */
  static byte[] serverProof(byte[] secret, byte[] clientNonce, int rank) {
    byte[] prefix = "KVKN-server".getBytes(StandardCharsets.US_ASCII);
    byte[] msg = new byte[prefix.length + clientNonce.length];
    System.arraycopy(prefix, 0, msg, 0, prefix.length);
    System.arraycopy(clientNonce, 0, msg, prefix.length, clientNonce.length);
    return mac(secret, msg, rank);
  }

  /** Float data goes on the wire as the array's raw bytes, which must already be little-endian. */
  static void requireLittleEndianHost() {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException(
          "the kvstore wire format is little-endian and big-endian hosts are not supported");
    }
  }

  /** Writes {@code s} as a u32 byte length and UTF-8 bytes. */
  static void writeString(ByteBuf out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeIntLE(b.length);
    out.writeBytes(b);
  }

  /** Reads a string written by {@link #writeString}, at most {@code maxBytes} long. */
  static String readString(ByteBuf in, String frame, String field, int maxBytes) {
    long n = readU32(in, frame, field + " length");
    if (n > maxBytes) {
      throw new ProtocolException(
          frame + " frame: " + field + " is " + n + " bytes, more than the limit of " + maxBytes);
    }
    require(in, n, frame, field);
    byte[] b = new byte[(int) n];
    in.readBytes(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Writes the array header: dtype flag (float32 = 0), ndim, then each dimension. */
  static void writeArrayHeader(ByteBuf out, Shape shape) {
    out.writeByte(DType.FLOAT32.flag());
    out.writeByte(shape.ndim());
    for (int d : shape.dims()) {
      out.writeIntLE(d);
    }
  }

  /** Reads an array header; the shape's float32 byte size is checked to fit in an int. */
  static Shape readArrayHeader(ByteBuf in, String frame) {
    require(in, 2, frame, "array header");
    int dtype = in.readUnsignedByte();
    if (dtype != DType.FLOAT32.flag()) {
      throw new ProtocolException(
          frame + " frame: dtype flag " + dtype + " is not supported (only float32, flag 0)");
    }
    int ndim = in.readUnsignedByte();
    if (ndim > MAX_NDIM) {
      throw new ProtocolException(
          frame + " frame: " + ndim + " dimensions, more than the limit of " + MAX_NDIM);
    }
    require(in, 4L * ndim, frame, "dimensions");
    int[] dims = new int[ndim];
    long size = 1;
    for (int i = 0; i < ndim; i++) {
      dims[i] = in.readIntLE();
      if (dims[i] < 0) {
        throw new ProtocolException(frame + " frame: negative dimension " + dims[i]);
      }
      size *= dims[i];
      if (size > Integer.MAX_VALUE / 4) {
        throw new ProtocolException(frame + " frame: array of more than 2^31 bytes");
      }
    }
    return Shape.of(dims);
  }

  /**
   * Checks that exactly the float32 data of {@code shape} remains in the frame and returns its
   * byte length.
   */
  static int requireData(ByteBuf in, Shape shape, String frame) {
    long bytes = shape.size() * 4L;
    if (in.readableBytes() != bytes) {
      throw new ProtocolException(
          frame + " frame: shape " + shape + " needs " + bytes + " data bytes but "
              + in.readableBytes() + " remain in the frame");
    }
    return (int) bytes;
  }

  /** Reads an unsigned 32-bit length. */
  static long readU32(ByteBuf in, String frame, String field) {
    require(in, 4, frame, field);
    return in.readUnsignedIntLE();
  }

  /** Fails unless {@code n} more bytes are readable. */
  static void require(ByteBuf in, long n, String frame, String field) {
    if (in.readableBytes() < n) {
      throw new ProtocolException(
          frame + " frame truncated: " + field + " needs " + n + " bytes, only "
              + in.readableBytes() + " remain");
    }
  }

  /** Fails if bytes remain after the last field. */
  static void requireEnd(ByteBuf in, String frame) {
    if (in.isReadable()) {
      throw new ProtocolException(
          frame + " frame has " + in.readableBytes() + " unexpected trailing bytes");
    }
  }
}
