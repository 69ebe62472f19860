package org.kindling.symbol.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.op.Layout;

/**
 * The memory-planning pass, MXNet's {@code PlanMemory} with its {@code GraphAllocator}. Needs:
 * an {@link ExecGraph} and {@link PlanOptions}. Provides: a {@link MemoryPlan}.
 *
 * <p>It simulates the steps in order with a reference count per value (one per read, plus one
 * for a pinned head, which is never released) and per block. At each step:
 *
 * <ol>
 *   <li><b>In place</b>: an output takes an input's block (or, backward, an input gradient
 *       takes an output gradient's block) when the operator lists the pair, sizes and element
 *       sizes match, the output is read later, and either this step holds the block's last
 *       reference (the input is never read again, by the forward or by a backward step that
 *       declared it) or the operator is reshape-like and the types match (the data is the same,
 *       so more readers may share it; their references join the block's).
 *   <li>The other outputs, largest first, take a free block: the smallest at least as large
 *       within {@code bytes * matchRange}, else the largest smaller one down to
 *       {@code bytes / matchRange} (which then grows), else a new one. A match range of 0
 *       always takes a new block.
 *   <li>Each read drops a reference; a block whose count reaches 0 is free for later steps.
 *       Outputs that nothing reads are freed at once.
 * </ol>
 *
 * <p>Block sizes are exact bytes (MXNet counts 4 bytes per element whatever the type).
 * Parallel branches are not coloured apart (MXNet's {@code NNVM_EXEC_NUM_TEMP} is 1 by
 * default): sharing may order work that could otherwise overlap.
 */
public final class MemoryPlanner {
  private MemoryPlanner() {}

  /**
   * Plans {@code graph}'s values: with both strategies where the options allow them, and, as
   * in-place choices are greedy and not always the better ones, also with co-sharing alone,
   * keeping the plan with fewer bytes (MXNet keeps its one plan with both).
   *
   * @throws IllegalStateException if a planned value is read before any step writes it (a
   *     malformed graph)
   */
  public static MemoryPlan plan(ExecGraph graph, PlanOptions options) {
    return plan(graph, options, null);
  }

  /**
   * Plans {@code graph}'s values as {@link #plan(ExecGraph, PlanOptions)}, each value in its
   * layout: sized by {@link Layout#bytes} (a blocked layout pads), and an output takes its
   * input's block in place only where the two share a layout.
   *
   * @param layouts the layout of each value (null entries, or null, for row-major)
   */
  public static MemoryPlan plan(ExecGraph graph, PlanOptions options, Layout[] layouts) {
    return plan(graph, options, layouts, null);
  }

  /**
   * Plans {@code graph}'s values as {@link #plan(ExecGraph, PlanOptions, Layout[])}, leaving out
   * the values the executor will hold in memory of someone else's (an identity's output that is
   * the bound argument itself): they get no block, and no output takes them over in place.
   *
   * @param elsewhere true for each value that gets no block (null for none)
   */
  public static MemoryPlan plan(ExecGraph graph, PlanOptions options, Layout[] layouts,
      boolean[] elsewhere) {
    Sizes sizes = new Sizes(graph, layouts, elsewhere);
    MemoryPlan best = search(sizes, options.inplace(), options);
    if (options.inplace() && options.matchRange() > 0) {
      // in place is greedy: an output that takes its input's block may keep that block (and so
      // every value co-shared into it) alive longer than co-sharing alone would (lenet's
      // inference plan: 59,640 B with both strategies, 57,680 B co-sharing only)
      best = smaller(best, search(sizes, false, options));
    }
    return best;
  }

  /** The bytes and layout of each value. */
  private record Sizes(ExecGraph g, Layout[] layouts, boolean[] elsewhere) {
    /** True if {@code v} gets a block of this plan. */
    boolean planned(int v) {
      return g.planned(v) && (elsewhere == null || !elsewhere[v]);
    }

    Layout layout(int v) {
      return layouts == null || layouts[v] == null ? Layout.ROW_MAJOR : layouts[v];
    }

    long bytes(int v) {
      return layout(v).bytes(g.shape(v), g.dtype(v));
    }
  }

  /** The plan with or without in place, searching the match range if the options say so. */
  private static MemoryPlan search(Sizes sizes, boolean inplace, PlanOptions options) {
    if (!options.autoSearch() || options.matchRange() <= 1) {
      return simulate(sizes, inplace, options.matchRange());
    }
    MemoryPlan best = null;
    for (int range = 1; range <= options.matchRange(); range *= 2) {
      best = smaller(best, simulate(sizes, inplace, range));
    }
    return best;
  }

  /** The plan with fewer bytes; {@code a} on a tie (or if {@code b} is null). */
  private static MemoryPlan smaller(MemoryPlan a, MemoryPlan b) {
    return a == null || b != null && b.totalBytes() < a.totalBytes() ? b : a;
  }

  /**
   * The four figures: every graph entry and gradient in its own buffer
   * ({@link ExecGraph#naiveBytes()}), then plans of {@code graph} with in place only, co-sharing
   * only (with the options' match range, 16 if they turn co-sharing off), and the plan of
   * {@link #plan} (the smaller of both strategies and co-sharing alone) as {@code options} plan
   * them (with the defaults' strategies if {@code options} share nothing).
   */
  public static MemoryReport report(ExecGraph graph, PlanOptions options) {
    PlanOptions both = options.sharesNothing() ? PlanOptions.DEFAULT : options;
    int range = both.matchRange() == 0 ? PlanOptions.DEFAULT.matchRange() : both.matchRange();
    return new MemoryReport(graph.naiveBytes(),
        simulate(new Sizes(graph, null, null), true, 0).totalBytes(),
        plan(graph, new PlanOptions(false, range, both.autoSearch(), both.fuse(), both.fold(),
            both.blocked()))
            .totalBytes(),
        plan(graph, both).totalBytes());
  }

