package org.kindling.symbol.module;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;

/** A minimal local store for tests: push sums then updates (or assigns), pull copies. */
final class InProcessKVStore implements KVStore {
  final Map<String, NDArray> stored = new HashMap<>();
  final List<String> log = new ArrayList<>();
  private final String type;
  private final int numWorkers;
  private Optimizer optimizer;

  InProcessKVStore() {
    this("local", 1);
  }

  /** A store that calls itself {@code type} with {@code numWorkers} (it still sums one push). */
  InProcessKVStore(String type, int numWorkers) {
    this.type = type;
    this.numWorkers = numWorkers;
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
    return numWorkers;
  }

  @Override
  public void init(String key, NDArray value) {
    if (stored.putIfAbsent(key, value.copy()) != null) {
      throw new IllegalStateException("key " + key + " initialized twice");
    }
    log.add("init " + key);
  }

  @Override
  public void push(String key, List<NDArray> values) {
    NDArray sum = values.get(0).copy();
    if (values.size() != 1) {
      throw new UnsupportedOperationException("test store sums one value");
    }
    if (optimizer != null) {
      optimizer.update(key, stored.get(key), sum);
    } else {
      sum.copyTo(stored.get(key));
    }
    log.add("push " + key);
  }

  @Override
  public void pull(String key, List<NDArray> outs) {
    for (NDArray o : outs) {
      stored.get(key).copyTo(o);
    }
    log.add("pull " + key);
  }

  @Override
  public void setOptimizer(Optimizer optimizer) {
    this.optimizer = optimizer;
    log.add("setOptimizer");
  }

  @Override
  public void barrier() {}

  @Override
  public void close() {}
}
