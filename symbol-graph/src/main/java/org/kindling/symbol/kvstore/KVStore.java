package org.kindling.symbol.kvstore;

import java.util.List;
import java.util.Map;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;

/**
 * A key-value store for parameters and gradients, as MXNet's {@code KVStore} (formats.md §5).
 * Training code calls this interface; {@code kvstore-spark} implements it ({@code local},
 * {@code dist_sync}, ...).
 *
 * <p>Semantics: {@link #push} sums the given arrays (one per device or worker thread), then
 * either applies the optimizer ({@code stored = update(stored, sum)}) if one is set, or assigns
 * {@code stored = sum}. For distributed stores the sum is also taken across all workers before
 * the update (sync). {@link #pull} copies the stored value into every output. A pull after a
 * push of the same key from the same worker sees the result of that push.
 *
 * <p>All arrays of one key have the same shape. Keys are strings (MXNet also allows ints; use
 * their decimal form). Operations may be asynchronous through the engine: outputs of a pull are
 * written by an engine operation, so readers wait on their variable as usual.
 */
public interface KVStore extends AutoCloseable {

  /** The store type as given to the factory, e.g. {@code local} or {@code dist_sync}. */
  String type();

  /** This worker's rank in {@code [0, numWorkers)}. */
  int rank();

  /** Number of workers sharing the store (1 for local). */
  int numWorkers();

  /**
   * Initializes {@code key} with {@code value}. Each key at most once. In distributed stores
   * every worker calls init and rank 0's value wins.
   *
   * @throws IllegalStateException if the key was already initialized
   */
  void init(String key, NDArray value);

  /** Pushes the sum of {@code values} for {@code key} (see class doc). */
  void push(String key, List<NDArray> values);

  /** Pushes one value for {@code key}. */
  default void push(String key, NDArray value) {
    push(key, List.of(value));
  }

  /** Copies the stored value of {@code key} into each of {@code outs}. */
  void pull(String key, List<NDArray> outs);

  /**
   * MXNet's {@code push(key, value, priority)}: as {@link #push(String, List)}, but a store may
   * return before the push is made and make it as an engine operation that reads {@code
   * values} once they are written (so a push issued right after backward is issued goes out as
   * soon as that gradient exists, while backward still runs), and that later writes of {@code
   * values} wait for. Among such operations ready at once, the higher {@code priority} goes
   * first; training passes {@code -index} of the parameter, so the weights the next forward
   * reads first come back first. A failure then surfaces at the next wait on the outputs of a
   * {@link #pull(String, List, int)} of the key, or at {@link #barrier()} or {@link #close()}.
   * This default makes the blocking push.
   */
  default void push(String key, List<NDArray> values, int priority) {
    push(key, values);
  }

  /**
   * MXNet's {@code pull(key, out, priority)}: as {@link #pull(String, List)}, but a store may
   * return at once and write {@code outs} by an engine operation ordered after this worker's
   * earlier pushes of the key: readers of {@code outs} (the next forward) wait for that write
   * through the engine, each for the weights it reads. {@code priority} as for {@link
   * #push(String, List, int)}. This default makes the blocking pull.
   */
  default void pull(String key, List<NDArray> outs, int priority) {
    pull(key, outs);
  }

  /** Copies the stored value of {@code key} into {@code out}. */
  default void pull(String key, NDArray out) {
    pull(key, List.of(out));
  }

  /** Push then pull in one round trip where the store supports it. */
  default void pushPull(String key, List<NDArray> values, List<NDArray> outs) {
    push(key, values);
    pull(key, outs);
  }

  /**
   * MXNet's {@code pushpull(key, value, out, priority)}: {@link #push(String, List, int)} then
   * {@link #pull(String, List, int)} of the key, which a store may make one engine operation
   * and one round trip (it reads {@code values} once they are written and writes {@code outs}
   * when the value arrives). This default makes the two calls.
   */
  default void pushPull(String key, List<NDArray> values, List<NDArray> outs, int priority) {
    push(key, values, priority);
    pull(key, outs, priority);
  }

  /**
   * Sets the optimizer that push applies. In distributed stores it runs on the server (only
   * rank 0's call takes effect; every worker may call it).
   */
  void setOptimizer(Optimizer optimizer);

  /**
   * Compresses later pushes as MXNet's {@code set_gradient_compression(compression_params)}
   * ({@link GradientCompression#parse}: {@code type} {@code 2bit} or {@code none}, {@code
   * threshold}). MXNet allows it for {@code device} and {@code dist} stores only; every worker
   * calls it. Pulls and {@link #init} values stay float32.
   *
   * @throws IllegalArgumentException naming a bad parameter
   * @throws UnsupportedOperationException for a store type without compression (this default)
   */
  default void setGradientCompression(Map<String, String> params) {
    GradientCompression.parse(params);
    throw new UnsupportedOperationException("gradient compression is not supported for kvstore"
        + " type '" + type() + "' (MXNet compresses for device and dist stores only)");
  }

  /** Blocks until every worker has reached the barrier (no-op for local stores). */
  void barrier();

  /** Releases connections and threads. Idempotent. */
  @Override
  void close();
}
