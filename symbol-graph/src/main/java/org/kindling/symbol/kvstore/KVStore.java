package org.kindling.symbol.kvstore;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>Many keys in one call (MXNet's {@code kv.push(['a', 'b'], [va, vb])}, decision 0084): the
 * forms taking {@code List<String> keys} take MXNet's flat pairs, {@code keys.get(i)} naming the
 * key of {@code values.get(i)}; a key's per-device list is the key given once per array, and a
 * key given several times has all its arrays summed in one push or written in one pull ({@link
 * KeyGroups}). Every key of a call gets the call's one {@code priority}, as in MXNet. A store
 * checks every key and shape of such a call before it does any of it.
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

  /**
   * Initializes each key of {@code keys} with the value at the same index (MXNet's {@code
   * kv.init(keys, values)}); in distributed stores rank 0's values win and the workers meet at
   * one barrier for all of them. This default checks the lists, then inits key by key.
   *
   * @param keys distinct keys
   * @param values one array per key, any shape, float32
   * @throws IllegalArgumentException if the lists differ in length or a key is given twice
   * @throws IllegalStateException naming a key that was already initialized
   */
  default void init(List<String> keys, List<NDArray> values) {
    Map<String, List<NDArray>> groups = KeyGroups.of("init", keys, values, "values");
    KeyGroups.requireDistinct("init", keys);
    groups.forEach((key, v) -> init(key, v.get(0)));
  }

  /** Pushes the sum of {@code values} for {@code key} (see class doc). */
  void push(String key, List<NDArray> values);

  /**
   * Pushes many keys (MXNet's {@code kv.push(keys, values)}): per key, the sum of the arrays
   * given for it, as {@link #push(String, List)}. This default pushes key by key in order of
   * first appearance.
   *
   * @param keys {@code keys.get(i)} is the key of {@code values.get(i)}; repeats allowed
   * @param values each of its key's shape
   * @throws IllegalArgumentException if the lists differ in length, or naming a key whose array
   *     has another shape
   * @throws IllegalStateException naming a key that was not initialized
   */
  default void push(List<String> keys, List<NDArray> values) {
    KeyGroups.of("push", keys, values, "values").forEach((key, v) -> push(key, v));
  }

  /**
   * {@link #push(List, List)} with MXNet's {@code priority}, the same for every key: per key as
   * {@link #push(String, List, int)}.
   */
  default void push(List<String> keys, List<NDArray> values, int priority) {
    KeyGroups.of("push", keys, values, "values").forEach((key, v) -> push(key, v, priority));
  }

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

  /**
   * Pulls many keys (MXNet's {@code kv.pull(keys, out=outs)}): the stored value of {@code
   * keys.get(i)} into {@code outs.get(i)}, as {@link #pull(String, List)}. This default pulls key
   * by key in order of first appearance.
   *
   * @param keys {@code keys.get(i)} is the key of {@code outs.get(i)}; repeats allowed
   * @param outs each of its key's shape
   * @throws IllegalArgumentException if the lists differ in length, or naming a key whose output
   *     has another shape
   * @throws IllegalStateException naming a key that was not initialized
   */
  default void pull(List<String> keys, List<NDArray> outs) {
    KeyGroups.of("pull", keys, outs, "outputs").forEach((key, o) -> pull(key, o));
  }

  /**
   * {@link #pull(List, List)} with MXNet's {@code priority}, the same for every key: per key as
   * {@link #pull(String, List, int)}.
   */
  default void pull(List<String> keys, List<NDArray> outs, int priority) {
    KeyGroups.of("pull", keys, outs, "outputs").forEach((key, o) -> pull(key, o, priority));
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
   * MXNet's {@code kv.pushpull(keys, values, out=outs)}: {@link #push(List, List)} of the value
   * keys, then {@link #pull(List, List)} of the output keys; distributed stores make it one
   * round trip per key and, as MXNet's, require both lists to name the same keys. {@code
   * valueKeys} names {@code values} and {@code outKeys} names {@code outs} (a key's per-device
   * lists of values and outputs may differ in length); pass the same list twice when they
   * match.
   *
   * @throws IllegalArgumentException if a pair of lists differ in length, or naming a key whose
   *     arrays have another shape
   * @throws IllegalStateException naming a key that was not initialized
   */
  default void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs) {
    KeyGroups.of("pushPull", valueKeys, values, "values");
    KeyGroups.of("pushPull", outKeys, outs, "outputs");
    push(valueKeys, values);
    pull(outKeys, outs);
  }

  /**
   * {@link #pushPull(List, List, List, List)} with MXNet's {@code priority}, the same for every
   * key: per key as {@link #pushPull(String, List, List, int)} where a store fuses them.
   */
  default void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs, int priority) {
    KeyGroups.of("pushPull", valueKeys, values, "values");
    KeyGroups.of("pushPull", outKeys, outs, "outputs");
    push(valueKeys, values, priority);
    pull(outKeys, outs, priority);
  }

  /**
   * MXNet's {@code kv.broadcast(key, value, out)}: {@link #init(String, NDArray)} of {@code key}
   * with {@code value}, then {@link #pull(String, List)} of it into {@code outs}. In distributed
   * stores every worker calls it and every worker's outputs get rank 0's value. A key is
   * broadcast once (it is an init).
   *
   * @param value any shape, float32
   * @param outs each of {@code value}'s shape and type
   * @throws IllegalArgumentException naming the key if an output's shape or type differs
   * @throws IllegalStateException if the key was already initialized
   */
  default void broadcast(String key, NDArray value, List<NDArray> outs) {
    broadcast(List.of(key), List.of(value), Collections.nCopies(outs.size(), key), outs);
  }

  /** {@link #broadcast(String, NDArray, List)} into one output. */
  default void broadcast(String key, NDArray value, NDArray out) {
    broadcast(key, value, List.of(out));
  }

  /**
   * {@link #broadcast(String, NDArray, List)} whose pull is {@link #pull(String, List, int)}
   * with MXNet's {@code priority}.
   */
  default void broadcast(String key, NDArray value, List<NDArray> outs, int priority) {
    broadcast(List.of(key), List.of(value), Collections.nCopies(outs.size(), key), outs,
        priority);
  }

  /**
   * Broadcasts many keys (MXNet's {@code kv.broadcast(keys, values, out=outs)}): {@link
   * #init(List, List)} of {@code keys} with {@code values}, then {@link #pull(List, List)} of
   * {@code outKeys} into {@code outs}. Every output key must be one of {@code keys}, and every
   * output of the shape and type of its key's value; both are checked before anything is
   * initialized.
   *
   * @param keys distinct keys, one per value
   * @param outKeys {@code outKeys.get(i)} is the key of {@code outs.get(i)}; repeats allowed
   * @throws IllegalArgumentException if a pair of lists differ in length, a key is given twice,
   *     or naming an output key that is not broadcast or an output of another shape or type
   * @throws IllegalStateException naming a key that was already initialized
   */
  default void broadcast(List<String> keys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs) {
    requireBroadcast(keys, values, outKeys, outs);
    init(keys, values);
    pull(outKeys, outs);
  }

  /**
   * {@link #broadcast(List, List, List, List)} whose pull is {@link #pull(List, List, int)} with
   * MXNet's {@code priority}.
   */
  default void broadcast(List<String> keys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs, int priority) {
    requireBroadcast(keys, values, outKeys, outs);
    init(keys, values);
    pull(outKeys, outs, priority);
  }

  /** The checks of a broadcast that need no store: see {@link #broadcast(List, List, List, List)}. */
  private static void requireBroadcast(List<String> keys, List<NDArray> values,
      List<String> outKeys, List<NDArray> outs) {
    Map<String, List<NDArray>> in = KeyGroups.of("broadcast", keys, values, "values");
    KeyGroups.requireDistinct("broadcast", keys);
    KeyGroups.of("broadcast", outKeys, outs, "outputs").forEach((key, os) -> {
      List<NDArray> value = in.get(key);
      if (value == null) {
        throw new IllegalArgumentException("broadcast: output key '" + key + "' is not one of"
            + " the keys broadcast " + keys);
      }
      NDArray v = value.get(0);
      for (NDArray o : os) {
        if (!o.shape().equals(v.shape()) || o.dtype() != v.dtype()) {
          throw new IllegalArgumentException("broadcast: key '" + key + "': an output is "
              + o.dtype().numpyName() + " of shape " + o.shape() + " but the value is "
              + v.dtype().numpyName() + " of shape " + v.shape());
        }
      }
    });
  }

  /**
   * Sets the optimizer that push applies. In distributed stores it runs on the server (only
   * rank 0's call takes effect; every worker may call it).
   */
  void setOptimizer(Optimizer optimizer);

  /**
   * MXNet's {@code kv._set_updater(updater)}: later pushes of every key call {@code
   * updater.update(key, sum of the pushed arrays, stored value)} instead of assigning the sum. It
   * replaces an optimizer set before, and {@link #setOptimizer} replaces it: on an in-process
   * store {@code setOptimizer(o)} is {@code setUpdater(Updater.of(o))}, as MXNet's {@code
   * set_optimizer} is {@code _set_updater(get_updater(optimizer))} there. MXNet's distributed
   * workers keep such an updater but never call it (their pushes go to the servers, which run
   * the optimizer set by {@code set_optimizer}); Kindling's distributed stores refuse it instead
   * of ignoring it.
   *
   * @throws UnsupportedOperationException for a store that does not update in this process (this
   *     default, and the distributed stores), naming {@link #setOptimizer} instead
   */
  default void setUpdater(Updater updater) {
    Objects.requireNonNull(updater, "updater");
    throw new UnsupportedOperationException("kvstore type '" + type() + "' does not call an"
        + " updater in this process; use setOptimizer");
  }

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
