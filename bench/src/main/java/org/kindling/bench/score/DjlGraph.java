package org.kindling.bench.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An MXNet symbol graph (the JSON Kindling writes) run eagerly on a DJL engine, operator by
 * operator, with DJL's functional layers: how PyTorch scores the very network Kindling and MXNet
 * bind, with the same weights. It knows the operators of the zoo's image networks
 * (Convolution, BatchNorm, Activation, Pooling, LRN, FullyConnected, Flatten, Dropout, Concat,
 * elementwise add, copy, SoftmaxOutput) with MXNet's defaults for attributes the JSON leaves out.
 */
final class DjlGraph {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> nodes = new ArrayList<>();
  private final List<Integer> heads = new ArrayList<>();
  private final Map<String, NDArray> params;

  /**
   * @param symbolJson the graph; its nodes are in topological order, as MXNet writes them
   * @param params every argument but the data (weights, biases) and every auxiliary state, by
   *     name, on the engine that runs the graph
   * @throws IllegalArgumentException naming the first node whose operator is not mapped
   */
  DjlGraph(String symbolJson, Map<String, NDArray> params) {
    this.params = params;
    try {
      JsonNode root = JSON.readTree(symbolJson);
      root.get("nodes").forEach(nodes::add);
      root.get("heads").forEach(h -> heads.add(h.get(0).asInt()));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a symbol JSON: " + e.getMessage(), e);
    }
    for (JsonNode n : nodes) {
      String op = n.get("op").asText();
      if (!op.equals("null") && !KNOWN.contains(op)) {
        throw new IllegalArgumentException("operator " + op + " (node " + n.get("name").asText()
            + ") has no DJL mapping here");
      }
    }
  }

  private static final List<String> KNOWN = List.of("Convolution", "BatchNorm", "Activation",
      "Pooling", "LRN", "FullyConnected", "Flatten", "Dropout", "Concat", "elemwise_add",
      "_Plus", "_plus", "broadcast_add", "_copy", "identity", "SoftmaxOutput");

