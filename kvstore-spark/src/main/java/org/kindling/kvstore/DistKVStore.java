package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.EngineException;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.FnProperty;
import org.kindling.tensor.engine.NaiveEngine;
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
 *   <li>{@link #push(String, List, int)} and {@link #pull(String, List, int)} (MXNet's forms
 *       with a priority, which training uses): the same requests made by asynchronous engine
 *       operations on the {@link FnProperty#IO} pool, so they return at once. The push reads
 *       the gradient (it is sent as soon as backward has written it) and ends when the server
 *       acknowledges it; the pull writes the outputs when the value arrives. Both write the
 *       key's engine variable, which orders a key's requests as the blocking forms are
 *       ordered; the blocking forms, {@link #barrier}, {@link #sendMessage} and {@link #close}
 *       wait for them. A pull issued while its key's push is still waiting for its gradient
 *       (training issues both right after backward) joins that push ({@link PushTicket}): the
 *       push goes out as a PUSHPULL and the pull copies the value of its reply, one round trip
 *       instead of two (not with 2-bit compression, which has no PUSHPULL). Under the {@link
 *       NaiveEngine}, which holds itself until an asynchronous operation completes, a sync
 *       round could never get the other workers' pushes made in the same JVM, so there these
 *       are the blocking forms.
 *   <li>{@link #pushPull}: both in one round trip.
 *   <li>{@link #setOptimizer}: rank 0 sends {@link Optimizer#spec()}; the server rebuilds the
 *       optimizer from that text; then all meet at a barrier.
 *   <li>{@link #setGradientCompression}: later pushes send MXNet's 2-bit codes of the level-1
 *       sum (PUSH_2BIT), with the residual of each key kept here; or, with Kindling's {@code
 *       fp16}, pushes and pulls carry float16 values (rounded to nearest even here, summed in
 *       float32 on the server, whose value is rounded again for the reply).
 * </ul>
 *
 * <p>The blocking forms do their network work on the calling thread after waiting for the
 * source arrays; the engine operations hold an IO thread only while a frame is written, and
 * wait for replies holding none, so neither can deadlock the engine. Calls on one key must not
 * overlap; different keys may be used from different threads. Blocking calls give up after
 * {@link KVStoreClientConfig#requestTimeout()} with a {@link KVStoreException} naming the key
 * and the server.
 */
public final class DistKVStore implements KVStore {
  private final KVStoreClientConfig config;
  private final ClientConnection conn;
  private final Map<String, Shape> keys = new ConcurrentHashMap<>();
  /** Per key: written by its asynchronous push and pull operations, in issue order. */
  private final Map<String, Var> keyVars = new ConcurrentHashMap<>();
  private final Engine engine = Engines.get();
  private final Map<String, CompletableFuture<Reply>> pendingPushes = new ConcurrentHashMap<>();
  /** Per key, its last push operation while it has not sent its frame (a pull may join it). */
  private final Map<String, PushTicket> unsentPushes = new ConcurrentHashMap<>();
  private final Map<String, NDArray> mergeBuffers = new ConcurrentHashMap<>();
  /** Per key, the float16 form of the last push (fp16 transport; reused once it is sent). */
  private final Map<String, ByteBuffer> halfBuffers = new ConcurrentHashMap<>();
  private final Residuals residuals = new Residuals();
  /** {@link #pullCopyBytes()}. */
  private final AtomicLong pullCopyBytes = new AtomicLong();
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
    keyVars.put(key, engine.newVar("kvstore " + key));
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
    Shape shape = require(key, values, "push values");
    awaitPending(key);
    NDArray merged = merge(key, values);
    merged.waitToRead();
    pendingPushes.put(key, sendPush(key, shape, merged.byteBuffer()));
  }

  /**
   * The push as an asynchronous engine operation (see the class doc): reads the level-1 sum,
   * writes the key's variable, ends with the server's acknowledgement.
   */
  @Override
  public void push(String key, List<NDArray> values, int priority) {
    if (engine instanceof NaiveEngine) {
      push(key, values);
      return;
    }
    Shape shape = require(key, values, "push values");
    NDArray merged = merge(key, values);
    // the memory's view is taken now: an array closed meanwhile keeps its memory until the
    // engine's last operation on it, this one, has finished
    ByteBuffer data = merged.byteBuffer();
    PushTicket ticket = new PushTicket();
    unsentPushes.put(key, ticket);
    engine.pushAsync("kvstore-push " + key, done -> {
      unsentPushes.remove(key, ticket);
      if (!ticket.send()) {
        conn.onReply(sendPush(key, shape, data), describePush(key), r -> done.done(),
            done::fail);
        return;
      }
      String what = "PUSHPULL of key '" + key + "'";
      conn.onReply(sendPushPull(key, shape, data, what), what, r -> {
        try {
          requireValue(key, shape, r);
        } catch (RuntimeException e) {
          done.fail(e);
          return;
        }
        ticket.answered(r);
        done.done();
      }, done::fail);
    }, List.of(merged.var()), List.of(keyVars.get(key)), FnProperty.IO, priority);
  }

  @Override
  public void pull(String key, List<NDArray> outs) {
    Shape shape = require(key, outs, "pull outputs");
    awaitPending(key);
    Reply r = conn.call(pullType(), h -> Protocol.writeString(h, key), null,
        "PULL of key '" + key + "'");
    writeOuts(key, shape, r, outs);
  }

  /**
   * The pull as an asynchronous engine operation (see the class doc): after this worker's
   * earlier pushes of the key, the value of the last one's PUSHPULL if this pull could join it,
   * else one PULL, copied into {@code outs} on arrival.
   */
  @Override
  public void pull(String key, List<NDArray> outs, int priority) {
    if (engine instanceof NaiveEngine) {
      pull(key, outs);
      return;
    }
    Shape shape = require(key, outs, "pull outputs");
    List<NDArray> targets = distinct(outs);
    List<Var> writes = new ArrayList<>();
    writes.add(keyVars.get(key));
    targets.forEach(t -> writes.add(t.var()));
    List<ByteBuffer> dsts = views(targets);
    PushTicket push = compression.type() == GradientCompression.Type.TWO_BIT ? null
        : unsentPushes.remove(key);
    if (push != null && push.join()) {
      // runs after the push's operation (both write the key's variable), which kept the value
      engine.push("kvstore-pull " + key, () -> copyValue(push.value(), dsts), List.of(), writes,
          FnProperty.IO, priority);
      return;
    }
    String what = "PULL of key '" + key + "'";
    engine.pushAsync("kvstore-pull " + key, done -> conn.onReply(
        conn.send(pullType(), h -> Protocol.writeString(h, key), null, what), what, r -> {
          try {
            requireValue(key, shape, r);
            copyValue(r, dsts);
          } catch (RuntimeException e) {
            done.fail(e);
            return;
          }
          done.done();
        }, done::fail), List.of(), writes, FnProperty.IO, priority);
  }

  /**
   * Sends a PUSH of the float32 {@code data} of the level-1 sum (ready to read), with 2-bit
   * compression a PUSH_2BIT of its codes, with fp16 a PUSH of its float16 form, and returns the
   * future of the acknowledgement.
   */
  private CompletableFuture<Reply> sendPush(String key, Shape shape, ByteBuffer data) {
    GradientCompression gc = compression;
    if (gc.type() == GradientCompression.Type.TWO_BIT) {
      // the level-1 sum is quantized once, against this store's residual of the key (MXNet's
      // dist stores compress after the device reduce)
      ByteBuffer codes = residuals.quantize(key, 0, data.asFloatBuffer(), shape.intSize(),
          gc.threshold());
      return conn.send(Protocol.PUSH_2BIT, h -> {
        Protocol.writeString(h, key);
        h.writeFloatLE(gc.threshold());
        Protocol.writeArrayHeader(h, shape);
      }, codes, describePush(key));
    }
    boolean half = gc.type() == GradientCompression.Type.FP16;
    return conn.send(Protocol.PUSH, keyAndShape(key, shape, half), wireData(key, data, half),
        describePush(key));
  }

  private String describePush(String key) {
    return (compression.type() == GradientCompression.Type.TWO_BIT ? "PUSH_2BIT" : "PUSH")
        + " of key '" + key + "'";
  }

  /** PULL, or with fp16 transport PULL_F16 (answered in float16). */
  private byte pullType() {
    return compression.type() == GradientCompression.Type.FP16 ? Protocol.PULL_F16 : Protocol.PULL;
  }

  /**
   * The bytes a push sends: the level-1 sum's own {@code data}, or with {@code half} its float16
   * form in the key's buffer (free: the key's pushes run one after another, each until its
   * acknowledgement).
   */
  private ByteBuffer wireData(String key, ByteBuffer data, boolean half) {
    if (!half) {
      return data;
    }
    int n = keys.get(key).intSize();
    ByteBuffer b = halfBuffers.computeIfAbsent(key, k -> ByteBuffer.allocateDirect(2 * n));
    Half.narrow(data.asFloatBuffer(), b, n);
    return b.duplicate();
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
    Shape shape = require(key, values, "push values");
    Reduction.requireShapes(key, shape, outs, "pull outputs");
    awaitPending(key);
    NDArray merged = merge(key, values);
    merged.waitToRead();
    String what = "PUSHPULL of key '" + key + "'";
    Reply r = conn.await(sendPushPull(key, shape, merged.byteBuffer(), what), what);
    writeOuts(key, shape, r, outs);
  }

  /**
   * Sends a PUSHPULL of the float32 {@code data} of the level-1 sum (ready to read), with fp16
   * its float16 form (answered in float16), and returns the future of the reply.
   */
  private CompletableFuture<Reply> sendPushPull(String key, Shape shape, ByteBuffer data,
      String what) {
    boolean half = compression.type() == GradientCompression.Type.FP16;
    return conn.send(Protocol.PUSHPULL, keyAndShape(key, shape, half), wireData(key, data, half),
        what);
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
   * here; {@code none} turns it off. Residuals start at zero whenever the setting changes. Not a
   * server call: a PUSH_2BIT frame carries its threshold, and the server dequantizes it.
   *
   * @throws IllegalArgumentException naming a bad parameter
   */
  @Override
  public void setGradientCompression(Map<String, String> params) {
    requireOpen();
    GradientCompression gc = GradientCompression.parse(params);
    awaitAllPending();
    residuals.clear();
    compression = gc;
  }

  /** The compression pushes use ({@link GradientCompression#NONE} unless set). */
  public GradientCompression gradientCompression() {
    return compression;
  }

  /**
   * Waits for this worker's pending pushes and pulls, then until all W workers reach the
   * barrier.
   */
  @Override
  public void barrier() {
    requireOpen();
    awaitAllPending();
    conn.call(Protocol.BARRIER, h -> { }, null, "BARRIER");
  }

  /**
   * Sends a text message to the server's {@link MessageListener} (progress, epoch ends) and
   * returns after the listener has handled it. Waits first for this worker's pending pushes and
   * pulls, so that the listener sees the server after every update this worker took part in
   * (an epoch end's checkpoint snapshot).
   *
   * @throws KVStoreException if the listener failed or the server cannot be reached
   */
  public void sendMessage(String text) {
    requireOpen();
    Objects.requireNonNull(text, "text");
    awaitAllPending();
    conn.call(Protocol.MESSAGE, h -> Protocol.writeString(h, text), null, "MESSAGE");
  }

  /**
   * Waits for pending pushes and pulls, tells the server this worker leaves on purpose, closes
   * the connection and releases the buffers of its level-1 sums. Idempotent.
   *
   * @throws KVStoreException after closing, if a pending blocking push had failed
   * @throws EngineException after closing, if a pending push or pull operation had failed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    RuntimeException failure = null;
    try {
      awaitAllPending();
    } catch (KVStoreException | EngineException e) {
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

  /** The fields of PUSH and PUSHPULL before the data (float16 data with {@code half}). */
  private static Consumer<ByteBuf> keyAndShape(String key, Shape shape, boolean half) {
    return h -> {
      Protocol.writeString(h, key);
      Protocol.writeArrayHeader(h, half ? DType.FLOAT16 : DType.FLOAT32, shape);
    };
  }

  /**
   * The level-1 sum: the array itself if there is one, else a per-key buffer that an engine
   * operation (pushed here, perhaps not run yet) sums into.
   */
  private NDArray merge(String key, List<NDArray> values) {
    NDArray merged = values.get(0);
    if (values.size() > 1) {
      merged = mergeBuffers.computeIfAbsent(key, k -> NDArray.zeros(keys.get(k)));
      Reduction.sumInto(values, merged);
    }
    return merged;
  }

  /** Copies a VALUE reply into every output with one engine write operation. */
  private void writeOuts(String key, Shape shape, Reply r, List<NDArray> outs) {
    List<NDArray> targets = distinct(outs);
    List<Var> writes = new ArrayList<>();
    targets.forEach(t -> writes.add(t.var()));
    requireValue(key, shape, r);
    List<ByteBuffer> dsts = views(targets);
    engine.push("kvstore-pull " + key, () -> copyValue(r, dsts), List.of(), writes);
  }

  /**
   * The outputs' memory, taken when the pull is issued: an array closed before the value arrives
   * keeps its memory until the engine's last operation on it has finished.
   */
  private static List<ByteBuffer> views(List<NDArray> targets) {
    List<ByteBuffer> views = new ArrayList<>();
    targets.forEach(t -> views.add(t.byteBuffer()));
    return views;
  }

  /**
   * Copies a VALUE reply (float32, or float16 widened) into {@code dsts}, whose arrays' writes the
   * running operation holds.
   */
  private void copyValue(Reply r, List<ByteBuffer> dsts) {
    for (ByteBuffer dst : dsts) {
      if (r.half()) {
        Half.widen(r.data(), dst.asFloatBuffer(), dst.remaining() / Float.BYTES);
        pullCopyBytes.addAndGet(dst.remaining());
      } else {
        dst.duplicate().put(r.data().duplicate());
        pullCopyBytes.addAndGet(r.data().remaining());
      }
    }
  }

  /**
   * The bytes pulls have copied into output arrays so far, once per distinct array: a level-1
   * group whose tasks share their weights copies a value once, one whose tasks own their
   * weights K times.
   */
  public long pullCopyBytes() {
    return pullCopyBytes.get();
  }

  private void requireValue(String key, Shape shape, Reply r) {
    if (r.type() != Protocol.VALUE || !shape.equals(r.shape())) {
      throw new KVStoreException("kvstore server " + conn.address() + " answered the pull of key '"
          + key + "' with " + (r.shape() == null ? Protocol.typeName(r.type()) : "shape "
          + r.shape()) + " instead of a value of shape " + shape);
    }
  }

  /** The outputs with each engine variable once (a level-1 group may pass one array K times). */
  private static List<NDArray> distinct(List<NDArray> outs) {
    List<Var> seen = new ArrayList<>();
    List<NDArray> targets = new ArrayList<>();
    for (NDArray out : outs) {
      if (!seen.contains(out.var())) {
        seen.add(out.var());
        targets.add(out);
      }
    }
    return targets;
  }

  /**
   * Waits for this worker's pending requests of {@code key}: the asynchronous operations (a
   * failure they recorded is thrown here as the engine's), then a blocking push's reply.
   */
  private void awaitPending(String key) {
    Var v = keyVars.get(key);
    if (v != null) {
      engine.waitToWrite(v);
    }
    CompletableFuture<Reply> f = pendingPushes.remove(key);
    if (f != null) {
      conn.await(f, "PUSH of key '" + key + "'");
    }
  }

  /** {@link #awaitPending} for every key; the first failure is thrown after all were awaited. */
  private void awaitAllPending() {
    RuntimeException first = null;
    for (String key : List.copyOf(keys.keySet())) {
      try {
        awaitPending(key);
      } catch (KVStoreException | EngineException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The key's shape, which every one of {@code arrays} must have. */
  private Shape require(String key, List<NDArray> arrays, String what) {
    Shape s = require(key);
    Reduction.requireShapes(key, s, arrays, what);
    return s;
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
