package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection on the server: admits it if the handshake caps allow, sends the challenge,
 * checks the answer and claims the rank, then decodes requests and hands them to the {@link
 * ServerState} (HEARTBEATs are answered here), whose tasks run on this thread unless another
 * thread runs them at the time (decision 0077). Anything wrong before or after
 * authentication (a bad answer, a malformed or oversized frame, a timeout, silence for {@code
 * idleTimeout}) is logged, reported to the peer in a FATAL frame, and closes this connection
 * only; so does an {@link Error} in the login path, reported as "try again" (FATAL kind 2), since
 * the worker's next attempt may well succeed. An {@link Error} once the peer is in (out of direct
 * memory while summing a push as it arrives or buffering a frame, here or in the decoder before
 * this handler) fails the whole server, as one in the state's tasks does (decision 0085): every
 * held and later request gets its cause, and this connection's FATAL names it too.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** magic, version, rank, numWorkers (4 bytes each), mode (1), mac, client nonce. */
  private static final int AUTH_BODY_BYTES = 4 * 4 + 1 + Protocol.MAC_BYTES + Protocol.NONCE_BYTES;

  private final ServerParts parts;
  private final KVStoreServerConfig config;
  private final ServerState state;
  private final FrameDecoder decoder;
  private final byte[] nonce = new byte[Protocol.NONCE_BYTES];
  private InetAddress admitted;
  private ScheduledFuture<?> authTimer;
  private Conn conn;
  private boolean closing;

  ServerHandler(ServerParts parts, FrameDecoder decoder) {
    this.parts = parts;
    this.config = parts.config();
    this.state = parts.state();
    this.decoder = decoder;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress from = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    String refused = parts.gate().admit(from);
    if (refused != null) {
      fatal(ctx, Protocol.FATAL_RETRY, refused);
      return;
    }
    admitted = from;
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
      } else if (frame.getByte(frame.readerIndex()) == Protocol.HEARTBEAT) {
        heartbeat(frame);
      } else {
        Request r = Request.decode(frame, conn, config.maxMessageBytes());
        requireAllowed(r);
        if (r instanceof Request.Init i) {
          parts.limits().register(i.shape()); // before the next frame's limit is checked
        }
        state.submit(r);
      }
    } catch (ProtocolException e) {
      fatal(ctx, Protocol.FATAL_PROTOCOL, "malformed frame: " + e.getMessage());
    } catch (Throwable t) {
      // the frame is a slice from index 0, its type byte
      unexpected(ctx, t, conn == null ? "the login"
          : "a " + Protocol.typeName(frame.getByte(0)) + " frame");
    } finally {
      frame.release();
    }
  }

  /**
   * The controller reads (PULL, STATES, TRAFFIC), marks ranks busy (LISTENER) and leaves (BYE); a
   * worker sends none of STATES, LISTENER and TRAFFIC. A request outside its role is a protocol violation: it
   * closes the connection.
   */
  private void requireAllowed(Request r) {
    boolean controllersOwn = r instanceof Request.States || r instanceof Request.Listener
        || r instanceof Request.Traffic;
    boolean controllerRequest = controllersOwn || r instanceof Request.Pull p && !p.half()
        || r instanceof Request.Bye;
    if (conn.controller() && !controllerRequest) {
      throw new ProtocolException("the driver's controller may send only PULL, STATES, LISTENER,"
          + " TRAFFIC, BYE and HEARTBEAT, not " + Protocol.typeName(ServerState.typeOf(r)));
    }
    if (!conn.controller() && controllersOwn) {
      throw new ProtocolException(Protocol.typeName(ServerState.typeOf(r))
          + " is the driver's controller's request, not a worker's");
    }
  }

  /** HEARTBEAT i64 id: answered OK at once, from the I/O thread. */
  private void heartbeat(ByteBuf frame) {
    frame.readByte();
    Protocol.require(frame, 8, "HEARTBEAT", "request id");
    long id = frame.readLongLE();
    Protocol.requireEnd(frame, "HEARTBEAT");
    conn.ok(id);
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
    if (!parts.mac().checkAnswer(nonce, rank, mac)) {
      fatal(ctx, Protocol.FATAL_AUTH, "authentication failed: the worker's answer (claiming rank "
          + rank + ") does not match this server's per-job secret; connect with the secret the"
          + " driver created for this KVStoreServer (a worker of another job or with a stale"
          + " secret is refused)");
      return;
    }
    String problem = null;
    if ((rank < 0 || rank >= config.numWorkers()) && rank != Protocol.CONTROLLER_RANK) {
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
    Conn c = new Conn(ctx.channel(), rank);
    if (c.controller()) {
      if (!parts.controller().claim(c)) {
        fatal(ctx, Protocol.FATAL_AUTH, "authentication failed: this kvstore server already"
            + " admitted its one controller login (the driver's); a server admits one in its"
            + " life");
        return;
      }
    } else {
      Conn holder = state.claim(c);
      if (holder != null) {
        fatal(ctx, Protocol.FATAL_RETRY, "worker rank " + rank + " is already connected from "
            + holder.remote() + "; a rank has one connection (a dead worker's is closed after"
            + " idleTimeout=" + config.idleTimeout().toMillis() + " ms without heartbeats)");
        return;
      }
    }
    conn = c;
    authTimer.cancel(false);
    leaveGate();
    // the controller never pushes: its frames are all buffered whole (and refused)
    decoder.authenticated(
        c.controller() ? null : new PushReceiver(conn, state, parts.faults()));
    // a worker heartbeats while idle: silence means it is gone or its connection half-open;
    // first in the pipeline, so the bytes of a frame still arriving count as activity
    ctx.pipeline().addFirst("idle",
        new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    // registered before AUTH_OK goes out, so any request sent after the worker is in is
    // handled after it counts as connected; the controller is no worker of any round
    if (!conn.controller()) {
      state.onConnect(conn);
    }
    ByteBuf ok = Frames.start(ctx.alloc(), Protocol.AUTH_OK);
    ok.writeIntLE(config.numWorkers());
    ok.writeByte(config.mode().code());
    ok.writeBytes(parts.mac().proof(clientNonce, rank));
    ctx.writeAndFlush(Frames.finish(ok, 0));
    LOG.info("kvstore server: {} connected", conn);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      fatal(ctx, Protocol.FATAL_PROTOCOL, "no frame for " + config.idleTimeout().toMillis()
          + " ms (KVStoreServerConfig.idleTimeout), not even a heartbeat: the worker is gone"
          + " or its connection is half-open");
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private void leaveGate() {
    if (admitted != null) {
      parts.gate().leave(admitted);
      admitted = null;
    }
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
      String during = decoder.failedWhile();
      unexpected(ctx, c, during != null ? during : "the bytes read");
    }
  }

  /**
   * An exception that is neither the peer's fault nor the socket's, met {@code during} what
   * this connection's thread did. An {@link Error} after login fails the server (decision
   * 0085); one in the login path, like any other exception, ends this connection only.
   */
  private void unexpected(ChannelHandlerContext ctx, Throwable t, String during) {
    if (conn != null && ServerState.isFatal(t)) {
      fatal(ctx, Protocol.FATAL_PROTOCOL, state.failFromIo(t, during + " from " + conn));
    } else if (conn == null && ServerState.isFatal(t)) {
      // no memory, a class that cannot load: this login fails, the next one may not
      LOG.error("kvstore server: error during {} of {}", during, who(ctx), t);
      fatal(ctx, Protocol.FATAL_RETRY, "the kvstore server met " + t + " during " + during
          + "; try again");
    } else {
      LOG.error("kvstore server: error during {} on {}", during, who(ctx), t);
      fatal(ctx, Protocol.FATAL_PROTOCOL, "internal server error: " + t);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (authTimer != null) {
      authTimer.cancel(false);
    }
    leaveGate();
    if (conn != null && conn.controller()) {
      parts.controller().leave(conn);
    } else if (conn != null) {
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
    try {
      ByteBuf f = Frames.start(ctx.alloc(), Protocol.FATAL);
      f.writeByte(kind);
      Protocol.writeString(f, message);
      ctx.writeAndFlush(Frames.finish(f, 0)).addListener(ChannelFutureListener.CLOSE);
    } catch (Throwable t) {
      ctx.close(); // not even the FATAL frame fits: close without it
    }
  }

  private String who(ChannelHandlerContext ctx) {
    return conn != null ? conn.toString()
        : ctx.channel().remoteAddress() + " (not authenticated)";
  }
}
