package org.kindling.kvstore;

import java.security.Provider;

/**
 * Where a test puts in a server's way the faults a real server meets rarely and cannot be made
 * to meet on demand: an {@link Error} (out of direct memory, say) while an I/O thread sums a push
 * as it arrives or makes room for a large frame, and the security provider its login MAC comes
 * from (a broken one, or one that fails). A test subclasses it and passes it to {@link
 * KVStoreServer#start(KVStoreServerConfig, ServerFaults)}; production servers run with {@link
 * #NONE}, whose methods do nothing. Nothing public reaches this class.
 */
class ServerFaults {
  /** No faults: the JVM's preferred HmacSHA256 provider, nothing thrown. */
  static final ServerFaults NONE = new ServerFaults();

  /**
   * The provider of the server's HmacSHA256, or null for the JVM's preferred one (the
   * default).
   */
  Provider macProvider() {
    return null;
  }

  /**
   * Called on an I/O thread before it sums the next {@code bytes} bytes of a push of {@code key}
   * that arrives in pieces ({@link PushReceiver#write}); may throw what summing could.
   */
  void beforeSum(String key, int bytes) {}

  /**
   * Called on an I/O thread before it makes room for the whole of a frame of {@code frameBytes}
   * bytes ({@link FrameDecoder}); may throw what allocating could.
   */
  void beforeBuffer(long frameBytes) {}
}
