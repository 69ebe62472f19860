package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Var;

/**
 * A worker's handle on the driver's {@link KVStoreServer} ({@code dist_sync}, {@code
 * dist_async}; formats.md §5). Create with {@link KVStores#connect}.
 *
 * <ul>
 *   <li>{@link #init}: every worker calls it and registers the shape; rank 0 then sends the
 *       value; then all meet at a barrier.
 *   <li>{@link #push}: sums the given arrays here (level 1), then sends one array (level 2). It
 *       returns once the data is sent; the acknowledgement, which in sync mode arrives after
 *       all W workers pushed and the server updated, is awaited by the next push, pull or
 *       pushPull of the same key, by {@link #barrier} and by {@link #close}.
 *   <li>{@link #pull}: waits for this worker's pending push of the key, fetches the value and
 *       writes it into the outputs with one engine write operation.
 *   <li>{@link #pushPull}: both in one round trip.
 *   <li>{@link #setOptimizer}: rank 0 sends {@link Optimizer#spec()}; the server rebuilds the
 *       optimizer from that text; then all meet at a barrier.
 *   <li>{@link #setGradientCompression}: later pushes send MXNet's 2-bit codes of the level-1
 *       sum (PUSH_2BIT), with the residual of each key kept here; or, with Kindling's {@code
 *       fp16}, pushes and pulls carry float16 values (rounded to nearest even here, summed in
 *       float32 on the server, whose value is rounded again for the reply).
 * </ul>
 *
 * <p>Network work happens on the calling thread after waiting for the source arrays, never
 * inside an engine operation, so it cannot deadlock the engine. Calls on one key must not
 * overlap; different keys may be used from different threads. Blocking calls give up after
 * {@link KVStoreClientConfig#requestTimeout()} with a {@link KVStoreException} naming the key
 * and the server.
 */
public final class DistKVStore implements KVStore {
  private final KVStoreClientConfig config;
  private final ClientConnection conn;
  private final Map<String, Shape> keys = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Reply>> pendingPushes = new ConcurrentHashMap<>();
  private final Map<String, NDArray> mergeBuffers = new ConcurrentHashMap<>();
  /** Per key, the float16 form of the last push (fp16 transport; reused once it is sent). */
  private final Map<String, ByteBuffer> halfBuffers = new ConcurrentHashMap<>();
  private final Residuals residuals = new Residuals();
  private volatile GradientCompression compression = GradientCompression.NONE;
  private volatile boolean closed;

  private DistKVStore(KVStoreClientConfig config, ClientConnection conn) {
    this.config = config;
    this.conn = conn;
  }

  /** Connects and authenticates; see {@link KVStores#connect(KVStoreClientConfig)}. */
  static DistKVStore connect(KVStoreClientConfig config) {
    return new DistKVStore(config, ClientConnection.open(config));
  }

  @Override
  public String type() {
    return config.type();
  }

  @Override
  public int rank() {
    return config.rank();
  }

  @Override
  public int numWorkers() {
    return config.numWorkers();
  }

  /** {@code host:port} of the server. */
  public String serverAddress() {
    return conn.address();
  }

