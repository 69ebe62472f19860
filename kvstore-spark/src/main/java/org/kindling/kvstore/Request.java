package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import org.kindling.tensor.Shape;

/**
 * One decoded request from an authenticated worker. Data-carrying requests hold a retained
 * slice of the frame, which whoever handles the request releases with {@link #release()}.
 */
sealed interface Request {

  /** The connection it came from. */
  Conn conn();

  /** The client's request id, echoed in the reply. */
  long id();

  /** Releases the data slice, if any. */
  default void release() {}

  /** INIT: register {@code key} with {@code shape}; {@code data} is null unless rank 0. */
  record Init(Conn conn, long id, String key, Shape shape, ByteBuf data) implements Request {
    @Override
    public void release() {
      if (data != null) {
        data.release();
      }
    }
  }

  /**
   * PUSH, PUSHPULL ({@code pull}) or PUSH_2BIT: {@code data} holds float32 values, float16 ones
   * with {@code half} (the fp16 transport; a PUSHPULL's reply is float16 too), or with a {@code
   * threshold > 0} MXNet's 2-bit codes of {@code shape}'s elements ({@link TwoBitCodec}); or
   * {@code data} is null and the values were already added to the key's round as they arrived
   * ({@code summed}, see {@link PushReceiver}). {@code bytes}: the data bytes it carried.
   */
  record Push(Conn conn, long id, String key, Shape shape, ByteBuf data, boolean pull,
      boolean half, float threshold, RoundSum.Contribution summed, int bytes)
      implements Request {

    /** A push whose data the state thread sums. */
    Push(Conn conn, long id, String key, Shape shape, ByteBuf data, boolean pull, boolean half,
        float threshold) {
      this(conn, id, key, shape, data, pull, half, threshold, null, data.readableBytes());
    }

    /** True if {@code data} holds 2-bit codes. */
    boolean twoBit() {
      return threshold > 0;
    }

    @Override
    public void release() {
      if (data != null) {
        data.release();
      }
    }
  }

  /** The fields of a PUSH or PUSHPULL between its request id and its data. */
  record PushFields(String key, Protocol.ArrayHeader array) {
    /** Reads them; {@code name} is the frame's type name, for errors. */
    static PushFields read(ByteBuf frame, String name) {
      String key = Protocol.readString(frame, name, "key", Protocol.MAX_KEY_BYTES);
      return new PushFields(key, Protocol.readArray(frame, name));
    }

    Shape shape() {
      return array.shape();
    }
  }

  /** PULL, or PULL_F16 ({@code half}: answered with float16 data). */
  record Pull(Conn conn, long id, String key, boolean half) implements Request {}

  /** SET_OPTIMIZER. */
  record SetOptimizer(Conn conn, long id, String spec) implements Request {}

  /** BARRIER. */
  record Barrier(Conn conn, long id) implements Request {}

  /** MESSAGE. */
  record Message(Conn conn, long id, String text) implements Request {}

  /** STATES: the controller asks for the optimizer states file. */
  record States(Conn conn, long id) implements Request {}

  /**
   * LISTENER: the controller says worker {@code rank} is {@code inside} the driver's message
   * listener (its epoch's checkpoint), or has left it.
   */
  record Listener(Conn conn, long id, int rank, boolean inside) implements Request {}

  /** TRAFFIC: the controller asks for the server's counters. */
  record Traffic(Conn conn, long id) implements Request {}

  /** BYE: the worker is closing its store on purpose. */
  record Bye(Conn conn, long id) implements Request {}

  /**
   * Decodes the body of one frame (type byte first).
   *
   * @throws ProtocolException if the frame is malformed
   */
  static Request decode(ByteBuf frame, Conn conn, int maxTextBytes) {
    byte type = frame.readByte();
    String name = Protocol.typeName(type);
    Protocol.require(frame, 8, name, "request id");
    long id = frame.readLongLE();
    switch (type) {
      case Protocol.INIT: {
        String key = Protocol.readString(frame, name, "key", Protocol.MAX_KEY_BYTES);
        Protocol.require(frame, 1, name, "flags");
        int flags = frame.readUnsignedByte();
        Shape shape = Protocol.readArrayHeader(frame, name);
        if ((flags & Protocol.INIT_HAS_DATA) == 0) {
          Protocol.requireEnd(frame, name);
          return new Init(conn, id, key, shape, null);
        }
        int n = Protocol.requireData(frame, shape, name);
        return new Init(conn, id, key, shape, frame.readRetainedSlice(n));
      }
      case Protocol.PUSH:
      case Protocol.PUSHPULL: {
        PushFields f = PushFields.read(frame, name);
        int n = Protocol.requireData(frame, f.array(), name);
        return new Push(conn, id, f.key(), f.shape(), frame.readRetainedSlice(n),
            type == Protocol.PUSHPULL, f.array().half(), 0f);
      }
      case Protocol.PUSH_2BIT: {
        String key = Protocol.readString(frame, name, "key", Protocol.MAX_KEY_BYTES);
        Protocol.require(frame, 4, name, "threshold");
        float threshold = frame.readFloatLE();
        if (!(threshold > 0) || !Float.isFinite(threshold)) {
          throw new ProtocolException(
              name + " frame: threshold " + threshold + " is not a finite number > 0");
        }
        Shape shape = Protocol.readArrayHeader(frame, name);
        int n = TwoBitCodec.bytes(shape.intSize());
        if (frame.readableBytes() != n) {
          throw new ProtocolException(name + " frame: shape " + shape + " needs " + n
              + " bytes of 2-bit codes but " + frame.readableBytes() + " remain in the frame");
        }
        return new Push(conn, id, key, shape, frame.readRetainedSlice(n), false, false,
            threshold);
      }
      case Protocol.PULL:
      case Protocol.PULL_F16:
        return new Pull(conn, id, lastString(frame, name, "key", Protocol.MAX_KEY_BYTES),
            type == Protocol.PULL_F16);
      case Protocol.SET_OPTIMIZER:
        return new SetOptimizer(conn, id, lastString(frame, name, "spec", maxTextBytes));
      case Protocol.BARRIER:
        Protocol.requireEnd(frame, name);
        return new Barrier(conn, id);
      case Protocol.MESSAGE:
        return new Message(conn, id, lastString(frame, name, "text", maxTextBytes));
      case Protocol.BYE:
        Protocol.requireEnd(frame, name);
        return new Bye(conn, id);
      case Protocol.STATES:
        Protocol.requireEnd(frame, name);
        return new States(conn, id);
      case Protocol.TRAFFIC:
        Protocol.requireEnd(frame, name);
        return new Traffic(conn, id);
      case Protocol.LISTENER: {
        Protocol.require(frame, 5, name, "rank and flag");
        int rank = frame.readIntLE();
        int inside = frame.readUnsignedByte();
        if (inside > 1) {
          throw new ProtocolException(name + " frame: flag " + inside + " is neither 0 nor 1");
        }
        Protocol.requireEnd(frame, name);
        return new Listener(conn, id, rank, inside == 1);
      }
      default:
        throw new ProtocolException(
            "frame of " + name + " is not a request an authenticated worker may send");
    }
  }

  /** Reads a string that must be the frame's last field. */
  private static String lastString(ByteBuf frame, String name, String field, int maxBytes) {
    String s = Protocol.readString(frame, name, field, maxBytes);
    Protocol.requireEnd(frame, name);
    return s;
  }
}
