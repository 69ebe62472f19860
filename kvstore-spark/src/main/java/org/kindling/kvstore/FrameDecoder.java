package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames of {@code length:u32le body[length]}. The declared length
 * is checked against the current limit before any body byte is buffered, so a peer cannot make
 * the server allocate more than the limit; the limit is small until the peer authenticates.
 * After one bad frame the decoder discards everything (the handler closes the connection).
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private int limit;
  private boolean authenticated;
  private boolean failed;

  FrameDecoder(int initialLimit) {
    this.limit = initialLimit;
  }

  /** Raises the limit once the peer has authenticated; called on the channel's event loop. */
  void authenticated(int limit) {
    this.limit = limit;
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
    if (length < 1 || length > limit) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw new ProtocolException(
          "frame declares " + length + " bytes; frames must be 1.." + limit + " bytes"
              + (authenticated
                  ? " (raise KVStoreServerConfig.maxFrameBytes for bigger arrays)"
                  : " before authentication"));
    }
    if (in.readableBytes() < 4 + length) {
      return;
    }
    in.skipBytes(4);
    out.add(in.readRetainedSlice((int) length));
  }
}
