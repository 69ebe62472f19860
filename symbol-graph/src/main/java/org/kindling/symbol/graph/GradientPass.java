package org.kindling.symbol.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.OpDef;

/**
 * The gradient pass. Needs: a {@link Graph} and a {@link GradReq} per variable. Provides: a
 * {@link GradientPlan}.
 *
 * <p>An entry needs a gradient if it is a variable with a request other than NULL, or an
 * operator output with an input that needs one. Nodes are visited in reverse topological order;
 * for each node with such an input the plan calls its backward kernel once, and each input
 * gradient accumulates into its entry's buffer (first write, then add).
 */
public final class GradientPass {
  private GradientPass() {}

  /**
   * Plans the backward pass.
   *
   * @param graph the graph
   * @param varReqs requests by variable name; missing names mean NULL
   */
  public static GradientPlan plan(Graph graph, Map<String, GradReq> varReqs) {
    boolean[] needs = new boolean[graph.numEntries()];
    GradReq[] varReq = new GradReq[graph.numNodes()];
    for (int id = 0; id < graph.numNodes(); id++) {
      Node n = graph.node(id);
      if (n.isVariable()) {
        GradReq r = varReqs.getOrDefault(n.name(), GradReq.NULL);
        varReq[id] = r;
        needs[graph.entryId(id, 0)] = r != GradReq.NULL;
      } else {
        boolean any = false;
        for (NodeEntry in : n.inputs()) {
          any |= needs[graph.entryId(in)];
        }
        OpDef.Gradient kind = n.op().gradient();
        if (any && kind == OpDef.Gradient.NONE) {
          throw new IllegalArgumentException("node " + n.describe() + " has no gradient, but "
              + "an input of it needs one; stop the gradient with BlockGrad or set grad_req "
              + "null for the variables before it");
        }
        // no gradient flows back through ZERO operators (BlockGrad, argmax, comparisons);
        // hidden outputs (BatchNorm's saved statistics, Dropout's mask) take no gradient
        boolean flows = any && kind == OpDef.Gradient.DIFFERENTIABLE;
        for (int k = 0; k < n.op().numVisibleOutputs(); k++) {
          needs[graph.entryId(id, k)] = flows;
        }
      }
    }
    int[] contributions = new int[graph.numEntries()];
    List<NodeEntry> heads = graph.outputs();
    GradReq[] seeds = new GradReq[heads.size()];
    for (int h = 0; h < heads.size(); h++) {
      NodeEntry e = heads.get(h);
      int eid = graph.entryId(e);
      boolean seeded = needs[eid] && !e.node().isVariable()
          && e.node().op().backwardDeps().outputGrads();
      seeds[h] = seeded ? (contributions[eid]++ == 0 ? GradReq.WRITE : GradReq.ADD) : GradReq.NULL;
    }
    List<GradientPlan.Step> steps = new ArrayList<>();
    for (int id = graph.numNodes() - 1; id >= 0; id--) {
      Node n = graph.node(id);
      if (n.isVariable() || !needs[graph.entryId(id, 0)]) {
        continue;
      }
      List<GradReq> reqs = new ArrayList<>();
      for (NodeEntry in : n.inputs()) {
        int eid = graph.entryId(in);
        if (!needs[eid]) {
          reqs.add(GradReq.NULL);
          continue;
        }
        boolean first = contributions[eid]++ == 0;
        int srcId = graph.nodeId(in.node());
        boolean alwaysAdd = in.node().isVariable() && varReq[srcId] == GradReq.ADD;
        reqs.add(first && !alwaysAdd ? GradReq.WRITE : GradReq.ADD);
      }
      steps.add(new GradientPlan.Step(id, reqs));
    }
    // A variable whose gradient is wanted but reached by no backward step (only through
    // BlockGrad, say) gets zeros, as MXNet writes a zero gradient; so does an unread visible
    // output (one output of SliceChannel) whose producer's backward reads output gradients.
    List<Integer> zeroFill = new ArrayList<>();
    for (int id = 0; id < graph.numNodes(); id++) {
      Node n = graph.node(id);
      for (int k = 0; k < n.numOutputs(); k++) {
        int eid = graph.entryId(id, k);
        boolean unreached = needs[eid] && contributions[eid] == 0;
        if (n.isVariable() ? unreached && varReq[id] == GradReq.WRITE
            : unreached && n.op().backwardDeps().outputGrads()) {
          zeroFill.add(eid);
        }
      }
    }
    return new GradientPlan(needs, seeds, steps, zeroFill);
  }
}
