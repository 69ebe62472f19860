package org.kindling.tensor.storage;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer's memory now instead of when the garbage collector finds it
 * unreachable. Kindling keeps its large data in native memory, so its Java heap stays small and
 * collections are rare: a direct buffer dropped at bind time (the scratch tensors and kept
 * weights of a bind-time measurement) stayed resident until the JVM's direct-memory limit forced
 * a collection, hundreds of MB per network (docs/decisions/0069). Through {@code
 * sun.misc.Unsafe#invokeCleaner} (module {@code jdk.unsupported}, open to the class path; no
 * {@code --add-opens}); where it is missing, freeing is left to the collector as before.
 */
public final class DirectBuffers {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

  static {
    Object unsafe = null;
    Method m = null;
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      unsafe = f.get(null);
      m = c.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      unsafe = null;
      m = null;
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = m;
  }

  private DirectBuffers() {}

  /**
   * Frees {@code buffer}'s memory now. The caller guarantees that nothing reads or writes it, or
   * any view of it, afterwards (a native call on freed memory crashes the process or corrupts
   * another allocation). Does nothing for null.
   *
   * @param buffer a buffer of {@link ByteBuffer#allocateDirect} itself, not a slice or
   *     duplicate of one
   * @return true if it was freed now, false if it is left to the collector (no {@code Unsafe})
   * @throws IllegalArgumentException if {@code buffer} is not direct, or is a slice or duplicate
   */
  public static boolean free(ByteBuffer buffer) {
    if (buffer == null) {
      return false;
    }
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("not a direct buffer: " + buffer);
    }
    if (INVOKE_CLEANER == null) {
      return false;
    }
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
      return true;
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae; // a slice or duplicate: its memory is its parent's
      }
      throw new IllegalStateException("freeing a direct buffer failed", e.getCause());
    } catch (IllegalAccessException e) {
      return false;
    }
  }

  /** The JVM's direct buffers' bytes now (reachable or not yet collected). */
  public static long used() {
    for (java.lang.management.BufferPoolMXBean b
        : java.lang.management.ManagementFactory.getPlatformMXBeans(
            java.lang.management.BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        return b.getMemoryUsed();
      }
    }
    return 0;
  }
}
