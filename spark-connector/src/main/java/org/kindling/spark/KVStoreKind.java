package org.kindling.spark;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The key-value stores a training job can use ({@code --kvstore}), by MXNet's type names. */
public enum KVStoreKind {
  /** One task; the store and its optimizer live in the task (MXNet's {@code local}). */
  LOCAL("local"),
  /** W tasks and the parameter server on the driver, synchronous (MXNet's {@code dist_sync}). */
  DIST_SYNC("dist_sync"),
  /**
   * Level 1 then synchronous level 2 (MXNet's {@code dist_device_sync}): the tasks of one
   * executor sum their gradients in memory and one of them talks to the driver's server, which
   * sees one worker per executor (decision 0025).
   */
  DIST_DEVICE_SYNC("dist_device_sync"),
  /** W tasks, the driver's server applies each push on arrival (MXNet's {@code dist_async}). */
  DIST_ASYNC("dist_async");

  private final String mxName;

  KVStoreKind(String mxName) {
    this.mxName = mxName;
  }

  /** MXNet's type name, e.g. {@code dist_sync}. */
  public String mxName() {
    return mxName;
  }

  /** True for the driver's parameter server. */
  public boolean distributed() {
    return this != LOCAL;
  }

  /** True if the tasks of one executor aggregate first (level 1). */
  public boolean levelOne() {
    return this == DIST_DEVICE_SYNC;
  }

  /** True if the server applies each push on arrival. */
  public boolean async() {
    return this == DIST_ASYNC;
  }

  /**
   * The kind named {@code name} (any case).
   *
   * @throws IllegalArgumentException naming {@code --kvstore} and the accepted names
   */
  public static KVStoreKind parse(String name) {
    for (KVStoreKind k : values()) {
      if (k.mxName.equalsIgnoreCase(name == null ? "" : name.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("--kvstore must be "
        + Arrays.stream(values()).map(k -> "'" + k.mxName + "'").collect(Collectors.joining(", "))
        + ", got '" + name + "'");
  }

  @Override
  public String toString() {
    return mxName.toLowerCase(Locale.ROOT);
  }
}