  @Override
  public void init(String key, NDArray value) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Reduction.requireFloat32(key, value);
    if (keys.putIfAbsent(key, value.shape()) != null) {
      throw new IllegalStateException(
          "key '" + key + "' was already initialized; each key may be initialized once");
    }
    String what = "INIT of key '" + key + "'";
    conn.expectKey(value.shape());
    // the shape first: the server sizes its frame limit from the keys registered so far
    CompletableFuture<Reply> shapeOnly = conn.send(Protocol.INIT, initFields(key, value, false),
        null, what);
    if (rank() == 0) {
      value.waitToRead();
      conn.call(Protocol.INIT, initFields(key, value, true), value.byteBuffer(), what);
    }
    conn.await(shapeOnly, what);
    barrier();
  }

  @Override
  public void push(String key, List<NDArray> values) {
    Shape shape = require(key);
    Reduction.requireShapes(key, shape, values, "push values");
    awaitPendingPush(key);
    NDArray merged = merge(key, values);
    GradientCompression gc = compression;
    if (gc.type() == GradientCompression.Type.TWO_BIT) {
      // the level-1 sum is quantized once, against this store's residual of the key (MXNet's
      // dist stores compress after the device reduce)
      ByteBuffer codes = residuals.quantize(key, merged, gc.threshold());
      pendingPushes.put(key, conn.send(Protocol.PUSH_2BIT, h -> {
        Protocol.writeString(h, key);
        h.writeFloatLE(gc.threshold());
        Protocol.writeArrayHeader(h, shape);
      }, codes, "PUSH_2BIT of key '" + key + "'"));
      return;
    }
    boolean half = gc.type() == GradientCompression.Type.FP16;
    pendingPushes.put(key, conn.send(Protocol.PUSH, keyAndShape(key, shape, half),
        wireData(key, merged, half), "PUSH of key '" + key + "'"));
  }

  /**
   * The bytes a push sends: the array's own, or with {@code half} its float16 form in the key's
   * buffer (free: the key's last push was awaited before this one).
   */
  private ByteBuffer wireData(String key, NDArray merged, boolean half) {
    if (!half) {
      return merged.byteBuffer();
    }
    int n = merged.shape().intSize();
    ByteBuffer b = halfBuffers.computeIfAbsent(key, k -> ByteBuffer.allocateDirect(2 * n));
    Half.narrow(merged.floatBuffer(), b, n);
    return b.duplicate();
  }

  @Override
  public void pull(String key, List<NDArray> outs) {
    Shape shape = require(key);
    Reduction.requireShapes(key, shape, outs, "pull outputs");
    awaitPendingPush(key);
    boolean half = compression.type() == GradientCompression.Type.FP16;
    Reply r = conn.call(half ? Protocol.PULL_F16 : Protocol.PULL,
        h -> Protocol.writeString(h, key), null, "PULL of key '" + key + "'");
    writeOuts(key, shape, r, outs);
  }

  /**
   * One PUSHPULL round trip; with gradient compression a compressed push, then a pull (MXNet
   * refuses pushpull under compression; the VALUE reply stays float32).
   */
  @Override
  public void pushPull(String key, List<NDArray> values, List<NDArray> outs) {
    if (compression.type() == GradientCompression.Type.TWO_BIT) {
      push(key, values);
      pull(key, outs);
      return;
    }
    Shape shape = require(key);
    Reduction.requireShapes(key, shape, values, "push values");
    Reduction.requireShapes(key, shape, outs, "pull outputs");
    awaitPendingPush(key);
    NDArray merged = merge(key, values);
    boolean half = compression.type() == GradientCompression.Type.FP16;
    Reply r = conn.call(Protocol.PUSHPULL, keyAndShape(key, shape, half),
        wireData(key, merged, half), "PUSHPULL of key '" + key + "'");
    writeOuts(key, shape, r, outs);
  }

  /**
   * Rank 0 sends the optimizer's spec text, which the server turns into its optimizer; every
   * worker then waits at a barrier, so all workers must call this.
   */
  @Override
  public void setOptimizer(Optimizer optimizer) {
    requireOpen();
    Objects.requireNonNull(optimizer, "optimizer");
    if (rank() == 0) {
      String spec = optimizer.spec();
      conn.call(Protocol.SET_OPTIMIZER, h -> Protocol.writeString(h, spec), null,
          "SET_OPTIMIZER '" + spec + "'");
    }
    barrier();
  }

  /**
   * Compresses this worker's later pushes (MXNet's {@code set_gradient_compression}): with
   * {@code 2bit}, each push sends the 2-bit codes of the level-1 sum and keeps a residual per key
   * here; with Kindling's {@code fp16}, pushes and pulls carry float16 values; {@code none} turns
   * it off. Residuals start at zero whenever the setting changes. Not a
   * server call: a PUSH_2BIT frame carries its threshold, and the server dequantizes it.
   *
   * @throws IllegalArgumentException naming a bad parameter
   */
  @Override
  public void setGradientCompression(Map<String, String> params) {
    requireOpen();
    GradientCompression gc = GradientCompression.parse(params);
    awaitAllPendingPushes();
    residuals.clear();
    compression = gc;
  }

  /** The compression pushes use ({@link GradientCompression#NONE} unless set). */
  public GradientCompression gradientCompression() {
    return compression;
  }

  /** Waits for this worker's pending pushes, then until all W workers reach the barrier. */
  @Override
  public void barrier() {
    requireOpen();
    awaitAllPendingPushes();
    conn.call(Protocol.BARRIER, h -> { }, null, "BARRIER");
  }

  /**
   * Sends a text message to the server's {@link MessageListener} (progress, epoch ends) and
   * returns after the listener has handled it.
   *
   * @throws KVStoreException if the listener failed or the server cannot be reached
   */
  public void sendMessage(String text) {
    requireOpen();
    Objects.requireNonNull(text, "text");
    conn.call(Protocol.MESSAGE, h -> Protocol.writeString(h, text), null, "MESSAGE");
  }

  /**
   * Waits for pending pushes, tells the server this worker leaves on purpose, closes the
   * connection and releases the buffers of its level-1 sums. Idempotent.
   *
   * @throws KVStoreException after closing, if a pending push had failed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    KVStoreException failure = null;
    try {
      awaitAllPendingPushes();
    } catch (KVStoreException e) {
      failure = e;
    }
    closed = true;
    if (!conn.isBroken()) {
      try {
        conn.call(Protocol.BYE, h -> { }, null, "BYE");
      } catch (KVStoreException e) {
        // leaving anyway; the server treats the closed socket as a departure
      }
    }
    conn.close();
    // the level-1 sums' buffers are this store's own arrays: their memory goes back to the pool
    // now, not when a collector finds them (each would log a leak warning)
    mergeBuffers.values().forEach(NDArray::close);
    mergeBuffers.clear();
    residuals.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** The fields of INIT before the (optional) data. */
  private static Consumer<ByteBuf> initFields(String key, NDArray value, boolean withData) {
    return h -> {
      Protocol.writeString(h, key);
      h.writeByte(withData ? Protocol.INIT_HAS_DATA : 0);
      Protocol.writeArrayHeader(h, value.shape());
    };
  }

  /** The fields of PUSH and PUSHPULL before the data. */
  private static Consumer<ByteBuf> keyAndShape(String key, Shape shape, boolean half) {
    return h -> {
      Protocol.writeString(h, key);
      Protocol.writeArrayHeader(h, half ? DType.FLOAT16 : DType.FLOAT32, shape);
    };
  }

  /** The level-1 sum, ready to read: the array itself if there is one, else a per-key buffer. */
  private NDArray merge(String key, List<NDArray> values) {
    NDArray merged = values.get(0);
    if (values.size() > 1) {
      merged = mergeBuffers.computeIfAbsent(key, k -> NDArray.zeros(keys.get(k)));
      Reduction.sumInto(values, merged);
    }
    merged.waitToRead();
    return merged;
  }

  /** Copies a VALUE reply into every output with one engine write operation. */
  private void writeOuts(String key, Shape shape, Reply r, List<NDArray> outs) {
    if (r.type() != Protocol.VALUE || !shape.equals(r.shape())) {
      throw new KVStoreException("kvstore server " + conn.address() + " answered the pull of key '"
          + key + "' with " + (r.shape() == null ? Protocol.typeName(r.type()) : "shape "
          + r.shape()) + " instead of a value of shape " + shape);
    }
    ByteBuffer data = r.data();
    List<Var> writes = new ArrayList<>();
    List<NDArray> targets = new ArrayList<>();
    for (NDArray out : outs) {
      if (!writes.contains(out.var())) {
        writes.add(out.var());
        targets.add(out);
      }
    }
    boolean half = r.half();
    outs.get(0).engine().push("kvstore-pull " + key, () -> {
      for (NDArray out : targets) {
        if (half) {
          Half.widen(data, out.floatBuffer(), shape.intSize());
        } else {
          out.byteBuffer().put(data.duplicate());
        }
      }
    }, List.of(), writes);
  }

  private void awaitPendingPush(String key) {
    CompletableFuture<Reply> f = pendingPushes.remove(key);
    if (f != null) {
      conn.await(f, "PUSH of key '" + key + "'");
    }
  }

  private void awaitAllPendingPushes() {
    KVStoreException first = null;
    for (String key : List.copyOf(pendingPushes.keySet())) {
      try {
        awaitPendingPush(key);
      } catch (KVStoreException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private Shape require(String key) {
    requireOpen();
    Shape s = keys.get(key);
    if (s == null) {
      throw new IllegalStateException(
          "key '" + key + "' was not initialized; every worker calls init(key, value) first");
    }
    return s;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(
          "the " + type() + " kvstore of worker rank " + rank() + " is closed");
    }
  }

  @Override
  public String toString() {
    return "DistKVStore{type=" + type() + ", server=" + conn.address() + ", rank=" + rank()
        + ", numWorkers=" + numWorkers() + "}";
  }
}
