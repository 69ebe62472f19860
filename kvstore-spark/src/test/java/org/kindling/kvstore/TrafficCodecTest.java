package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TRAFFIC_BYTES: a snapshot round-trips, a malformed one is refused before any allocation. */
class TrafficCodecTest {
  private static TrafficSnapshot snapshot(long scale) {
    Map<String, TrafficSnapshot.KeyBytes> keys = new LinkedHashMap<>();
    keys.put("fc2_weight", new TrafficSnapshot.KeyBytes(8 * scale, 9, 3, 1_000_000, 0, 0, 0));
    keys.put("fc1_bias", new TrafficSnapshot.KeyBytes(scale, 2, 1, 5, 4, 6, 3));
    return new TrafficSnapshot(1000 * scale, 2000, keys, new TrafficSnapshot.Queue(7, 9, 2));
  }

  @Test
  void aSnapshotRoundTripsWithItsKeysInNameOrder() {
    ByteBuf b = Unpooled.buffer();
    TrafficCodec.write(b, snapshot(1));
    TrafficSnapshot back = TrafficCodec.read(b, "TRAFFIC_BYTES");
    assertThat(back).isEqualTo(snapshot(1));
    assertThat(back.keysInOrder().keySet()).containsExactly("fc1_bias", "fc2_weight");
  }

  @Test
  void twoServersCountersAddUpAndTheirMaximaStayMaxima() {
    Map<String, TrafficSnapshot.KeyBytes> other = Map.of("fc1_bias",
        new TrafficSnapshot.KeyBytes(1, 1, 1, 1, 1, 1, 9), "extra",
        new TrafficSnapshot.KeyBytes(5, 0, 0, 0, 0, 0, 0));
    TrafficSnapshot sum = snapshot(1).plus(new TrafficSnapshot(1, 2, other,
        new TrafficSnapshot.Queue(1, 1, 5)));
    assertThat(sum.bytesReceived()).isEqualTo(1001);
    assertThat(sum.perKey().get("fc1_bias"))
        .isEqualTo(new TrafficSnapshot.KeyBytes(2, 3, 2, 6, 5, 7, 9));
    assertThat(sum.perKey().get("extra").pushed()).isEqualTo(5);
    assertThat(sum.pushedBytes()).isEqualTo(8 + 1 + 1 + 5);
    assertThat(sum.queue()).isEqualTo(new TrafficSnapshot.Queue(8, 10, 5));
  }

  @Test
  void aKeyCountTheFrameCannotHoldOrTrailingBytesAreRefused() {
    ByteBuf huge = Unpooled.buffer().writeZero(5 * 8).writeIntLE(-1);
    assertThat(assertThrows(ProtocolException.class,
        () -> TrafficCodec.read(huge, "TRAFFIC_BYTES")))
        .hasMessageContaining("4294967295 keys cannot fit in the 0 bytes left");
    ByteBuf trailing = Unpooled.buffer();
    TrafficCodec.write(trailing, snapshot(1));
    trailing.writeByte(1);
    assertThat(assertThrows(ProtocolException.class,
        () -> TrafficCodec.read(trailing, "TRAFFIC_BYTES"))).hasMessageContaining("trailing");
    ByteBuf cut = Unpooled.buffer();
    TrafficCodec.write(cut, snapshot(1));
    ByteBuf shorter = cut.slice(0, cut.readableBytes() - 1);
    assertThrows(ProtocolException.class, () -> TrafficCodec.read(shorter, "TRAFFIC_BYTES"));
  }
}
