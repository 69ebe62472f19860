package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link MemoryPlan} against its {@link ExecGraph} independently of how the planner
 * works: every planned value has a block and no other value does; every block is as large as its
 * values; and two values in one block are never live at once, where a value lives from the step
 * that first writes it to the step that last reads it (to the end for pinned heads). The only
 * overlaps allowed are an in-place output starting at the very step that last reads the value it
 * replaces, and reshape-like (identity) in-place outputs, which hold the same data as their input
 * and so may live beside it.
 *
 * <p>It also gives the plan's peak: the most bytes live at one step, each block counted at its
 * largest live value. No placement of these values (with these in-place choices) needs less.
 */
final class PlanSafety {
  private PlanSafety() {}

  /** A value's life, or that of a group of values holding the same data (identity chains). */
  private record Life(int first, int start, int end) {}

  /** Checks the plan; returns its peak bytes. */
  static long check(ExecGraph g, MemoryPlan p) {
    int nv = g.numValues();
    int steps = g.steps().size();
    int[] start = new int[nv];
    int[] end = new int[nv];
    java.util.Arrays.fill(start, -1);
    java.util.Arrays.fill(end, -1);
    int[] identityOf = new int[nv]; // the value whose data an identity output repeats
    java.util.Arrays.fill(identityOf, -1);
    for (int t = 0; t < steps; t++) {
      ExecGraph.Step s = g.steps().get(t);
      for (int v : s.writes()) {
        if (start[v] < 0) {
          start[v] = t;
        }
      }
      for (int v : s.reads()) {
        if (g.planned(v)) {
          assertThat(start[v]).as("%s is read at step %d before any write", g.name(v), t)
              .isBetween(0, t);
        }
        end[v] = Math.max(end[v], t);
      }
      if (s instanceof ExecGraph.Forward f) {
        for (ExecGraph.InPlace ip : f.inplace()) {
          int in = f.in()[ip.input()];
          int out = f.out()[ip.output()];
          if (ip.identity() && p.inPlace(out) && p.block(out) == p.block(in)) {
            identityOf[out] = in;
          }
        }
      }
    }
    for (int v = 0; v < nv; v++) {
      if (!g.planned(v)) {
        assertThat(p.block(v)).as("unplanned %s has no block", g.exists(v) ? g.name(v) : v)
            .isEqualTo(-1);
        continue;
      }
      assertThat(p.block(v)).as("planned %s has a block", g.name(v)).isGreaterThanOrEqualTo(0);
      assertThat(start[v]).as("%s is written", g.name(v)).isGreaterThanOrEqualTo(0);
      assertThat(p.blockBytes(p.block(v))).as("block of %s is large enough", g.name(v))
          .isGreaterThanOrEqualTo(g.bytes(v));
      if (g.pinned(v)) {
        end[v] = steps;
      }
      end[v] = Math.max(end[v], start[v]);
    }
    // identity chains hold one datum: merge their lives into the chain's root
    int[] root = new int[nv];
    for (int v = 0; v < nv; v++) {
      int r = v;
      while (identityOf[r] >= 0) {
        r = identityOf[r];
      }
      root[v] = r;
    }
    long peak = 0;
    for (int t = 0; t < steps; t++) {
      long[] live = new long[p.numBlocks()];
      for (int v = 0; v < nv; v++) {
        if (g.planned(v) && start[v] <= t && t <= end[v]) {
          live[p.block(v)] = Math.max(live[p.block(v)], g.bytes(v));
        }
      }
      peak = Math.max(peak, java.util.Arrays.stream(live).sum());
    }
    List<List<Life>> byBlock = new ArrayList<>();
    for (int b = 0; b < p.numBlocks(); b++) {
      byBlock.add(new ArrayList<>());
    }
    Life[] lives = new Life[nv];
    for (int v = 0; v < nv; v++) {
      if (g.planned(v)) {
        int r = root[v];
        Life l = lives[r];
        lives[r] = l == null ? new Life(r, start[v], end[v])
            : new Life(r, Math.min(l.start(), start[v]), Math.max(l.end(), end[v]));
      }
    }
    for (int v = 0; v < nv; v++) {
      if (lives[v] != null) {
        byBlock.get(p.block(v)).add(lives[v]);
      }
    }
    for (List<Life> ls : byBlock) {
      ls.sort(java.util.Comparator.comparingInt(Life::start));
      Life last = null; // the life that ends latest so far
      for (Life b : ls) {
        if (last != null) {
          boolean handOff = b.start() == last.end() && p.inPlace(b.first());
          assertThat(b.start() > last.end() || handOff)
              .as("%s [%d, %d] and %s [%d, %d] share a block while both live",
                  g.name(last.first()), last.start(), last.end(), g.name(b.first()), b.start(),
                  b.end())
              .isTrue();
        }
        if (last == null || b.end() >= last.end()) {
          last = b;
        }
      }
    }
    return peak;
  }
}
