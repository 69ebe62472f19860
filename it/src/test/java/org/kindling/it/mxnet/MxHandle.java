package org.kindling.it.mxnet;

import com.sun.jna.Pointer;
import java.util.function.ToIntFunction;

/**
 * An MXNet handle that {@link #close()} frees once, through the C API call that frees its kind
 * (symbols, predictors).
 */
abstract class MxHandle implements AutoCloseable {
  final Mxnet mx;
  private final String what;
  private final String freeCall;
  private final ToIntFunction<Pointer> free;
  private Pointer handle;

  /**
   * @param what the kind of handle, for the message of a use after free
   * @param freeCall the name of the C API call that frees it, for error messages
   * @param free that call
   */
  MxHandle(Mxnet mx, Pointer handle, String what, String freeCall, ToIntFunction<Pointer> free) {
    this.mx = mx;
    this.handle = handle;
    this.what = what;
    this.freeCall = freeCall;
    this.free = free;
  }

  /**
   * The handle.
   *
   * @throws IllegalStateException once it is freed
   */
  final Pointer handle() {
    if (handle == null) {
      throw new IllegalStateException(what + " already freed");
    }
    return handle;
  }

  /** Frees the handle; idempotent. */
  @Override
  public final void close() {
    if (handle != null) {
      Pointer h = handle;
      handle = null;
      mx.check(free.applyAsInt(h), freeCall);
    }
  }
}
