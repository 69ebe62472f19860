package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

class FrameDecoderTest {

  @Test
  void aBigFrameArrivingInSocketSizedPiecesIsOneExactFrame() {
    // above the 1 MiB from which the decoder sizes its buffer for the whole frame at once (the
    // speed of that is bench/run-kvstore's; here: the bytes come out whole and in order)
    int body = 3 << 20;
    FrameLimits limits = new FrameLimits(1 << 30, 1 << 20);
    limits.register(Shape.of(body / 4));
    FrameDecoder decoder = new FrameDecoder(limits, ServerFaults.NONE);
    decoder.authenticated(null);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    byte[] frame = new byte[4 + body];
    new Random(7).nextBytes(frame);
    frame[0] = (byte) body;
    frame[1] = (byte) (body >>> 8);
    frame[2] = (byte) (body >>> 16);
    frame[3] = (byte) (body >>> 24);
    frame[4] = Protocol.PUSH;
    int piece = 64 << 10;
    for (int off = 0; off < frame.length; off += piece) {
      ByteBuf b = Unpooled.buffer(piece);
      b.writeBytes(frame, off, Math.min(piece, frame.length - off));
      ch.writeInbound(b);
      if (off + piece < frame.length) {
        assertThat((Object) ch.readInbound()).isNull();
      }
    }
    ByteBuf out = ch.readInbound();
    try {
      assertThat(out.readableBytes()).isEqualTo(body);
      byte[] got = new byte[body];
      out.readBytes(got);
      byte[] want = new byte[body];
      System.arraycopy(frame, 4, want, 0, body);
      assertThat(got).isEqualTo(want);
    } finally {
      out.release();
      ch.finishAndReleaseAll();
    }
  }
}
