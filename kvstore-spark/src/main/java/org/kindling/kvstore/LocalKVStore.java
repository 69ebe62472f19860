package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.kvstore.KeyGroups;
import org.kindling.symbol.kvstore.Updater;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.engine.Var;

/**
 * The in-process store ({@code local}, {@code device} and their variants, formats.md §5.1): one
 * private copy per key, pushes summed by {@link Reduction}, then the updater (MXNet's {@code
 * _set_updater}, or the optimizer {@link #setOptimizer} installs as one) or assignment, pulls
 * copied out. A many-key call checks all its keys and shapes before it changes anything. Every
 * data movement is an engine operation, so calls return at once and readers of pulled arrays
 * wait on their variables as usual. Methods are synchronized only to guard the key map; none of
 * them blocks on data (an updater may: it runs under the lock).
 */
final class LocalKVStore implements KVStore {
  private static final class Entry {
    final NDArray stored;
    NDArray merge;

    Entry(NDArray stored) {
      this.stored = stored;
    }
  }

  private final String type;
  private final Map<String, Entry> entries = new HashMap<>();
  /** What a push applies to the sum; null: assignment. */
  private Updater updater;
  private GradientCompression compression = GradientCompression.NONE;
  private final Residuals residuals = new Residuals();
  private boolean closed;

  LocalKVStore(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int numWorkers() {
    return 1;
  }

  @Override
  public synchronized void init(String key, NDArray value) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Reduction.requireFloat32(key, value);
    if (entries.containsKey(key)) {
      throw new IllegalStateException(
          "key '" + key + "' was already initialized; each key may be initialized once");
    }
    entries.put(key, new Entry(value.copy()));
  }

  /** All keys or none: every check is made before the first key is stored. */
  @Override
  public synchronized void init(List<String> keys, List<NDArray> values) {
    requireOpen();
    Map<String, List<NDArray>> groups = KeyGroups.of("init", keys, values, "values");
    KeyGroups.requireDistinct("init", keys);
    groups.forEach((key, v) -> {
      Reduction.requireFloat32(key, v.get(0));
      if (entries.containsKey(key)) {
        throw new IllegalStateException(
            "key '" + key + "' was already initialized; each key may be initialized once");
      }
    });
    groups.forEach((key, v) -> entries.put(key, new Entry(v.get(0).copy())));
  }

  /** Every key's arrays by key, each key known and each array of its shape. */
  private Map<String, List<NDArray>> checked(String call, List<String> keys,
      List<NDArray> arrays, String what) {
    return KeyLists.checked(call, keys, arrays, what, key -> require(key).stored.shape());
  }

  /** Checks every key first, then pushes key by key as {@link #push(String, List)}. */
  @Override
  public synchronized void push(List<String> keys, List<NDArray> values) {
    checked("push", keys, values, "values").forEach((key, v) -> push(key, v));
  }

  /** As {@link #push(List, List)}: an in-process push is already an engine operation. */
  @Override
  public void push(List<String> keys, List<NDArray> values, int priority) {
    push(keys, values);
  }

  /** Checks every key first, then pulls key by key as {@link #pull(String, List)}. */
  @Override
  public synchronized void pull(List<String> keys, List<NDArray> outs) {
    checked("pull", keys, outs, "outputs").forEach((key, o) -> pull(key, o));
  }

  /** As {@link #pull(List, List)}: an in-process pull is already an engine operation. */
  @Override
  public void pull(List<String> keys, List<NDArray> outs, int priority) {
    pull(keys, outs);
  }

  /**
   * Checks both lists, then pushes the value keys and pulls the output keys (MXNet's local
   * {@code PushPullImpl}: the two key lists may differ).
   */
  @Override
  public synchronized void pushPull(List<String> valueKeys, List<NDArray> values,
      List<String> outKeys, List<NDArray> outs) {
    Map<String, List<NDArray>> in = checked("pushPull", valueKeys, values, "values");
    Map<String, List<NDArray>> out = checked("pushPull", outKeys, outs, "outputs");
    in.forEach((key, v) -> push(key, v));
    out.forEach((key, o) -> pull(key, o));
  }

