package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Builds length-prefixed frames: {@code length:u32le type:u8 fields... [data]}. */
final class Frames {
  private Frames() {}

  /** A buffer holding a length placeholder and the type byte; append the fields next. */
  static ByteBuf start(ByteBufAllocator alloc, byte type) {
    ByteBuf buf = alloc.buffer(64);
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
