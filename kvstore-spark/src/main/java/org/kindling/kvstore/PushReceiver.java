package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Sums a connection's large PUSH and PUSHPULL frames into their key's sync round while the bytes
 * arrive ({@link RoundSum}), so that a push is never buffered whole: the {@link FrameDecoder}
 * hands over a frame once its header is in, then each piece of data as it comes off the socket;
 * when the last piece is summed the push goes to the server's state, which counts it into the
 * round (on this thread, unless another runs the state's tasks at the time: decision 0077). A frame it declines (async mode, an unknown key or shape, float16 data, a malformed
 * header, a rank that already pushed in this round) is buffered whole and decoded and judged by the state
 * thread as before. One per authenticated connection, used on its I/O thread only.
 */
final class PushReceiver {
  /** Frames with less data are buffered whole: one stripe or less gains nothing. */
  static final int MIN_STREAMED_BYTES = 4 * RoundSum.STRIPE_FLOATS;

  private final Conn conn;
  private final ServerState state;
  private final ServerFaults faults;
  private RoundSum.Scratch scratch;
  private boolean pull;
  private long id;
  private Request.PushFields fields;
  private RoundSum.Contribution contribution;
  private int dataBytes;
  private int remaining;

  PushReceiver(Conn conn, ServerState state, ServerFaults faults) {
    this.conn = conn;
    this.state = state;
    this.faults = faults;
  }

  /**
   * Takes over the frame of {@code bodyLength} bytes whose body (type byte first, at least its
   * header) is readable in {@code body}, unless it declines it.
   *
   * @return the header's length (the data that follows goes to {@link #write}), or -1 to leave
   *     the frame to be buffered whole
   */
  int start(ByteBuf body, long bodyLength) {
    ByteBuf h = body.duplicate();
    byte type = h.readByte();
    String name = Protocol.typeName(type);
    try {
      Protocol.require(h, 8, name, "request id");
      id = h.readLongLE();
      fields = Request.PushFields.read(h, name);
    } catch (ProtocolException e) {
      return -1; // the state thread's decoder reports it
    }
    int header = h.readerIndex() - body.readerIndex();
    if (fields.array().half() || bodyLength - header != fields.shape().size() * 4L) {
      return -1; // float16 pushes are summed by the state thread
    }
    RoundSum sum = state.sumFor(fields.key(), fields.shape());
    if (sum == null) {
      return -1;
    }
    if (scratch == null) {
      scratch = new RoundSum.Scratch();
    }
    contribution = sum.begin(conn.rank(), scratch);
    if (contribution == null) {
      return -1;
    }
    pull = type == Protocol.PUSHPULL;
    dataBytes = (int) (bodyLength - header);
    remaining = dataBytes;
    return header;
  }

  /**
   * Sums the readable bytes of {@code in} that belong to the frame and skips them.
   *
   * @return true if that was the frame's last byte (the push is on its way to the state thread)
   */
  boolean write(ByteBuf in) {
    int n = Math.min(in.readableBytes(), remaining);
    faults.beforeSum(fields.key(), n);
    for (ByteBuffer b : in.nioBuffers(in.readerIndex(), n)) {
      contribution.write(b, b.remaining());
    }
    in.skipBytes(n);
    remaining -= n;
    if (remaining > 0) {
      return false;
    }
    RoundSum.Contribution done = contribution;
    contribution = null;
    state.submit(new Request.Push(conn, id, fields.key(), fields.shape(), null, pull, false, 0f,
        done, dataBytes));
    return true;
  }

  /**
   * The push being summed, for errors that follow "while handling": "the PUSH of key 'w' (X of
   * its N data bytes summed as they arrived)".
   */
  String describe() {
    return fields == null ? "a push summed as it arrived"
        : "the " + (pull ? "PUSHPULL" : "PUSH") + " of key '" + fields.key() + "' ("
            + (dataBytes - remaining) + " of its " + dataBytes + " data bytes summed as they"
            + " arrived)";
  }

  /** The connection closed or failed within a frame: its round's sum is incomplete. */
  void abort() {
    if (contribution != null) {
      contribution.abort();
      contribution = null;
    }
  }
}
