package org.kindling.symbol.optimizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds optimizers from their one-line text {@link Optimizer#spec() spec}: the optimizer's name
 * (as MXNet's {@code mx.optimizer.create}, case-insensitive), then {@code key=value} pairs with
 * MXNet's parameter names, e.g.
 *
 * <pre>
 *   sgd learning_rate=0.1 momentum=0.9 wd=0.0001 rescale_grad=0.0078125 clip_gradient=-1
 *   adam learning_rate=0.001 lr_scheduler=factor lr_scheduler.step=1000 lr_scheduler.factor=0.5
 * </pre>
 *
 * <p>Every optimizer reads {@code learning_rate} (or {@code lr}), {@code wd},
 * {@code rescale_grad}, {@code clip_gradient} (negative: none), {@code begin_num_update},
 * {@code lr_mult.<param>} and {@code wd_mult.<param>} (per parameter name), and a scheduler:
 * {@code lr_scheduler=factor|multifactor|poly|cosine} with {@code lr_scheduler.<key>} pairs
 * named as MXNet's scheduler arguments ({@code step} is a comma-separated list for
 * {@code multifactor}); then its own parameters (see each class). Booleans are {@code true} or
 * {@code false}. A distributed store ships this text to its server instead of serialized
 * objects.
 */
public final class Optimizers {
  private static final Map<String, Function<SpecReader, BaseOptimizer>> BY_NAME =
      new LinkedHashMap<>();

  static {
    BY_NAME.put("sgd", SGD::fromSpec);
    BY_NAME.put("nag", NAG::fromSpec);
    BY_NAME.put("adam", Adam::fromSpec);
    BY_NAME.put("adamw", AdamW::fromSpec);
    BY_NAME.put("rmsprop", RMSProp::fromSpec);
    BY_NAME.put("adagrad", AdaGrad::fromSpec);
    BY_NAME.put("adadelta", AdaDelta::fromSpec);
    BY_NAME.put("signum", Signum::fromSpec);
    BY_NAME.put("lamb", LAMB::fromSpec);
  }

  private Optimizers() {}

  /**
   * Parses a spec.
   *
   * @throws IllegalArgumentException naming the unknown optimizer, the unknown or repeated
   *     parameter, or the malformed or out-of-range value
   */
  public static Optimizer fromSpec(String spec) {
    SpecReader r = SpecReader.parse(spec);
    Function<SpecReader, BaseOptimizer> make = BY_NAME.get(r.name());
    if (make == null) {
      throw new IllegalArgumentException("unknown optimizer '" + spec.trim().split("\\s+")[0]
          + "' (supported: " + String.join(", ", BY_NAME.keySet()) + ")");
    }
    return make.apply(r);
  }
}