  /**
   * The first head's value for {@code data}. Intermediates are created in {@code data}'s manager
   * and each is closed once the last node reading it has run, as an engine's memory planner
   * frees a value after its last use: kept to the end of the pass, VGG-16's at batch 128 came
   * to some 15 GB and the machine's OOM killer took the worker (issue 8's sweep).
   */
  NDArray forward(NDArray data) {
    NDArray[] values = new NDArray[nodes.size()];
    int[] uses = new int[nodes.size()];
    for (JsonNode n : nodes) {
      n.get("inputs").forEach(e -> uses[e.get(0).asInt()]++);
    }
    for (int h : heads) {
      uses[h]++; // never closed here: the caller reads them
    }
    // reads still to come per array object: an identity node (Dropout, _copy) returns its input
    // itself, which then stays open for the identity's readers too
    IdentityHashMap<NDArray, Integer> pending = new IdentityHashMap<>();
    Set<NDArray> callers = Collections.newSetFromMap(new IdentityHashMap<>());
    callers.add(data);
    callers.addAll(params.values());
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      String name = n.get("name").asText();
      boolean variable = n.get("op").asText().equals("null");
      List<NDArray> in = new ArrayList<>();
      n.get("inputs").forEach(e -> in.add(values[e.get(0).asInt()]));
      values[i] = variable
          ? (name.equals("data") ? data : params.get(name))
          : apply(n.get("op").asText(), new Attrs(n.get("attrs")), in, data.getManager());
      if (variable || callers.contains(values[i])) {
        continue; // the data and the weights (or an identity of them) are the caller's
      }
      pending.merge(values[i], uses[i], Integer::sum);
      for (JsonNode e : n.get("inputs")) {
        int from = e.get(0).asInt();
        NDArray v = values[from];
        if (pending.containsKey(v) && pending.merge(v, -1, Integer::sum) == 0) {
          pending.remove(v);
          v.close();
        }
      }
    }
    return values[heads.get(0)];
  }

  private static NDArray apply(String op, Attrs a, List<NDArray> in, NDManager m) {
    NDArray x = in.get(0);
    return switch (op) {
      case "Convolution" -> Conv2d.conv2d(x, in.get(1),
          a.bool("no_bias", false) ? m.zeros(new Shape(in.get(1).getShape().get(0))) : in.get(2),
          a.shape("stride", 1), a.shape("pad", 0), a.shape("dilate", 1),
          a.integer("num_group", 1)).head();
      case "BatchNorm" -> BatchNorm.batchNorm(x, in.get(3), in.get(4),
          // fix_gamma (MXNet's default): gamma is taken as 1
          a.bool("fix_gamma", true) ? m.ones(in.get(1).getShape()) : in.get(1), in.get(2),
          a.integer("axis", 1), 0.9f, (float) a.real("eps", 1e-3), false).head();
      case "Activation" -> switch (a.text("act_type", "")) {
        case "relu" -> Activation.relu(x);
        case "tanh" -> Activation.tanh(x);
        case "sigmoid" -> Activation.sigmoid(x);
        default -> throw new IllegalArgumentException("act_type " + a.text("act_type", ""));
      };
      case "Pooling" -> pool(x, a);
      case "LRN" -> lrn(x, a, m);
      case "FullyConnected" -> {
        NDArray flat = a.bool("flatten", true) ? flatten(x) : x;
        yield (a.bool("no_bias", false) ? Linear.linear(flat, in.get(1))
            : Linear.linear(flat, in.get(1), in.get(2))).head();
      }
      case "Flatten" -> flatten(x);
      case "Dropout", "_copy", "identity" -> x; // Dropout is the identity at inference
      case "Concat" -> NDArrays.concat(new NDList(in), a.integer("dim", 1));
      case "elemwise_add", "_Plus", "_plus", "broadcast_add" -> x.add(in.get(1));
      case "SoftmaxOutput" -> x.softmax(1);
      default -> throw new IllegalArgumentException("operator " + op + " has no DJL mapping");
    };
  }

  private static NDArray flatten(NDArray x) {
    return x.reshape(x.getShape().get(0), -1);
  }

  private static NDArray pool(NDArray x, Attrs a) {
    boolean max = a.text("pool_type", "max").equals("max");
    if (a.bool("global_pool", false)) {
      // DJL's global pools drop the spatial axes; MXNet keeps them as 1x1
      NDArray g = max ? Pool.globalMaxPool2d(x) : Pool.globalAvgPool2d(x);
      return g.reshape(g.getShape().get(0), g.getShape().get(1), 1, 1);
    }
    boolean ceil = a.text("pooling_convention", "valid").equals("full");
    Shape kernel = a.shape("kernel", 1);
    Shape stride = a.shape("stride", 1);
    Shape pad = a.shape("pad", 0);
    return max ? Pool.maxPool2d(x, kernel, stride, pad, ceil)
        : Pool.avgPool2d(x, kernel, stride, pad, ceil, a.bool("count_include_pad", true));
  }

  /**
   * MXNet's LRN across channels: {@code x / (knorm + alpha / nsize * sum(x^2))^beta}; its
   * temporaries closed as it goes (each is the size of the activation).
   */
  private static NDArray lrn(NDArray x, Attrs a, NDManager m) {
    int n = a.integer("nsize", 5);
    long c = x.getShape().get(1);
    Shape s = x.getShape();
    Shape side = new Shape(s.get(0), n / 2, s.get(2), s.get(3));
    NDArray sq;
    try (NDArray zeros = m.zeros(side); NDArray squares = x.square()) {
      sq = NDArrays.concat(new NDList(zeros, squares, zeros), 1);
    }
    NDArray sum = sq.get(":, 0:" + c);
    for (int i = 1; i < n; i++) {
      try (NDArray slice = sq.get(":, " + i + ":" + (i + c)); NDArray last = sum) {
        sum = last.add(slice);
      }
    }
    sq.close();
    try (NDArray last = sum; NDArray scaled = last.mul(a.real("alpha", 1e-4) / n);
        NDArray shifted = scaled.add(a.real("knorm", 2));
        NDArray scale = shifted.pow(a.real("beta", 0.75))) {
      return x.div(scale);
    }
  }

  /** A node's attributes as MXNet writes them: strings like {@code (3, 3)} or {@code True}. */
  private record Attrs(JsonNode json) {
    String text(String key, String dflt) {
      return json == null || !json.has(key) ? dflt : json.get(key).asText();
    }

    boolean bool(String key, boolean dflt) {
      String v = text(key, null);
      return v == null ? dflt : v.equalsIgnoreCase("true") || v.equals("1");
    }

    int integer(String key, int dflt) {
      String v = text(key, null);
      return v == null ? dflt : Integer.parseInt(v.strip());
    }

    double real(String key, double dflt) {
      String v = text(key, null);
      return v == null ? dflt : Double.parseDouble(v.strip());
    }

    /** A 2-D tuple; a missing or empty one is {@code (dflt, dflt)}. */
    Shape shape(String key, long dflt) {
      String v = text(key, "").replaceAll("[()\\[\\] ]", "");
      if (v.isEmpty()) {
        return new Shape(dflt, dflt);
      }
      String[] p = v.split(",");
      long[] dims = new long[p.length];
      for (int i = 0; i < p.length; i++) {
        dims[i] = Long.parseLong(p[i]);
      }
      return new Shape(dims);
    }
  }
}
