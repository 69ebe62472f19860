package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.kindling.symbol.optimizer.StateSlices;
import org.kindling.symbol.optimizer.StateSlices.Slice;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Which of S key servers holds which elements of each key, as the workers route them ({@link
 * KVStoreClientConfig#keyServers()}, MXNet's {@code EncodeDefaultKey} rule; decision 0040), and
 * what the driver needs of that for its checkpoints: the keys' whole values joined from the
 * servers' snapshots, the one {@code .states} file a single optimizer would have written joined
 * from the servers' files, and that file cut again for each server when a job resumes. Server i
 * holds a key below {@code bigArrayBound} elements whole (in the key's shape) if it is the key's
 * owner, and of a bigger key the range {@code [round(n / S * i), round(n / S * (i + 1)))} as a
 * 1-D array under the key's name.
 */
public final class KeyServerLayout {
  private final ShardLayout layout;

  /**
   * @param servers S, at least 1
   * @param bigArrayBound elements from which a key is cut into S ranges, at least 1
   * @throws IllegalArgumentException if either is below 1
   */
  public KeyServerLayout(int servers, int bigArrayBound) {
    this.layout = new ShardLayout(servers, bigArrayBound);
  }

  /** S. */
  public int servers() {
    return layout.shards();
  }

  /**
   * The keys' values in the order of {@code shapes}, each a new array of its shape owned by the
   * caller, copied from the servers' snapshots ({@link KVStoreServer#snapshot()}, by server
   * index), which the caller still owns.
   *
   * @throws IllegalArgumentException if a server lacks its range of a key, or holds it in another
   *     size, naming the key, the range and the server
   */
  public Map<String, NDArray> joinValues(List<Map<String, NDArray>> perServer,
      Map<String, Shape> shapes) {
    requireServers(perServer.size(), "snapshots");
    Map<String, NDArray> out = new LinkedHashMap<>();
    try {
      shapes.forEach((key, shape) -> out.put(key, join(perServer, key, shape)));
    } catch (RuntimeException e) {
      out.values().forEach(NDArray::close);
      throw e;
    }
    return Collections.unmodifiableMap(out);
  }

  private NDArray join(List<Map<String, NDArray>> perServer, String key, Shape shape) {
    NDArray whole = NDArray.empty(shape);
    ByteBuffer dst = whole.byteBuffer();
    for (Slice s : layout.slices(key, shape.intSize())) {
      NDArray part = perServer.get(s.owner()).get(key);
      if (part == null || part.size() != s.size()) {
        whole.close();
        throw new IllegalArgumentException("key '" + key + "' " + shape + ": key server "
            + s.owner() + " of " + servers() + " should hold its elements [" + s.begin() + ", "
            + s.end() + ") but " + (part == null ? "has no such key" : "holds " + part.size()
            + " elements"));
      }
      part.waitToRead();
      dst.put(s.begin() * Float.BYTES, part.byteBuffer(), 0, s.size() * Float.BYTES);
    }
    return whole;
  }

  /**
   * The one {@code .states} file of the servers' optimizer states ({@link
   * KVStoreServer#optimizerStates()}, by server index): byte for byte the file one optimizer
   * with every update writes, for elementwise optimizers ({@link StateSlices#join}).
   *
   * @param shapeOf the shape of every key that has state arrays
   * @throws IllegalArgumentException if the files do not fit together, naming the parameter
   */
  public byte[] joinStates(List<byte[]> perServer, Function<String, Shape> shapeOf) {
    requireServers(perServer.size(), "optimizer state files");
    for (int i = 0; i < perServer.size(); i++) {
      if (perServer.get(i) == null) {
        throw new IllegalArgumentException("key server " + i + " of " + servers() + " has no"
            + " optimizer states (rank 0 sets the optimizer on every key server)");
      }
    }
    return StateSlices.join(perServer, shapeOf, layout);
  }

  /**
   * {@code states} (one optimizer's file) cut into each server's share, by server index, to
   * preload into the servers ({@link KVStoreServer#preloadOptimizerStates}) of a resumed job.
   *
   * @throws IllegalArgumentException if {@code states} is not a states file
   */
  public byte[][] splitStates(byte[] states) {
    return StateSlices.split(states, servers(), layout);
  }

  private void requireServers(int n, String what) {
    if (n != servers()) {
      throw new IllegalArgumentException(
          n + " " + what + " given for " + servers() + " key servers");
    }
  }
}
