package org.kindling.symbol.module;

import java.util.List;
import java.util.Map;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.BaseOptimizer;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.OptimizerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What MXNet's {@code Module.init_optimizer} derives for the optimizer it creates. */
final class OptimizerSetup {
  private static final Logger LOG = LoggerFactory.getLogger(Module.class);

  private OptimizerSetup() {}

  /**
   * {@code spec} with {@code rescale_grad = 1 / globalBatch} and the {@code lr_mult}/{@code
   * wd_mult} of parameters whose variables carry {@code __lr_mult__}/{@code __wd_mult__}, each
   * unless the spec sets it (MXNet's {@code optimizer_params} win, and its {@code Optimizer}
   * reads the multipliers from {@code sym.attr_dict()}).
   */
  static OptimizerSpec complete(OptimizerSpec spec, Symbol symbol, List<String> paramNames,
      int batch, KVStore kv) {
    OptimizerSpec s = spec.withDefault("rescale_grad",
        Double.toString(1.0 / globalBatch(batch, kv)));
    Map<String, Map<String, String>> attrs = symbol.attrDict();
    for (String p : paramNames) {
      Map<String, String> a = attrs.getOrDefault(p, Map.of());
      if (a.containsKey("__lr_mult__")) {
        s = s.withDefault("lr_mult." + p, a.get("__lr_mult__"));
      }
      if (a.containsKey("__wd_mult__")) {
        s = s.withDefault("wd_mult." + p, a.get("__wd_mult__"));
      }
    }
    return s;
  }

  /** Warns, as MXNet does, when an optimizer's {@code rescale_grad} is not 1 / global batch. */
  static void warnOnRescale(Optimizer opt, int batch, KVStore kv) {
    double expected = 1.0 / globalBatch(batch, kv);
    if (opt instanceof BaseOptimizer b && Math.abs(b.rescaleGrad() - expected) > 1e-12 * expected) {
      LOG.warn("the optimizer's rescale_grad {} is not 1/batch_size/num_workers ({}); is this"
          + " intended?", b.rescaleGrad(), expected);
    }
  }

  /** The samples one update averages over: the batch, times W for a dist {@code _sync} store. */
  private static int globalBatch(int batch, KVStore kv) {
    if (kv != null && kv.type().contains("dist") && kv.type().contains("_sync")) {
      return batch * kv.numWorkers();
    }
    return batch;
  }
}
