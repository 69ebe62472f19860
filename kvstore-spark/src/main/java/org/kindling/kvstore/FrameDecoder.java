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
 * the decoder discards everything (the handler closes the connection). Once authenticated, a
 * large PUSH or PUSHPULL goes to the connection's {@link PushReceiver} piece by piece as it
 * arrives, if it takes it, instead of being buffered whole.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  /** Frames above this size get their whole buffer when their header arrives. */
  private static final long GROW_AT_ONCE = 1 << 20;

  private final FrameLimits limits;
  private final ServerFaults faults;
  private boolean authenticated;
  private boolean failed;
  /** Where large pushes are summed as they arrive; null: every frame is buffered whole. */
  private PushReceiver pushes;
  /** The current frame's data goes to {@link #pushes}. */
  private boolean streaming;
  /** {@link #pushes} declined the current frame: buffer it whole. */
  private boolean declined;
  /** What this decoder did when something it called threw, or null. */
  private String failedWhile;

  FrameDecoder(FrameLimits limits, ServerFaults faults) {
    this.limits = limits;
    this.faults = faults;
  }

  /**
   * What the decoder was handling when the exception the pipeline reports was thrown (a push it
   * summed, a frame it made room for), or null if it did not come from there.
   */
  String failedWhile() {
    return failedWhile;
  }

  /**
   * Applies the per-type limits from now on and offers large pushes to {@code pushes} (null:
   * buffer them whole); called on the channel's event loop.
   */
  void authenticated(PushReceiver pushes) {
    this.authenticated = true;
    this.pushes = pushes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (streaming) {
      try {
        streaming = !pushes.write(in);
      } catch (Throwable t) {
        failed = true; // the handler closes the connection
        failedWhile = pushes.describe();
        streaming = false;
        pushes.abort();
        throw t;
      }
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
    if (pushes != null && !declined && length >= PushReceiver.MIN_STREAMED_BYTES
        && (type == Protocol.PUSH || type == Protocol.PUSHPULL)) {
      if (in.readableBytes() < 4 + FrameLimits.HEADER_BYTES) {
        return; // the longest header (a frame this long has room for it)
      }
      int header = pushes.start(in.slice(in.readerIndex() + 4, in.readableBytes() - 4), length);
      if (header >= 0) {
        in.skipBytes(4 + header);
        streaming = true;
        return;
      }
      declined = true;
    }
    if (in.readableBytes() < 4 + length) {
      // room for the whole frame now: else the cumulation grows by 4 MiB steps, each copying
      // what came so far (a 64 MB push was copied 16 times over, 8x its size)
      if (length > GROW_AT_ONCE && in.writableBytes() < 4 + length - in.readableBytes()) {
        try {
          faults.beforeBuffer(length);
          in.ensureWritable((int) (4 + length - in.readableBytes()));
        } catch (Throwable t) {
          failed = true;
          failedWhile = "the " + Protocol.typeName(type) + " frame of " + length
              + " bytes (making room for it)";
          throw t;
        }
      }
      return;
    }
    in.skipBytes(4);
    declined = false;
    out.add(in.readRetainedSlice((int) length));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (streaming) {
      streaming = false;
      failed = true; // what is left is the middle of the push: not a frame to decode
      pushes.abort();
    }
    super.channelInactive(ctx);
  }
}
