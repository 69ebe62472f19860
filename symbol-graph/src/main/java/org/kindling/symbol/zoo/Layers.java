package org.kindling.symbol.zoo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.math.MathOps;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Copy;
import org.kindling.tensor.op.nn.Dropout;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.nn.LRN;
import org.kindling.tensor.op.nn.Pooling;
import org.kindling.tensor.op.nn.Pooling.PoolType;
import org.kindling.tensor.op.nn.Pooling.PoolingConvention;
import org.kindling.tensor.op.nn.SoftmaxOutput;
import org.kindling.tensor.op.shape.Concat;
import org.kindling.tensor.op.shape.Flatten;

/**
 * A small fluent layer builder over {@link Symbol#create}, so that network definitions read like
 * MXNet's Python ({@code mx.sym.Convolution(data=x, kernel=(3, 3), num_filter=64,
 * name='conv1')} is {@code nn.conv(x).kernel(3, 3).numFilter(64).name("conv1").build()}).
 *
 * <p>One instance is one MXNet {@code NameManager}: a layer given no name gets MXNet's automatic
 * name, the lower-case operator name followed by a counter per operator that starts at 0 for
 * each instance ({@code convolution0}, {@code activation2}, {@code fullyconnected1}), as a
 * {@code get_symbol} call in a fresh Python process names them. {@link #add} names its node as
 * Python's {@code a + b} does ({@code _plus0}, {@code _plus1}, ...). Inputs that are not given
 * (weights, biases, BatchNorm statistics, labels) become variables {@code <node>_<input>}, so
 * the argument names match MXNet's checkpoints.
 *
 * <p>Layers with few parameters are plain methods ({@link #act}, {@link #fc}, {@link #flatten},
 * {@link #dropout}, {@link #add}, {@link #concat}); convolution, pooling and batch
 * normalization have builders ended by {@code build()}, whose setters are MXNet's keyword
 * arguments.
 */
public final class Layers {
  private final Map<String, Integer> counters = new HashMap<>();

  /** A fresh name scope (MXNet's {@code with mx.name.NameManager():}). */
  public Layers() {}

  /** MXNet's automatic name for {@code hint}: {@code hint + k}, k counting from 0. */
  String autoName(String hint) {
    int k = counters.merge(hint, 1, Integer::sum) - 1;
    return hint + k;
  }

  private String nameOr(String name, OpDef<?> op) {
    return name != null ? name : autoName(op.autoNameHint());
  }

  // ------------------------------------------------------------------ variables

  /** {@code mx.sym.Variable(name)}. */
  public Symbol variable(String name) {
    return Symbol.variable(name);
  }

  // ------------------------------------------------------------------ simple layers

  /** {@code mx.sym.Activation(data, act_type=type)} with an automatic name. */
  public Symbol act(Symbol data, ActType type) {
    return act(null, data, type);
  }

  /** {@code mx.sym.Activation(data, act_type=type, name=name)}; null name for automatic. */
  public Symbol act(String name, Symbol data, ActType type) {
    return Symbol.create(Activation.OP, nameOr(name, Activation.OP),
        new Activation.Params(type), Map.of("data", data));
  }

  /** {@code mx.sym.Activation(data, act_type='relu', name=name)}. */
  public Symbol relu(String name, Symbol data) {
    return act(name, data, ActType.RELU);
  }

  /** {@code mx.sym.FullyConnected(data, num_hidden=numHidden)} with an automatic name. */
  public Symbol fc(Symbol data, int numHidden) {
    return fc(null, data, numHidden);
  }

  /** {@code mx.sym.FullyConnected(data, num_hidden=numHidden, name=name)}. */
  public Symbol fc(String name, Symbol data, int numHidden) {
    return Symbol.create(FullyConnected.OP, nameOr(name, FullyConnected.OP),
        FullyConnected.Params.of(numHidden), Map.of("data", data));
  }

  /** {@code mx.sym.Flatten(data)} with an automatic name. */
  public Symbol flatten(Symbol data) {
    return flatten(null, data);
  }

