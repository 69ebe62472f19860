package org.kindling.tensor.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The source of {@link Var#version()} stamps: one counter for the JVM, so none repeats. Others
 * that stamp contents derived from variables (an executor's folded weights) draw from it too.
 */
public final class WriteStamps {
  private static final AtomicLong LAST = new AtomicLong();

  private WriteStamps() {}

  /** A stamp never returned before (positive). */
  public static long next() {
    return LAST.incrementAndGet();
  }
}