  /** As {@link #pushPull(List, List, List, List)}. */
  @Override
  public void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs, int priority) {
    pushPull(valueKeys, values, outKeys, outs);
  }

  @Override
  public synchronized void push(String key, List<NDArray> values) {
    Entry e = require(key);
    Reduction.requireShapes(key, e.stored.shape(), values, "push values");
    Updater up = updater;
    if (compression.enabled()) {
      pushCompressed(key, e, values, up);
      return;
    }
    if (up == null) {
      Reduction.sumInto(values, e.stored); // assign, not accumulate (formats.md §5.1)
      return;
    }
    NDArray grad = values.get(0);
    if (values.size() > 1) {
      if (e.merge == null) {
        e.merge = NDArray.zeros(e.stored.shape());
      }
      Reduction.sumInto(values, e.merge);
      grad = e.merge;
    }
    up.update(key, grad, e.stored);
  }

  /**
   * MXNet's {@code CommDevice::ReduceCompressed}: each pushed array (one per device) is quantized
   * against its own residual, dequantized, and the results are summed left to right; then the
   * updater or assignment as for an uncompressed push.
   */
  private void pushCompressed(String key, Entry e, List<NDArray> values, Updater up) {
    if (e.merge == null) {
      e.merge = NDArray.zeros(e.stored.shape());
    }
    NDArray merge = e.merge;
    List<NDArray> inputs = List.copyOf(values);
    List<Var> reads = new ArrayList<>();
    for (NDArray v : inputs) {
      if (!reads.contains(v.var())) {
        reads.add(v.var());
      }
    }
    float t = compression.threshold();
    int n = merge.shape().intSize();
    // the residuals are touched only by this operation, which writes merge: the engine orders
    // the pushes of a key through merge's variable
    merge.engine().push("kvstore-2bit " + key, () -> {
      FloatBuffer out = merge.floatBuffer();
      for (int i = 0; i < inputs.size(); i++) {
        ByteBuffer codes = residuals.quantize(key, i, inputs.get(i).floatBuffer(), n, t);
        TwoBitCodec.dequantize(codes, 0, out, n, t, i > 0);
      }
    }, reads, List.of(merge.var()));
    if (up == null) {
      merge.copyTo(e.stored);
    } else {
      up.update(key, merge, e.stored);
    }
  }

  /**
   * Compresses later pushes (MXNet's {@code set_gradient_compression}); MXNet allows it for
   * {@code device} stores, not {@code local}. Residuals start at zero whenever it changes.
   *
   * @throws IllegalArgumentException naming a bad parameter
   * @throws UnsupportedOperationException for a store whose type does not contain "device", or
   *     for {@code fp16}
   */
  @Override
  public synchronized void setGradientCompression(Map<String, String> params) {
    requireOpen();
    GradientCompression gc = GradientCompression.parse(params);
    if (!type.toLowerCase(Locale.ROOT).contains("device")) {
      throw new UnsupportedOperationException("gradient compression is not supported for"
          + " kvstore type '" + type + "' (MXNet compresses for device and dist stores only)");
    }
    if (gc.type() == GradientCompression.Type.FP16) {
      throw new UnsupportedOperationException("fp16 is a transport of the dist stores (pushes"
          + " and pulls to the server as float16); a '" + type + "' store sums in memory");
    }
    for (Entry e : entries.values()) {
      if (e.merge != null) {
        e.merge.waitToWrite(); // no compressed push of the old setting still uses a residual
      }
    }
    residuals.clear();
    compression = gc;
  }

  @Override
  public synchronized void pull(String key, List<NDArray> outs) {
    Entry e = require(key);
    Reduction.requireShapes(key, e.stored.shape(), outs, "pull outputs");
    for (NDArray out : outs) {
      e.stored.copyTo(out);
    }
  }

  /** MXNet's local {@code set_optimizer}: installs {@link Updater#of(Optimizer)}. */
  @Override
  public synchronized void setOptimizer(Optimizer optimizer) {
    setUpdater(Updater.of(optimizer));
  }

  /**
   * Later pushes call {@code updater} on the key's sum and stored value, on the pushing thread
   * (under this store's lock) after the sum was issued; it replaces any optimizer or updater set
   * before.
   */
  @Override
  public synchronized void setUpdater(Updater updater) {
    requireOpen();
    this.updater = Objects.requireNonNull(updater, "updater");
  }

  /** A single process has nobody to wait for. */
  @Override
  public void barrier() {}

  @Override
  public synchronized void close() {
    closed = true;
    entries.clear();
    residuals.clear();
  }

  private Entry require(String key) {
    requireOpen();
    Entry e = entries.get(key);
    if (e == null) {
      throw new IllegalStateException("key '" + key + "' was not initialized; call init first");
    }
    return e;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the " + type + " kvstore is closed");
    }
  }

  @Override
  public String toString() {
    return "LocalKVStore{type=" + type + ", keys=" + entries.size() + "}";
  }
}
