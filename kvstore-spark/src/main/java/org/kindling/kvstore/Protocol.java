package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

  /**
   * 6: TRAFFIC (5: the driver's controller login (rank {@link #CONTROLLER_RANK}), STATES,
   * LISTENER; 4: float16 arrays in PUSH, PUSHPULL and VALUE, PULL_F16; 3: PUSH_2BIT; 2:
   * HEARTBEAT, FATAL kind 2, one connection per rank, per-type frame limits).
   */
  static final int VERSION = 6;

  /**
   * The rank an AUTH claims for the driver's controller connection to a key server (decision
   * 0040): not a worker, admitted once per server, limited to PULL, STATES, LISTENER, TRAFFIC
   * and BYE.
   */
  static final int CONTROLLER_RANK = -1;
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
  static final byte HEARTBEAT = 0x18;
  /** A push of MXNet's 2-bit codes (formats.md §5.4), answered as PUSH. */
  static final byte PUSH_2BIT = 0x19;
  /** A PULL answered with float16 data (the fp16 transport). */
  static final byte PULL_F16 = 0x1A;
  /** The controller asks for the optimizer states file (answered with STATE_BYTES). */
  static final byte STATES = 0x1B;
  /** The controller marks a worker rank as inside (or out of) the driver's message listener. */
  static final byte LISTENER = 0x1C;
  /** The controller asks for the server's counters (answered with TRAFFIC_BYTES). */
  static final byte TRAFFIC = 0x1D;

  // replies (server -> client), each followed by the request id they answer
  static final byte OK = (byte) 0x80;
  static final byte VALUE = (byte) 0x81;
  static final byte ERROR = (byte) 0x82;
  /** Answers STATES: a presence flag, then the {@code .states} file image to the frame's end. */
  static final byte STATE_BYTES = (byte) 0x83;
  /** Answers TRAFFIC: the server's counters ({@link TrafficCodec}). */
  static final byte TRAFFIC_BYTES = (byte) 0x84;

  /** FATAL kinds. */
  static final byte FATAL_PROTOCOL = 0;

  static final byte FATAL_AUTH = 1;

  /** Refused for now (handshake slots full, rank still connected): the worker may retry. */
  static final byte FATAL_RETRY = 2;

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
      case HEARTBEAT: return "HEARTBEAT";
      case PUSH_2BIT: return "PUSH_2BIT";
      case PULL_F16: return "PULL_F16";
      case STATES: return "STATES";
      case LISTENER: return "LISTENER";
      case TRAFFIC: return "TRAFFIC";
      case OK: return "OK";
      case VALUE: return "VALUE";
      case ERROR: return "ERROR";
      case STATE_BYTES: return "STATE_BYTES";
      case TRAFFIC_BYTES: return "TRAFFIC_BYTES";
      default: return String.format("unknown type 0x%02x", type & 0xff);
    }
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
    writeArrayHeader(out, DType.FLOAT32, shape);
  }

  /** Writes the array header of float32 or float16 ({@code dtype}) data of {@code shape}. */
  static void writeArrayHeader(ByteBuf out, DType dtype, Shape shape) {
    out.writeByte(dtype.flag());
    out.writeByte(shape.ndim());
    for (int d : shape.dims()) {
      out.writeIntLE(d);
    }
  }

  /** An array header: float32 or float16 data (the fp16 transport) of a shape. */
  record ArrayHeader(DType dtype, Shape shape) {
    /** True for float16 data. */
    boolean half() {
      return dtype == DType.FLOAT16;
    }
  }

  /** Reads a float32 array header; the shape's float32 byte size is checked to fit in an int. */
  static Shape readArrayHeader(ByteBuf in, String frame) {
    ArrayHeader h = readArray(in, frame);
    if (h.half()) {
      throw new ProtocolException(frame + " frame: float16 data is not allowed here");
    }
    return h.shape();
  }

  /**
   * Reads an array header of float32 or float16 data; the shape's float32 byte size is checked
   * to fit in an int.
   */
  static ArrayHeader readArray(ByteBuf in, String frame) {
    require(in, 2, frame, "array header");
    int flag = in.readUnsignedByte();
    if (flag != DType.FLOAT32.flag() && flag != DType.FLOAT16.flag()) {
      throw new ProtocolException(frame + " frame: dtype flag " + flag
          + " is not supported (only float32, flag 0, and float16, flag 2)");
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
    return new ArrayHeader(flag == DType.FLOAT16.flag() ? DType.FLOAT16 : DType.FLOAT32,
        Shape.of(dims));
  }

  /**
   * Checks that exactly the float32 data of {@code shape} remains in the frame and returns its
   * byte length.
   */
  static int requireData(ByteBuf in, Shape shape, String frame) {
    return requireData(in, new ArrayHeader(DType.FLOAT32, shape), frame);
  }

  /** As {@link #requireData(ByteBuf, Shape, String)} for the data of {@code array}. */
  static int requireData(ByteBuf in, ArrayHeader array, String frame) {
    long bytes = array.shape().size() * array.dtype().byteSize();
    if (in.readableBytes() != bytes) {
      throw new ProtocolException(
          frame + " frame: " + array.dtype().numpyName() + " shape " + array.shape() + " needs "
              + bytes + " data bytes but " + in.readableBytes() + " remain in the frame");
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
