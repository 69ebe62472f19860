package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sender's state for 2-bit gradient compression: per key and source (the pushing device or
 * task; for a worker's level-2 push the index of the server its range of the key goes to, 0 with
 * one server) the residual, which starts at zero, and a buffer for the packed codes, both reused
 * from push to push. Pushes of one key must not overlap (the
 * stores guarantee it); different keys may be pushed from different threads.
 */
final class Residuals {
  private record Slot(String key, int source) {}

  private static final class State {
    final float[] residual;
    final ByteBuffer codes;

    State(int n) {
      residual = new float[n];
      codes = ByteBuffer.allocate(TwoBitCodec.bytes(n));
    }
  }

  private final Map<Slot, State> states = new ConcurrentHashMap<>();

  /**
   * Quantizes {@code grad[0, n)} against the residual of {@code (key, source)} and returns the
   * packed codes (position 0, limit {@link TwoBitCodec#bytes}); valid until the next call for
   * that key and source.
   */
  ByteBuffer quantize(String key, int source, FloatBuffer grad, int n, float threshold) {
    State s = states.computeIfAbsent(new Slot(key, source), k -> new State(n));
    if (s.residual.length != n) {
      throw new IllegalStateException("key '" + key + "': a push of " + n + " elements, but its"
          + " residual has " + s.residual.length);
    }
    s.codes.clear();
    TwoBitCodec.quantize(grad, s.residual, s.codes, n, threshold);
    return s.codes.duplicate();
  }

  /** Forgets every residual (the compression changed, or the store closed). */
  void clear() {
    states.clear();
  }
}
