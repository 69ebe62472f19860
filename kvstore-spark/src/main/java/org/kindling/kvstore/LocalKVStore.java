package org.kindling.kvstore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;

/**
 * The in-process store ({@code local}, {@code device} and their variants, formats.md §5.1): one
 * private copy per key, pushes summed by {@link Reduction}, then the optimizer or assignment,
 * pulls copied out. Every data movement is an engine operation, so calls return at once and
 * readers of pulled arrays wait on their variables as usual. Methods are synchronized only to
 * guard the key map; none of them blocks on data.
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
  private Optimizer optimizer;
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

  @Override
  public synchronized void push(String key, List<NDArray> values) {
    Entry e = require(key);
    Reduction.requireShapes(key, e.stored.shape(), values, "push values");
    Optimizer opt = optimizer;
    if (opt == null) {
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
    opt.update(key, e.stored, grad);
  }

  @Override
  public synchronized void pull(String key, List<NDArray> outs) {
    Entry e = require(key);
    Reduction.requireShapes(key, e.stored.shape(), outs, "pull outputs");
    for (NDArray out : outs) {
      e.stored.copyTo(out);
    }
  }

  @Override
  public synchronized void setOptimizer(Optimizer optimizer) {
    requireOpen();
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
  }

  /** A single process has nobody to wait for. */
  @Override
  public void barrier() {}

  @Override
  public synchronized void close() {
    closed = true;
    entries.clear();
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
