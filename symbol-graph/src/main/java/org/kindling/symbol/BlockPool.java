package org.kindling.symbol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.symbol.graph.MemoryPlan;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;

/**
 * The internal memory blocks of one executor, or of several that share memory (MXNet's
 * {@code shared_buffer}/{@code data_pool_} of a shared executor: bucketing, {@link
 * Executor#reshape}). Each executor's {@link MemoryPlan} asks for its blocks, largest first:
 * each takes the smallest pooled block at least as large that this executor has not taken yet,
 * or else a new one, which joins the pool for the executors bound later (MXNet's {@code
 * InitDataEntryMemory}). Executors sharing a pool share blocks, so they must not run at the same
 * time: running one overwrites the values (outputs included) of the others.
 *
 * <p>Blocks are {@code uint8} arrays, zeroed when allocated (not when taken from the pool). The
 * pool counts its executors and releases its blocks when the last one closes; the views an
 * executor makes of its blocks keep their memory until that executor closes too.
 */
final class BlockPool {
  private final List<NDArray> blocks = new ArrayList<>();
  private int users;

  /** A pool with no blocks, for a first executor. */
  BlockPool() {}

  /**
   * The blocks of {@code plan}, indexed by the plan's block ids, and registers the caller as a
   * user of the pool.
   *
   * @return the arrays, and in {@link Blocks#allocatedBytes()} the bytes of the new ones
   */
  synchronized Blocks take(MemoryPlan plan) {
    if (users < 0) {
      throw new IllegalStateException("the shared executor's memory is released: it and every"
          + " executor sharing its memory are closed");
    }
    TreeMap<Long, ArrayDeque<NDArray>> free = new TreeMap<>();
    for (NDArray b : blocks) {
      free.computeIfAbsent(b.shape().size(), k -> new ArrayDeque<>()).addLast(b);
    }
    List<Integer> order = new ArrayList<>();
    for (int b = 0; b < plan.numBlocks(); b++) {
      order.add(b);
    }
    order.sort(Comparator.comparingLong((Integer b) -> plan.blockBytes(b)).reversed());
    NDArray[] out = new NDArray[plan.numBlocks()];
    long allocated = 0;
    for (int b : order) {
      long bytes = Math.max(1, plan.blockBytes(b));
      Map.Entry<Long, ArrayDeque<NDArray>> e = free.ceilingEntry(bytes);
      if (e != null) {
        out[b] = e.getValue().pollFirst();
        if (e.getValue().isEmpty()) {
          free.remove(e.getKey());
        }
      } else {
        out[b] = NDScope.unscoped(NDArray.zeros(Shape.of(Math.toIntExact(bytes)), DType.UINT8));
        blocks.add(out[b]);
        allocated += bytes;
      }
    }
    users++;
    return new Blocks(out, allocated);
  }

  /** Blocks for one executor and the bytes newly allocated for them. */
  record Blocks(NDArray[] arrays, long allocatedBytes) {}

  /** An executor using the pool closed; the last one releases the blocks. */
  synchronized void release() {
    if (--users == 0) {
      blocks.forEach(NDArray::close);
      blocks.clear();
      users = -1;
    }
  }

  /** Bytes of all blocks in the pool. */
  synchronized long bytes() {
    long sum = 0;
    for (NDArray b : blocks) {
      sum += b.shape().size();
    }
    return sum;
  }
}
