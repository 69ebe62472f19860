package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire form of a {@link TrafficSnapshot} (TRAFFIC_BYTES, see {@code package-info.java}): the
 * driver reads a hosted key server's counters with it to sum them with its own server's. Reading
 * checks every count against the bytes left in the frame, so a malformed reply is a {@link
 * ProtocolException}, never a large allocation.
 */
final class TrafficCodec {
  /** Bytes of one key's counters after its name. */
  private static final int KEY_COUNTERS = 7 * Long.BYTES;

  private TrafficCodec() {}

  /** Appends {@code t} to {@code out}. */
  static void write(ByteBuf out, TrafficSnapshot t) {
    out.writeLongLE(t.bytesReceived()).writeLongLE(t.bytesSent())
        .writeLongLE(t.queue().requests()).writeLongLE(t.queue().depthSum())
        .writeLongLE(t.queue().depthMax());
    Map<String, TrafficSnapshot.KeyBytes> keys = t.keysInOrder();
    out.writeIntLE(keys.size());
    keys.forEach((key, k) -> {
      Protocol.writeString(out, key);
      out.writeLongLE(k.pushed()).writeLongLE(k.pulled()).writeLongLE(k.updates())
          .writeLongLE(k.waitNanos()).writeLongLE(k.asyncPushes()).writeLongLE(k.stalenessSum())
          .writeLongLE(k.stalenessMax());
    });
  }

  /**
   * Reads what {@link #write} wrote, to the frame's end.
   *
   * @param frame the frame's name, for errors
   * @throws ProtocolException if the bytes are not one snapshot
   */
  static TrafficSnapshot read(ByteBuf in, String frame) {
    Protocol.require(in, 5 * Long.BYTES + Integer.BYTES, frame, "counters");
    long received = in.readLongLE();
    long sent = in.readLongLE();
    TrafficSnapshot.Queue queue = new TrafficSnapshot.Queue(in.readLongLE(), in.readLongLE(),
        in.readLongLE());
    long n = in.readUnsignedIntLE();
    // each key takes its name's length field and its counters at least
    if (n > in.readableBytes() / (Integer.BYTES + KEY_COUNTERS)) {
      throw new ProtocolException(frame + " frame: " + n + " keys cannot fit in the "
          + in.readableBytes() + " bytes left");
    }
    Map<String, TrafficSnapshot.KeyBytes> keys = new LinkedHashMap<>();
    for (long i = 0; i < n; i++) {
      String key = Protocol.readString(in, frame, "key", Protocol.MAX_KEY_BYTES);
      Protocol.require(in, KEY_COUNTERS, frame, "counters of key '" + key + "'");
      keys.put(key, new TrafficSnapshot.KeyBytes(in.readLongLE(), in.readLongLE(),
          in.readLongLE(), in.readLongLE(), in.readLongLE(), in.readLongLE(), in.readLongLE()));
    }
    Protocol.requireEnd(in, frame);
    return new TrafficSnapshot(received, sent, keys, queue);
  }
}