  /** {@code mx.sym.Flatten(data, name=name)}. */
  public Symbol flatten(String name, Symbol data) {
    return Symbol.create(Flatten.OP, nameOr(name, Flatten.OP), NoParams.NONE,
        Map.of("data", data));
  }

  /** {@code mx.sym.Dropout(data, p=p)} with an automatic name. */
  public Symbol dropout(Symbol data, float p) {
    return dropout(null, data, p);
  }

  /** {@code mx.sym.Dropout(data, p=p, name=name)}. */
  public Symbol dropout(String name, Symbol data, float p) {
    return Symbol.create(Dropout.OP, nameOr(name, Dropout.OP), Dropout.Params.of(p),
        Map.of("data", data));
  }

  /** {@code mx.sym.LRN(data, alpha, beta, knorm, nsize)} with an automatic name. */
  public Symbol lrn(Symbol data, float alpha, float beta, float knorm, int nsize) {
    return Symbol.create(LRN.OP, nameOr(null, LRN.OP),
        new LRN.Params(alpha, beta, knorm, nsize), Map.of("data", data));
  }

  /** {@code mx.sym.identity(data, name=name)} (operator {@code _copy}). */
  public Symbol identity(String name, Symbol data) {
    return Symbol.create(Copy.OP, name != null ? name : autoName("identity"), NoParams.NONE,
        Map.of("data", data));
  }

  /**
   * Python's {@code lhs + rhs} on symbols: {@code elemwise_add} (MXNet's {@code _Plus}) named
   * {@code _plusK}.
   */
  public Symbol add(Symbol lhs, Symbol rhs) {
    return Symbol.create(MathOps.ELEMWISE_ADD, autoName("_plus"), NoParams.NONE,
        Map.of("lhs", lhs, "rhs", rhs));
  }

  /** {@code mx.sym.SoftmaxOutput(data, name=name)} with MXNet's defaults. */
  public Symbol softmaxOutput(String name, Symbol data) {
    return Symbol.create(SoftmaxOutput.OP, nameOr(name, SoftmaxOutput.OP),
        SoftmaxOutput.Params.defaults(), Map.of("data", data));
  }

