package org.kindling.symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kindling.symbol.graph.ExecGraph;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;

/**
 * The layout pass of an inference binding (after fusion, before memory planning): which values
 * stay in a backend's own layout between two kernels ({@link LayoutAware}, oneDNN's blocked
 * formats), so that the reorders happen only at the boundaries.
 *
 * <p>In step order, a value written as output 0 by a kernel that states a layout of its own
 * ({@link LayoutAware#nativeOutput}, given the layout its own input 0 got) keeps that layout if
 * it is not a head and every step that reads it is a layout-aware kernel reading it in that layout
 * ({@link LayoutAware#reads(int, Layout)}: a layer its input 0, a concat any of its inputs, given
 * their layouts) or a convolution adding it as its residual addend into a destination of that
 * layout. Everything else is row-major: a value a default kernel, a
 * head, a second input or a kernel with a separate epilogue reads gets its row-major copy from
 * its producer, which reorders out as before. Each step's kernel is then replaced by its {@link
 * LayoutAware#withLayouts} variant for its input's and output's layouts.
 */
final class LayoutPlan {
  private LayoutPlan() {}

  /**
   * Plans the layouts of {@code graph}'s values and sets the kernels that run them.
   *
   * @return the layout of each value (null for row-major), or null if every value is row-major
   */
  static Layout[] plan(ExecGraph graph, Kernels kernels) {
    int nv = graph.numValues();
    List<List<Read>> readers = new ArrayList<>();
    for (int v = 0; v < nv; v++) {
      readers.add(new ArrayList<>());
    }
    List<ExecGraph.Forward> steps = new ArrayList<>();
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      steps.add(f);
      for (int i = 0; i < f.in().length; i++) {
        readers.get(f.in()[i]).add(new Read(f, i));
      }
    }
    Layout[] layouts = new Layout[nv];
    boolean any = false;
    for (ExecGraph.Forward f : steps) {
      LayoutAware k = aware(f, kernels);
      int v = f.out()[0];
      if (k == null || !graph.planned(v) || graph.pinned(v)) {
        continue;
      }
      Layout candidate = k.nativeOutput(inputLayouts(layouts, f));
      if (candidate != Layout.ROW_MAJOR && allRead(readers.get(v), candidate, layouts, kernels)) {
        layouts[v] = candidate;
        any = true;
      }
    }
    if (!any) {
      return null;
    }
    for (ExecGraph.Forward f : steps) {
      Layout[] in = inputLayouts(layouts, f);
      Layout out = layout(layouts, f.out()[0]);
      if (rowMajor(in) && out == Layout.ROW_MAJOR) {
        continue;
      }
      Kernel laidOut = aware(f, kernels).withLayouts(in, out);
      if (laidOut == null) {
        throw new IllegalStateException("kernel " + kernels.inference(f).implementation()
            + " of node " + graph.graph().node(f.node()).name() + " stated layouts "
            + Arrays.toString(in) + " -> " + out + " it does not run");
      }
      kernels.setInference(f, laidOut);
    }
    return layouts;
  }

  /** Step {@code f} reads its input {@code index}. */
  private record Read(ExecGraph.Forward f, int index) {}

  private static Layout layout(Layout[] layouts, int v) {
    return layouts[v] == null ? Layout.ROW_MAJOR : layouts[v];
  }

  /** The layouts of {@code f}'s inputs, in input order. */
  private static Layout[] inputLayouts(Layout[] layouts, ExecGraph.Forward f) {
    Layout[] in = new Layout[f.in().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = layout(layouts, f.in()[i]);
    }
    return in;
  }

  private static boolean rowMajor(Layout[] in) {
    for (Layout l : in) {
      if (l != Layout.ROW_MAJOR) {
        return false;
      }
    }
    return true;
  }

  /** The step's inference kernel if it takes part in layouts (one kernel, layout-aware). */
  private static LayoutAware aware(ExecGraph.Forward f, Kernels kernels) {
    return !kernels.separateEpilogue(f) && kernels.inference(f) instanceof LayoutAware a ? a
        : null;
  }

  private static boolean allRead(List<Read> reads, Layout l, Layout[] layouts, Kernels k) {
    for (Read r : reads) {
      LayoutAware reader = aware(r.f(), k);
      if (reader == null) {
        return false;
      }
      boolean ok = r.index() == r.f().addend()
          ? l.equals(reader.nativeOutput(layout(layouts, r.f().in()[0])))
          : reader.reads(r.index(), l);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
