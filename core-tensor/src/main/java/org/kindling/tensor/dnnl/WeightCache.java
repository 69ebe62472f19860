package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.kindling.tensor.storage.Storage;
import org.kindling.tensor.storage.Unpooled;

/**
 * A kernel's weights in the layout its primitive chose, kept between calls: one copy per weight
 * storage (by address), reordered again only when the caller's stamp of the weights ({@link
 * org.kindling.tensor.op.OpContext#inputVersion}) changes. Without a stamp every call reorders,
 * as training does (the weights change every step).
 *
 * <p>Stamps are unique in the JVM ({@link org.kindling.tensor.engine.Var#version()}), so a new
 * array at a reused address never finds the old array's copy valid. Calls on two threads at
 * once with the same weights see the same stamp (the engine orders a write of the weights after
 * every read), so one may reorder while the other waits on the entry.
 */
final class WeightCache {
  /** Weight storages kept per kernel; more than one only when executors share a kernel. */
  private static final int ENTRIES = 4;

  /** One weight storage's copy and the stamp it was made from (-1: none yet). */
  private static final class Entry {
    final Unpooled block;
    final ByteBuffer copy;
    long version = -1;

    Entry(long bytes) {
      // in huge pages where Storage gives its large blocks them: a blocked copy of a
      // classifier's weights read through 4 KiB pages costs 1.7x the CPU (decision 0057)
      block = Storage.get().unpooledBlock(bytes);
      copy = block.buffer();
    }
  }

  private final Operand weights;
  private final Map<Long, Entry> entries = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
      return size() > ENTRIES;
    }
  };

  WeightCache(Operand weights) {
    this.weights = weights;
  }

  /**
   * The weights {@code data} in the primitive's layout: its kept copy if {@code version} is the
   * stamp it was made from, else a fresh reorder (into the copy if {@code version >= 0}, else
   * into the call's workspace). The caller keeps the returned buffer reachable until the
   * primitive ran (the memory object does not).
   */
  ByteBuffer read(Call c, ByteBuffer data, long version) {
    Entry e;
    synchronized (entries) {
      e = entries.computeIfAbsent(new Pointer(data).address(),
          a -> new Entry(weights.inner().get_size()));
    }
    synchronized (e) {
      if (e.version != version) {
        e.version = -1; // a failed reorder leaves no stale stamp behind
        weights.readInto(c, data, e.copy, "reorder weights");
        e.version = version;
      }
    }
    return e.copy;
  }

  /**
   * {@code data} reordered into its kept copy whatever its stamp, for a caller without one and
   * without a workspace slot for the weights (a laid-out kernel, decision 0069); the copy is
   * then stamped as made from no version, so the next stamped call reorders again.
   */
  ByteBuffer reorder(Call c, ByteBuffer data) {
    Entry e;
    synchronized (entries) {
      e = entries.computeIfAbsent(new Pointer(data).address(),
          a -> new Entry(weights.inner().get_size()));
    }
    synchronized (e) {
      e.version = -1;
      weights.readInto(c, data, e.copy, "reorder weights");
    }
    return e.copy;
  }

  /**
   * Frees every kept copy now ({@link org.kindling.tensor.op.Kernel#release}: no call runs
   * meanwhile); a later call keeps a new one.
   */
  void release() {
    synchronized (entries) {
      for (Entry e : entries.values()) {
        synchronized (e) {
          e.version = -1;
          e.block.free();
        }
      }
      entries.clear();
    }
  }

  /** Kept copies now (tests). */
  int kept() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
