package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's view of one authenticated connection (a worker's, or the driver's controller with
 * rank {@link Protocol#CONTROLLER_RANK}): its channel and rank, and the reply
 * writers. Replies may be written from any thread (Netty queues them on the channel's loop). A
 * reply that cannot be built (no memory for its buffer) closes the connection instead, so the
 * worker learns at once that its request failed rather than waiting for its timeout.
 */
final class Conn {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);
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

  /** True for the driver's controller connection to a key server, not a worker. */
  boolean controller() {
    return rank == Protocol.CONTROLLER_RANK;
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
    try {
      ByteBuf f = Frames.start(channel.alloc(), Protocol.OK);
      f.writeLongLE(id);
      channel.writeAndFlush(Frames.finish(f, 0));
    } catch (Throwable t) {
      cannotReply(id, t);
    }
  }

  /** Answers request {@code id} with an error message. */
  void error(long id, String message) {
    try {
      ByteBuf f = Frames.start(channel.alloc(), Protocol.ERROR);
      f.writeLongLE(id);
      Protocol.writeString(f, message);
      channel.writeAndFlush(Frames.finish(f, 0));
    } catch (Throwable t) {
      cannotReply(id, t);
    }
  }

  /**
   * Answers request {@code id} with a value of float32 or float16 {@code dtype}; takes ownership
   * of {@code data}.
   */
  void value(long id, DType dtype, Shape shape, ByteBuf data) {
    try {
      ByteBuf f = Frames.start(channel.alloc(), Protocol.VALUE);
      f.writeLongLE(id);
      Protocol.writeArrayHeader(f, dtype, shape);
      Frames.finish(f, data.readableBytes());
      channel.writeAndFlush(Unpooled.wrappedBuffer(f, data));
    } catch (Throwable t) {
      data.release();
      cannotReply(id, t);
    }
  }

  /**
   * Answers STATES {@code id} with a {@code .states} file image, or with none ({@code states}
   * null: no optimizer is set).
   */
  void states(long id, byte[] states) {
    try {
      ByteBuf f = Frames.start(channel.alloc(), Protocol.STATE_BYTES);
      f.writeLongLE(id);
      f.writeByte(states == null ? 0 : 1);
      if (states != null) {
        f.writeBytes(states);
      }
      channel.writeAndFlush(Frames.finish(f, 0));
    } catch (Throwable t) {
      cannotReply(id, t);
    }
  }

  /** Answers TRAFFIC {@code id} with the server's counters. */
  void traffic(long id, TrafficSnapshot snapshot) {
    try {
      ByteBuf f = Frames.start(channel.alloc(), Protocol.TRAFFIC_BYTES);
      f.writeLongLE(id);
      TrafficCodec.write(f, snapshot);
      channel.writeAndFlush(Frames.finish(f, 0));
    } catch (Throwable t) {
      cannotReply(id, t);
    }
  }

  /** Closes the connection: the worker's waiting requests fail with "connection lost". */
  private void cannotReply(long id, Throwable t) {
    LOG.error("kvstore server: cannot answer request {} of {}; closing its connection", id, this,
        t);
    channel.close();
  }

  @Override
  public String toString() {
    return (controller() ? "the driver's controller" : "worker rank " + rank)
        + " (" + remote + ")";
  }
}
