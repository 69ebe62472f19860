package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames of {@code length:u32le body[length]}. The declared length
 * is checked against the limit before any body byte is buffered, so a peer cannot make the
 * server allocate more than the limit: 1024 bytes until the peer authenticates, then the limit
 * of the frame's type ({@link FrameLimits}; the type byte is read first). After one bad frame
 * the decoder discards everything (the handler closes the connection).
 */
final class FrameDecoder extends ByteToMessageDecoder {
  /** Frames above this size get their whole buffer when their header arrives. */
  private static final long GROW_AT_ONCE = 1 << 20;

  private final FrameLimits limits;
  private boolean authenticated;
  private boolean failed;

  FrameDecoder(FrameLimits limits) {
    this.limits = limits;
  }

  /** Applies the per-type limits from now on; called on the channel's event loop. */
  void authenticated() {
    this.authenticated = true;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 4) {
      return;
    }
    long length = in.getUnsignedIntLE(in.readerIndex());
    if (authenticated && length > 0 && in.readableBytes() < 5) {
      return; // the limit depends on the type byte
    }
    byte type = authenticated && length > 0 ? in.getByte(in.readerIndex() + 4) : 0;
    int limit = authenticated ? limits.limitFor(type) : Protocol.PRE_AUTH_MAX_FRAME;
    if (length < 1 || length > limit) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw new ProtocolException("frame declares " + length + " bytes; "
          + (authenticated
              ? Protocol.typeName(type) + " frames must be 1.." + limit + " bytes: "
                  + limits.advice(type)
              : "frames must be 1.." + limit + " bytes before authentication"));
    }
    if (in.readableBytes() < 4 + length) {
      // room for the whole frame now: else the cumulation grows by 4 MiB steps, each copying
      // what came so far (a 64 MB push was copied 16 times over, 8x its size)
      if (length > GROW_AT_ONCE && in.writableBytes() < 4 + length - in.readableBytes()) {
        in.ensureWritable((int) (4 + length - in.readableBytes()));
      }
      return;
    }
    in.skipBytes(4);
    out.add(in.readRetainedSlice((int) length));
  }
}
