package org.kindling.kvstore;

import java.util.Locale;

/**
 * How the server combines the pushes of the workers (formats.md §5.3).
 *
 * <ul>
 *   <li>{@link #SYNC}: pushes of a key are summed until one push per worker (counted as
 *       requests) has arrived; then the optimizer runs once (or the sum is assigned) and all
 *       held pushes are answered.
 *   <li>{@link #ASYNC}: every push is applied at once with the optimizer, which must be set.
 * </ul>
 */
public enum SyncMode {
  /** {@code dist_sync}, {@code dist_device_sync}, {@code dist_sync_device}, {@code dist}. */
  SYNC((byte) 0),
  /** {@code dist_async}, {@code dist_async_device}. */
  ASYNC((byte) 1);

  private final byte code;

  SyncMode(byte code) {
    this.code = code;
  }

  /** The byte that stands for this mode on the wire. */
  byte code() {
    return code;
  }

  /** The mode for a wire byte, or null if the byte is unknown. */
  static SyncMode fromCode(int code) {
    for (SyncMode m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    return null;
  }

  /**
   * The mode of a distributed store type, matched as MXNet does: lower-cased, a type
   * containing {@code _async} is asynchronous, any other {@code dist} type is synchronous.
   *
   * @throws IllegalArgumentException if {@code type} does not contain {@code dist}
   */
  public static SyncMode fromType(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    if (!t.contains("dist")) {
      throw new IllegalArgumentException(
          "kvstore type '" + type + "' is not distributed (a distributed type contains 'dist',"
              + " e.g. dist_sync or dist_async)");
    }
    return t.contains("_async") ? ASYNC : SYNC;
  }

  /** The canonical type name, {@code dist_sync} or {@code dist_async}. */
  public String typeName() {
    return this == SYNC ? "dist_sync" : "dist_async";
  }
}
