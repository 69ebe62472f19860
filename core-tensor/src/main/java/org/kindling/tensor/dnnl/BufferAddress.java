package org.kindling.tensor.dnnl;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * The native address of a direct buffer, read from the buffer's own {@code address} field
 * through {@code sun.misc.Unsafe} (module {@code jdk.unsupported}, open to the class path), as
 * Netty and Agrona do: a field read, where JavaCPP's {@code new Pointer(buffer)} allocates a
 * pointer and crosses JNI (0.1 µs, twice or more per oneDNN call). Where {@code Unsafe} or the
 * field is missing it falls back to JavaCPP.
 */
final class BufferAddress {
  private static final sun.misc.Unsafe UNSAFE;
  private static final long ADDRESS;

  static {
    sun.misc.Unsafe u = null;
    long offset = -1;
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      u = (sun.misc.Unsafe) f.get(null);
      offset = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
      ByteBuffer probe = ByteBuffer.allocateDirect(64).position(8).slice();
      Pointer p = new Pointer(probe);
      if (u.getLong(probe, offset) != p.address() + p.position()) {
        u = null; // not the field it was in the JDKs this was written for
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      u = null;
    }
    UNSAFE = u;
    ADDRESS = offset;
  }

  private BufferAddress() {}

  /**
   * The address of {@code b}'s byte at its position ({@code b} direct), the address JavaCPP's
   * {@code new Pointer(b)} hands to native code.
   */
  static long of(ByteBuffer b) {
    return base(b) + b.position();
  }

  /** The address of {@code b}'s byte 0 ({@code b} direct), whatever its position. */
  static long base(ByteBuffer b) {
    if (UNSAFE == null) {
      return new Pointer(b).address();
    }
    return UNSAFE.getLong(b, ADDRESS);
  }
}