  private static MemoryPlan simulate(Sizes sizes, boolean inplace, int matchRange) {
    ExecGraph g = sizes.g();
    int nv = g.numValues();
    int[] refs = new int[nv];
    for (int v = 0; v < nv; v++) {
      if (sizes.planned(v)) {
        refs[v] = g.pinned(v) ? 1 : 0;
      }
    }
    for (ExecGraph.Step s : g.steps()) {
      for (int v : s.reads()) {
        if (sizes.planned(v)) {
          refs[v]++;
        }
      }
    }
    int[] block = new int[nv];
    java.util.Arrays.fill(block, -1);
    boolean[] inPlace = new boolean[nv];
    Pool pool = new Pool(matchRange);
    for (ExecGraph.Step s : g.steps()) {
      if (inplace && s instanceof ExecGraph.Forward f) {
        takeInPlace(sizes, f.in(), f.out(), f.inplace(), refs, block, inPlace, pool);
      } else if (inplace && s instanceof ExecGraph.Backward b) {
        takeInPlace(sizes, b.outGrad(), b.inGrad(), b.inplace(), refs, block, inPlace, pool);
      }
      List<Integer> fresh = new ArrayList<>();
      for (int v : s.writes()) {
        if (sizes.planned(v) && block[v] < 0 && !fresh.contains(v)) {
          fresh.add(v);
        }
      }
      fresh.sort(Comparator.comparingLong(sizes::bytes).reversed());
      for (int v : fresh) {
        block[v] = pool.request(sizes.bytes(v));
        pool.refs[block[v]] = refs[v];
      }
      for (int v : s.reads()) {
        if (!sizes.planned(v)) {
          continue;
        }
        if (block[v] < 0) {
          throw new IllegalStateException("memory plan: " + g.name(v)
              + " is read before any step writes it");
        }
        if (--pool.refs[block[v]] == 0) {
          pool.release(block[v]);
        }
      }
      for (int v : fresh) {
        if (refs[v] == 0) {
          pool.release(block[v]); // never read: free at once
        }
      }
    }
    return new MemoryPlan(block, inPlace, pool.sizes(), g.naiveBytes());
  }

  /** Lets outputs take their inputs' blocks where {@code pairs} allow it (see the class). */
  private static void takeInPlace(Sizes sizes, int[] reads, int[] writes,
      List<ExecGraph.InPlace> pairs, int[] refs, int[] block, boolean[] inPlace, Pool pool) {
    ExecGraph g = sizes.g();
    boolean[] taken = new boolean[reads.length];
    for (ExecGraph.InPlace p : pairs) {
      int in = reads[p.input()];
      int out = writes[p.output()];
      if (taken[p.input()] || !sizes.planned(out) || block[out] >= 0 || !sizes.planned(in)
          || block[in] < 0
          || refs[out] == 0 || g.shape(in).size() != g.shape(out).size()
          || g.dtype(in).byteSize() != g.dtype(out).byteSize()
          || !sizes.layout(in).equals(sizes.layout(out)) || sizes.bytes(in) != sizes.bytes(out)) {
        continue;
      }
      int b = block[in];
      boolean identity = p.identity() && g.dtype(in) == g.dtype(out);
      if (pool.refs[b] == 1 || identity) {
        taken[p.input()] = true;
        block[out] = b;
        inPlace[out] = true;
        pool.refs[b] += refs[out];
      }
    }
  }

  /** MXNet's {@code GraphAllocator}: blocks, their reference counts and the free ones by size. */
  private static final class Pool {
    private final int matchRange;
    private final List<Long> bytes = new ArrayList<>();
    private int[] refs = new int[16];
    private final TreeMap<Long, ArrayDeque<Integer>> free = new TreeMap<>();

    Pool(int matchRange) {
      this.matchRange = matchRange;
    }

    int request(long size) {
      if (matchRange > 0) {
        Map.Entry<Long, ArrayDeque<Integer>> e = free.ceilingEntry(size);
        if (e != null && e.getKey() <= size * matchRange) {
          return take(e, e.getValue().pollFirst(), size);
        }
        e = free.lowerEntry(size);
        if (e != null && e.getKey() >= size / matchRange) {
          return take(e, e.getValue().pollLast(), size);
        }
      }
      bytes.add(size);
      if (bytes.size() > refs.length) {
        refs = java.util.Arrays.copyOf(refs, refs.length * 2);
      }
      return bytes.size() - 1;
    }

    private int take(Map.Entry<Long, ArrayDeque<Integer>> e, int b, long size) {
      if (e.getValue().isEmpty()) {
        free.remove(e.getKey());
      }
      bytes.set(b, Math.max(bytes.get(b), size));
      return b;
    }

    void release(int b) {
      free.computeIfAbsent(bytes.get(b), k -> new ArrayDeque<>()).addLast(b);
    }

    long[] sizes() {
      return bytes.stream().mapToLong(Long::longValue).toArray();
    }
  }
}
