package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection on the server: sends the challenge, checks the answer, then decodes requests
 * and hands them to the {@link ServerState} thread. Anything wrong before or after
 * authentication (a bad answer, a malformed or oversized frame, a timeout) is logged, reported
 * to the peer in a FATAL frame, and closes this connection only.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** magic, version, rank, numWorkers (4 bytes each), mode (1), mac, client nonce. */
  private static final int AUTH_BODY_BYTES = 4 * 4 + 1 + Protocol.MAC_BYTES + Protocol.NONCE_BYTES;

  private final KVStoreServerConfig config;
  private final ServerState state;
  private final FrameDecoder decoder;
  private final byte[] nonce = new byte[Protocol.NONCE_BYTES];
  private ScheduledFuture<?> authTimer;
  private Conn conn;
  private boolean closing;

  ServerHandler(KVStoreServerConfig config, ServerState state, FrameDecoder decoder) {
    this.config = config;
    this.state = state;
    this.decoder = decoder;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    RANDOM.nextBytes(nonce);
    ByteBuf f = Frames.start(ctx.alloc(), Protocol.CHALLENGE);
    f.writeIntLE(Protocol.MAGIC);
    f.writeIntLE(Protocol.VERSION);
    f.writeBytes(nonce);
    ctx.writeAndFlush(Frames.finish(f, 0));
    long ms = config.authTimeout().toMillis();
    authTimer = ctx.executor().schedule(
        () -> fatal(ctx, Protocol.FATAL_AUTH,
            "authentication failed: no valid answer to the challenge within " + ms + " ms"),
        ms, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (closing) {
        return;
      }
      if (conn == null) {
        authenticate(ctx, frame);
      } else {
        state.submit(Request.decode(frame, conn, config.maxFrameBytes()));
      }
    } catch (ProtocolException e) {
      fatal(ctx, Protocol.FATAL_PROTOCOL, "malformed frame: " + e.getMessage());
    } finally {
      frame.release();
    }
  }

  private void authenticate(ChannelHandlerContext ctx, ByteBuf frame) {
    byte type = frame.readByte();
    if (type != Protocol.AUTH) {
      throw new ProtocolException(
          "expected AUTH before anything else, got " + Protocol.typeName(type));
    }
    Protocol.require(frame, AUTH_BODY_BYTES, "AUTH", "body");
    int magic = frame.readIntLE();
    int version = frame.readIntLE();
    int rank = frame.readIntLE();
    int numWorkers = frame.readIntLE();
    SyncMode mode = SyncMode.fromCode(frame.readUnsignedByte());
    byte[] mac = new byte[Protocol.MAC_BYTES];
    frame.readBytes(mac);
    byte[] clientNonce = new byte[Protocol.NONCE_BYTES];
    frame.readBytes(clientNonce);
    Protocol.requireEnd(frame, "AUTH");
    if (magic != Protocol.MAGIC) {
      throw new ProtocolException("AUTH frame: bad magic; the peer is not a Kindling kvstore client");
    }
    if (version != Protocol.VERSION) {
      fatal(ctx, Protocol.FATAL_AUTH, "authentication failed: the worker speaks protocol version "
          + version + " but this server speaks " + Protocol.VERSION
          + "; run the same Kindling version on the driver and the executors");
      return;
    }
    if (!MessageDigest.isEqual(Protocol.mac(config.secretUnsafe(), nonce, rank), mac)) {
      fatal(ctx, Protocol.FATAL_AUTH, "authentication failed: the worker's answer (claiming rank "
          + rank + ") does not match this server's per-job secret; connect with the secret the"
          + " driver created for this KVStoreServer (a worker of another job or with a stale"
          + " secret is refused)");
      return;
    }
    String problem = null;
    if (rank < 0 || rank >= config.numWorkers()) {
      problem = "rank " + rank + " is outside [0, " + config.numWorkers() + ")";
    } else if (numWorkers != config.numWorkers()) {
      problem = "the worker was started for numWorkers=" + numWorkers + " but this server has "
          + config.numWorkers() + " worker(s)";
    } else if (mode != config.mode()) {
      problem = "the worker asked for " + (mode == null ? "an unknown mode" : mode.typeName())
          + " but this server runs " + config.mode().typeName();
    }
    if (problem != null) {
      fatal(ctx, Protocol.FATAL_AUTH, "authentication failed: " + problem);
      return;
    }
    authTimer.cancel(false);
    decoder.authenticated(config.maxFrameBytes());
    conn = new Conn(ctx.channel(), rank);
    // registered before AUTH_OK goes out, so any request sent after the worker is in is
    // handled after it counts as connected
    state.onConnect(conn);
    ByteBuf ok = Frames.start(ctx.alloc(), Protocol.AUTH_OK);
    ok.writeIntLE(config.numWorkers());
    ok.writeByte(config.mode().code());
    ok.writeBytes(Protocol.serverProof(config.secretUnsafe(), clientNonce, rank));
    ctx.writeAndFlush(Frames.finish(ok, 0));
    LOG.info("kvstore server: {} connected", conn);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (c instanceof ProtocolException) {
      fatal(ctx, Protocol.FATAL_PROTOCOL, "malformed frame: " + c.getMessage());
    } else if (c instanceof IOException) {
      LOG.debug("kvstore server: I/O error on {}: {}", who(ctx), c.toString());
      ctx.close();
    } else {
      LOG.warn("kvstore server: unexpected error on " + who(ctx), c);
      fatal(ctx, Protocol.FATAL_PROTOCOL, "internal server error: " + c);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (authTimer != null) {
      authTimer.cancel(false);
    }
    if (conn != null) {
      state.onDisconnect(conn);
    }
    ctx.fireChannelInactive();
  }

  /** Logs, tells the peer why, and closes this connection (once). */
  private void fatal(ChannelHandlerContext ctx, byte kind, String message) {
    if (closing) {
      return;
    }
    closing = true;
    LOG.warn("kvstore server: closing connection from {}: {}", who(ctx), message);
    ByteBuf f = Frames.start(ctx.alloc(), Protocol.FATAL);
    f.writeByte(kind);
    Protocol.writeString(f, message);
    ctx.writeAndFlush(Frames.finish(f, 0)).addListener(ChannelFutureListener.CLOSE);
  }

  private String who(ChannelHandlerContext ctx) {
    return conn != null ? conn.toString()
        : ctx.channel().remoteAddress() + " (not authenticated)";
  }
}
