package org.kindling.symbol.kvstore;

import java.util.Objects;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;

/**
 * What a push does with the pushed sum of a key in an in-process store: MXNet's {@code
 * kv._set_updater(updater)}, called as {@code updater(key, input, stored)} (decision 0084).
 * {@link KVStore#setOptimizer} on such a store installs the optimizer as one ({@link
 * #of(Optimizer)}), as MXNet's {@code set_optimizer} installs
 * {@code get_updater(optimizer)}.
 */
@FunctionalInterface
public interface Updater {

  /**
   * Updates {@code stored} from {@code input}, both of the key's shape. Called once per key and
   * push, on the pushing thread, after the sum of the pushed arrays was issued as an engine
   * operation: like {@link Optimizer#update}, an updater issues
   * its work as engine operations that read {@code input} and write {@code stored}, or waits for
   * {@code input} before reading it. {@code input} is the store's buffer (or the one pushed
   * array): do not keep it past the call.
   *
   * @param key the key pushed
   * @param input the sum of the arrays pushed for the key (MXNet's {@code recv}/gradient)
   * @param stored the store's value of the key (MXNet's {@code local}/weight), updated in place
   */
  void update(String key, NDArray input, NDArray stored);

  /** An optimizer as an updater: {@code optimizer.update(key, stored, input)}. */
  static Updater of(Optimizer optimizer) {
    Objects.requireNonNull(optimizer, "optimizer");
    return (key, input, stored) -> optimizer.update(key, stored, input);
  }
}
