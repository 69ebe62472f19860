package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.kindling.tensor.Shape;

/**
 * The server's view of one authenticated worker connection: its channel and rank, and the reply
 * writers. Replies may be written from any thread (Netty queues them on the channel's loop).
 */
final class Conn {
  private final Channel channel;
  private final int rank;
  private final String remote;
  private volatile boolean saidBye;

  Conn(Channel channel, int rank) {
    this.channel = channel;
    this.rank = rank;
    this.remote = String.valueOf(channel.remoteAddress());
  }

  int rank() {
    return rank;
  }

  /** The peer address, for log messages. */
  String remote() {
    return remote;
  }

  boolean saidBye() {
    return saidBye;
  }

  void markBye() {
    saidBye = true;
  }

  /** Answers request {@code id} with OK. */
  void ok(long id) {
    ByteBuf f = Frames.start(channel.alloc(), Protocol.OK);
    f.writeLongLE(id);
    channel.writeAndFlush(Frames.finish(f, 0));
  }

  /** Answers request {@code id} with an error message. */
  void error(long id, String message) {
    ByteBuf f = Frames.start(channel.alloc(), Protocol.ERROR);
    f.writeLongLE(id);
    Protocol.writeString(f, message);
    channel.writeAndFlush(Frames.finish(f, 0));
  }

  /** Answers request {@code id} with a value; takes ownership of {@code data}. */
  void value(long id, Shape shape, ByteBuf data) {
    ByteBuf f = Frames.start(channel.alloc(), Protocol.VALUE);
    f.writeLongLE(id);
    Protocol.writeArrayHeader(f, shape);
    Frames.finish(f, data.readableBytes());
    channel.writeAndFlush(Unpooled.wrappedBuffer(f, data));
  }

  @Override
  public String toString() {
    return "worker rank " + rank + " (" + remote + ")";
  }
}
