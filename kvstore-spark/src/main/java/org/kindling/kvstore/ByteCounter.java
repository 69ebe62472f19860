package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First in every connection's pipeline: counts the socket bytes in both directions into the
 * server's {@link ServerTraffic} before any decoding, so the figures are what crossed the wire.
 */
final class ByteCounter extends ChannelDuplexHandler {
  private final ServerTraffic traffic;

  ByteCounter(ServerTraffic traffic) {
    this.traffic = traffic;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      traffic.received(b.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      traffic.sent(b.readableBytes());
    }
    ctx.write(msg, promise);
  }
}
