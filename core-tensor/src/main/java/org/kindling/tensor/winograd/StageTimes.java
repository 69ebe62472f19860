package org.kindling.tensor.winograd;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Diagnostic: wall nanoseconds spent in each stage of the Winograd calls of this JVM, summed
 * over workers, and each call's wall time and its workers' busy time (to see whether the
 * workers share a call evenly). Off unless {@code -D}{@value #PROPERTY}{@code =true}: the flag
 * is a constant, so the JIT drops the timing from the calls when it is off. Read by
 * {@code WinogradLayerBench}; not an API.
 */
final class StageTimes {
  /** System property that turns the counters on. */
  static final String PROPERTY = "kindling.winograd.stageTimes";
  static final boolean ON = Boolean.getBoolean(PROPERTY);

  /** The stages of a block, in order. */
  enum Stage {
    GATHER, INPUT_TRANSFORM, V_STORE, GEMM, M_LOAD, OUTPUT_TRANSFORM, SCATTER
  }

  private static final LongAdder[] STAGE = new LongAdder[Stage.values().length];
  private static final LongAdder CALL_WALL = new LongAdder();
  private static final LongAdder WORKER_BUSY = new LongAdder();
  private static final LongAdder WORKER_SLOTS = new LongAdder();

  static {
    for (int i = 0; i < STAGE.length; i++) {
      STAGE[i] = new LongAdder();
    }
  }

  private StageTimes() {}

  static void add(Stage s, long nanos) {
    STAGE[s.ordinal()].add(nanos);
  }

  /** One call: its wall time, its workers' summed busy time and its worker count. */
  static void call(long wallNanos, long busyNanos, int workers) {
    CALL_WALL.add(wallNanos);
    WORKER_BUSY.add(busyNanos);
    WORKER_SLOTS.add(wallNanos * workers);
  }

  static void reset() {
    for (LongAdder a : STAGE) {
      a.reset();
    }
    CALL_WALL.reset();
    WORKER_BUSY.reset();
    WORKER_SLOTS.reset();
  }

  /** The stages' shares in ms and %, and the workers' busy share of the calls' wall time. */
  static String report(double flopsOfGemm) {
    StringBuilder b = new StringBuilder();
    long total = 0;
    for (LongAdder a : STAGE) {
      total += a.sum();
    }
    for (Stage s : Stage.values()) {
      long t = STAGE[s.ordinal()].sum();
      b.append(String.format(Locale.ROOT, "%s %.1f ms (%.0f%%)", s.name().toLowerCase(Locale.ROOT),
          t / 1e6, 100.0 * t / Math.max(1, total)));
      if (s == Stage.GEMM && t > 0) {
        b.append(String.format(Locale.ROOT, " %.0f GF/s/thread", flopsOfGemm / t));
      }
      b.append("; ");
    }
    b.append(String.format(Locale.ROOT, "call wall %.1f ms, workers busy %.0f%% of it",
        CALL_WALL.sum() / 1e6, 100.0 * WORKER_BUSY.sum() / Math.max(1, WORKER_SLOTS.sum())));
    return b.toString();
  }
}