  /**
   * {@code mx.sym.Concat(*inputs, name=name)}: operator {@code Concat} with {@code num_args} =
   * the number of inputs, {@code dim} 1, inputs {@code arg0 .. arg{n-1}}.
   */
  public Symbol concat(String name, Symbol... inputs) {
    Map<String, Symbol> in = new LinkedHashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      in.put("arg" + i, inputs[i]);
    }
    return Symbol.create(Concat.OP, nameOr(name, Concat.OP),
        new Concat.Params(inputs.length, 1), in);
  }

  // ------------------------------------------------------------------ builders

  /** {@code mx.sym.Convolution(data=data, ...)}: set {@code kernel} and {@code num_filter}. */
  public Conv conv(Symbol data) {
    return new Conv(data);
  }

  /** {@code mx.sym.Pooling(data=data, ...)}. */
  public Pool pool(Symbol data) {
    return new Pool(data);
  }

  /** {@code mx.sym.BatchNorm(data=data, ...)}, MXNet's defaults unless set. */
  public BatchNormBuilder bn(Symbol data) {
    return new BatchNormBuilder(data);
  }

  /** Keyword arguments of {@code Convolution}; {@link #build} makes the node. */
  public final class Conv {
    private final Symbol data;
    private String name;
    private int[] kernel;
    private int[] stride = new int[0];
    private int[] pad = new int[0];
    private int numFilter;
    private int numGroup = 1;
    private boolean noBias;
    private long workspace = 1024;

    private Conv(Symbol data) {
      this.data = data;
    }

    /** {@code name}; automatic ({@code convolutionK}) if never set. */
    public Conv name(String v) {
      name = v;
      return this;
    }

    /** {@code kernel=(...)}. */
    public Conv kernel(int... v) {
      kernel = v.clone();
      return this;
    }

    /** {@code stride=(...)}. */
    public Conv stride(int... v) {
      stride = v.clone();
      return this;
    }

    /** {@code pad=(...)}. */
    public Conv pad(int... v) {
      pad = v.clone();
      return this;
    }

    /** {@code num_filter}. */
    public Conv numFilter(int v) {
      numFilter = v;
      return this;
    }

    /** {@code num_group} (depthwise when equal to the input channels). */
    public Conv numGroup(int v) {
      numGroup = v;
      return this;
    }

    /** {@code no_bias}. */
    public Conv noBias(boolean v) {
      noBias = v;
      return this;
    }

    /** {@code workspace} in MB (recorded in the symbol; no effect on the CPU). */
    public Conv workspace(long v) {
      workspace = v;
      return this;
    }

    /** The {@code Convolution} node. */
    public Symbol build() {
      if (kernel == null) {
        throw new IllegalStateException("Convolution " + name + ": kernel not set");
      }
      Convolution.Params p = Convolution.Params.of(kernel, numFilter)
          .withStride(stride).withPad(pad).withNumGroup(numGroup).withNoBias(noBias)
          .withBackendHints(workspace, null, false, null);
      return Symbol.create(Convolution.OP, nameOr(name, Convolution.OP), p,
          Map.of("data", data));
    }
  }

  /** Keyword arguments of {@code Pooling}; {@link #build} makes the node. */
  public final class Pool {
    private final Symbol data;
    private String name;
    private int[] kernel = new int[0];
    private int[] stride = new int[0];
    private int[] pad = new int[0];
    private PoolType type = PoolType.MAX;
    private boolean global;
    private PoolingConvention convention = PoolingConvention.VALID;

    private Pool(Symbol data) {
      this.data = data;
    }

    /** {@code name}; automatic ({@code poolingK}) if never set. */
    public Pool name(String v) {
      name = v;
      return this;
    }

    /** {@code pool_type} (MXNet's default is max). */
    public Pool type(PoolType v) {
      type = v;
      return this;
    }

    /** {@code kernel=(...)}. */
    public Pool kernel(int... v) {
      kernel = v.clone();
      return this;
    }

    /** {@code stride=(...)}. */
    public Pool stride(int... v) {
      stride = v.clone();
      return this;
    }

    /** {@code pad=(...)}. */
    public Pool pad(int... v) {
      pad = v.clone();
      return this;
    }

    /** {@code global_pool=True}. */
    public Pool global() {
      global = true;
      return this;
    }

    /** {@code pooling_convention}. */
    public Pool convention(PoolingConvention v) {
      convention = v;
      return this;
    }

    /** The {@code Pooling} node. */
    public Symbol build() {
      Pooling.Params p = Pooling.Params.of(type, kernel).withStride(stride).withPad(pad)
          .withGlobalPool(global).withConvention(convention);
      return Symbol.create(Pooling.OP, nameOr(name, Pooling.OP), p, Map.of("data", data));
    }
  }

  /** Keyword arguments of {@code BatchNorm}; {@link #build} makes the node. */
  public final class BatchNormBuilder {
    private final Symbol data;
    private String name;
    private BatchNorm.Params params = BatchNorm.Params.defaults();

    private BatchNormBuilder(Symbol data) {
      this.data = data;
    }

    /** {@code name}; automatic ({@code batchnormK}) if never set. */
    public BatchNormBuilder name(String v) {
      name = v;
      return this;
    }

    /** {@code fix_gamma} (MXNet's default is true: gamma taken as 1). */
    public BatchNormBuilder fixGamma(boolean v) {
      params = params.withFixGamma(v);
      return this;
    }

    /** {@code eps}. */
    public BatchNormBuilder eps(double v) {
      params = params.withEpsMomentum(v, params.momentum());
      return this;
    }

    /** {@code momentum}. */
    public BatchNormBuilder momentum(float v) {
      params = params.withEpsMomentum(params.eps(), v);
      return this;
    }

    /** The {@code BatchNorm} node, with its {@code gamma}, {@code beta} and moving stats. */
    public Symbol build() {
      return Symbol.create(BatchNorm.OP, nameOr(name, BatchNorm.OP), params,
          Map.of("data", data));
    }
  }
}
