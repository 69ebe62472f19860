package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/** Builds length-prefixed frames: {@code length:u32le type:u8 fields... [data]}. */
final class Frames {
  private Frames() {}

  /** A buffer holding a length placeholder and the type byte; append the fields next. */
  static ByteBuf start(ByteBufAllocator alloc, byte type) {
    return header(alloc.buffer(64), type);
  }

  /**
   * As {@link #start(ByteBufAllocator, byte)} on an unpooled heap buffer, for the client's
   * blocking socket: nothing needs to be released.
   */
  static ByteBuf startOnHeap(byte type) {
    return header(Unpooled.buffer(64), type);
  }

  private static ByteBuf header(ByteBuf buf, byte type) {
    buf.writeIntLE(0);
    buf.writeByte(type);
    return buf;
  }

  /**
   * Sets the length prefix, counting {@code trailingBytes} of data that will be written right
   * after this header.
   */
  static ByteBuf finish(ByteBuf header, int trailingBytes) {
    header.setIntLE(0, header.writerIndex() - 4 + trailingBytes);
    return header;
  }
}
