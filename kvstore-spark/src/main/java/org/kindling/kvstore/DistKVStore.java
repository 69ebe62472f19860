package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.kindling.kvstore.ServerLinks.Route;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.kvstore.KeyGroups;
import org.kindling.symbol.kvstore.Updater;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Completion;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.EngineException;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.FnProperty;
import org.kindling.tensor.engine.NaiveEngine;
import org.kindling.tensor.engine.Var;

/**
 * A worker's handle on the parameter servers ({@code dist_sync}, {@code dist_async}; formats.md
 * §5): the driver's {@link KVStoreServer}, and with {@link KVStoreClientConfig#keyServers()} S
 * key servers that hold the keys, each key whole on one of them or, from {@link
 * KVStoreClientConfig#bigArrayBound()} elements, cut into one range per server (MXNet's {@code
 * EncodeDefaultKey}; decision 0040): every request below goes to each server owning a range of
 * the key, with that range's elements (a 2-bit push quantized per range against the range's
 * residual), and completes when all have answered; a pull's ranges are written into their
 * places in the outputs. Barriers and messages go to the driver's server. Create with {@link
 * KVStores#connect}.
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
 *       pull's operation sends the push as a PUSHPULL and the connection reads the reply's
 *       value straight into the pull's output: one round trip instead of two, and no copy
 *       (decision 0076; not with 2-bit compression, which has no PUSHPULL). Under the {@link
 *       NaiveEngine}, which holds itself until an asynchronous operation completes, a sync
 *       round could never get the other workers' pushes made in the same JVM, so there these
 *       are the blocking forms.
 *   <li>{@link #pushPull}: both in one round trip; with a priority (what {@code Module.update}
 *       issues), one asynchronous engine operation that sends the PUSHPULL once the gradient
 *       is written and reads the value into the weight, as a joined push and pull do, without
 *       the push's own operation (decision 0082).
 *   <li>Many keys ({@link #push(List, List)}, {@link #pull(List, List)}, {@link
 *       #pushPull(List, List, List, List)}, their priority forms; decision 0084): every key and
 *       shape is checked first, then each key is made as above; {@link #init(List, List)} sends
 *       every key's INITs and meets at one barrier. A pushPull pushes and pulls the same keys.
 *       {@link #broadcast} is init then pull: every worker gets rank 0's value.
 *   <li>{@link #setOptimizer}: rank 0 sends {@link Optimizer#spec()}; the server rebuilds the
 *       optimizer from that text; then all meet at a barrier. {@link #setUpdater} is refused:
 *       the servers update.
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
  private final ServerLinks links;
  private final Map<String, Shape> keys = new ConcurrentHashMap<>();
  /** Per key, the servers that hold its elements ({@link ServerLinks#routes}). */
  private final Map<String, List<Route>> routes = new ConcurrentHashMap<>();
  /** Per key: written by its asynchronous push and pull operations, in issue order. */
  private final Map<String, Var> keyVars = new ConcurrentHashMap<>();
  private final Engine engine = Engines.get();
  /** Per key, a blocking push's requests whose acknowledgements are still to be awaited. */
  private final Map<String, List<Sent>> pendingPushes = new ConcurrentHashMap<>();
  /** Per key, its last push operation while it has not sent its frames (a pull may join it). */
  private final Map<String, PushTicket> unsentPushes = new ConcurrentHashMap<>();
  private final Map<String, NDArray> mergeBuffers = new ConcurrentHashMap<>();
  /** Per key, the float16 form of the last push (fp16 transport; reused once it is sent). */
  private final Map<String, ByteBuffer> halfBuffers = new ConcurrentHashMap<>();
  private final Residuals residuals = new Residuals();
  /** {@link #pullCopyBytes()}. */
  private final AtomicLong pullCopyBytes = new AtomicLong();
  /** {@link #pullBytesInPlace()}. */
  private final AtomicLong pullBytesInPlace = new AtomicLong();
  private volatile GradientCompression compression = GradientCompression.NONE;
  private volatile boolean closed;

  /**
   * One request sent to one server, described for its errors, with where its value may land
   * (null: nowhere, the reply has a buffer of its own).
   */
  private record Sent(ClientConnection conn, CompletableFuture<Reply> reply, String what,
      Landing landing) {
    Sent(ClientConnection conn, CompletableFuture<Reply> reply, String what) {
      this(conn, reply, what, null);
    }
  }

  private DistKVStore(KVStoreClientConfig config, ServerLinks links) {
    this.config = config;
    this.links = links;
  }

  /** Connects and authenticates; see {@link KVStores#connect(KVStoreClientConfig)}. */
  static DistKVStore connect(KVStoreClientConfig config) {
    return new DistKVStore(config, ServerLinks.open(config));
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

  /** {@code host:port} of the server of barriers and messages (the driver's). */
  public String serverAddress() {
    return links.coordinator().address();
  }

  @Override
  public void init(String key, NDArray value) {
    Objects.requireNonNull(key, "key");
    init(List.of(key), List.of(value));
  }

  /**
   * Every worker calls it: each key's shape is registered with its servers, rank 0 sends the
   * values, and the workers meet at one barrier for all the keys (MXNet's {@code InitImpl}).
   * Every key is checked before the first is sent.
   */
  @Override
  public void init(List<String> initKeys, List<NDArray> values) {
    requireOpen();
    Map<String, List<NDArray>> groups = KeyGroups.of("init", initKeys, values, "values");
    KeyGroups.requireDistinct("init", initKeys);
    groups.forEach((key, v) -> {
      Reduction.requireFloat32(key, v.get(0));
      if (keys.containsKey(key)) {
        throw alreadyInitialized(key);
      }
    });
    List<Sent> sent = new ArrayList<>();
    groups.forEach((key, v) -> sent.addAll(sendInit(key, v.get(0))));
    awaitAll(sent);
    // after it every server holds rank 0's values: each worker had all its INITs answered
    barrier();
  }

  private static IllegalStateException alreadyInitialized(String key) {
    return new IllegalStateException(
        "key '" + key + "' was already initialized; each key may be initialized once");
  }

  /** Registers {@code key} here and sends its INITs (with rank 0's value); returns them. */
  private List<Sent> sendInit(String key, NDArray value) {
    if (keys.putIfAbsent(key, value.shape()) != null) {
      throw alreadyInitialized(key);
    }
    keyVars.put(key, engine.newVar("kvstore " + key));
    List<Route> rs = links.routes(key, value.shape());
    routes.put(key, rs);
    String what = "INIT of key '" + key + "'";
    rs.forEach(r -> r.conn().expectKey(r.shape()));
    // the shape first: the servers size their frame limits from the keys registered so far
    List<Sent> sent = new ArrayList<>(sendAll(rs, Protocol.INIT,
        r -> initFields(key, r.shape(), false), r -> null, what));
    if (rank() == 0) {
      value.waitToRead();
      ByteBuffer data = value.byteBuffer();
      sent.addAll(sendAll(rs, Protocol.INIT, r -> initFields(key, r.shape(), true),
          r -> r.bytes(data, Float.BYTES), what));
    }
    return sent;
  }

  /** Every key's arrays by key, each key initialized and each array of its shape. */
  private Map<String, List<NDArray>> checked(String call, List<String> ks, List<NDArray> arrays,
      String what) {
    return KeyLists.checked(call, ks, arrays, what, this::require);
  }

  /** Checks every key, then pushes key by key as {@link #push(String, List)}. */
  @Override
  public void push(List<String> ks, List<NDArray> values) {
    checked("push", ks, values, "values").forEach((key, v) -> push(key, v));
  }

  /** Checks every key, then one push operation per key as {@link #push(String, List, int)}. */
  @Override
  public void push(List<String> ks, List<NDArray> values, int priority) {
    checked("push", ks, values, "values").forEach((key, v) -> push(key, v, priority));
  }

  /** Checks every key, then pulls key by key as {@link #pull(String, List)}. */
  @Override
  public void pull(List<String> ks, List<NDArray> outs) {
    checked("pull", ks, outs, "outputs").forEach((key, o) -> pull(key, o));
  }

  /** Checks every key, then one pull operation per key as {@link #pull(String, List, int)}. */
  @Override
  public void pull(List<String> ks, List<NDArray> outs, int priority) {
    checked("pull", ks, outs, "outputs").forEach((key, o) -> pull(key, o, priority));
  }

  /**
   * Checks every key, then one PUSHPULL round trip per key as {@link #pushPull(String, List,
   * List)}.
   *
   * @throws IllegalArgumentException also naming a key that is pushed but not pulled or the
   *     reverse (MXNet's dist store: "List of push and pull keys are different")
   */
  @Override
  public void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs) {
    sameKeys(valueKeys, values, outKeys, outs)
        .forEach((key, vo) -> pushPull(key, vo.values(), vo.outs()));
  }

  /**
   * Checks every key, then one PUSHPULL operation per key as {@link #pushPull(String, List,
   * List, int)}; the keys as for {@link #pushPull(List, List, List, List)}.
   */
  @Override
  public void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs, int priority) {
    sameKeys(valueKeys, values, outKeys, outs)
        .forEach((key, vo) -> pushPull(key, vo.values(), vo.outs(), priority));
  }

  /** Per key, its values and its outputs, after every check. */
  private Map<String, KeyLists.ValuesAndOuts> sameKeys(List<String> valueKeys,
      List<NDArray> values, List<String> outKeys, List<NDArray> outs) {
    return KeyLists.sameKeys(type(), checked("pushPull", valueKeys, values, "values"),
        checked("pushPull", outKeys, outs, "outputs"));
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
   * writes the key's variable, ends with the acknowledgements of all servers holding a range.
   */
  @Override
  public void push(String key, List<NDArray> values, int priority) {
    if (engine instanceof NaiveEngine) {
      push(key, values);
      return;
    }
    Shape shape = require(key, values, "push values");
    awaitBlockingPush(key);
    NDArray merged = merge(key, values);
    // the memory's view is taken now: an array closed meanwhile keeps its memory until the
    // engine's last operation on it, this one, has finished
    ByteBuffer data = merged.byteBuffer();
    PushTicket ticket = new PushTicket(merged.var(), data);
    unsentPushes.put(key, ticket);
    engine.pushAsync("kvstore-push " + key, done -> {
      unsentPushes.remove(key, ticket);
      if (ticket.send()) {
        done.done(); // a pull joined: its operation sends this push as a PUSHPULL
        return;
      }
      onAll(sendPush(key, shape, data), (i, r) -> { }, done);
    }, List.of(merged.var()), List.of(keyVars.get(key)), FnProperty.IO, priority);
  }

  @Override
  public void pull(String key, List<NDArray> outs) {
    require(key, outs, "pull outputs");
    awaitPending(key);
    List<Reply> replies = awaitAll(sendPull(key));
    writeOuts(key, replies, outs);
  }

  /**
   * The pull as an asynchronous engine operation (see the class doc): after this worker's
   * earlier pushes of the key, one PUSHPULL per server holding a range of it that carries the
   * last push if this pull could join it (the operation then also reads that push's gradient),
   * else one PULL per server; each reply's value is read by the connection straight into its
   * range of the first output ({@link Landing}) and copied into any others; the operation ends
   * when all are in.
   */
  @Override
  public void pull(String key, List<NDArray> outs, int priority) {
    if (engine instanceof NaiveEngine) {
      pull(key, outs);
      return;
    }
    require(key, outs, "pull outputs");
    awaitBlockingPush(key);
    PullTargets into = pullTargets(key, outs);
    PushTicket push = compression.type() == GradientCompression.Type.TWO_BIT ? null
        : unsentPushes.remove(key);
    if (push != null && push.join()) {
      // runs after the push's operation (both write the key's variable), which then sends
      // nothing
      pushPullOperation(key, push.gradient(), push.data(), into, priority);
      return;
    }
    List<Route> rs = routes.get(key);
    engine.pushAsync("kvstore-pull " + key, done -> {
      List<Landing> lands = landings(rs, into.dsts());
      onAll(sendPull(key, lands), (i, r) -> {
        requireValue(key, rs.get(i), r);
        copyValue(r, rs.get(i), into.dsts(), lands.get(i));
      }, done);
    }, List.of(), into.writes(), FnProperty.IO, priority);
  }

  /**
   * Where a pull writes: the engine variables (the key's, then each distinct output's) and the
   * outputs' memory, taken when the pull is issued.
   */
  private record PullTargets(List<Var> writes, List<ByteBuffer> dsts) {}

  private PullTargets pullTargets(String key, List<NDArray> outs) {
    List<NDArray> targets = distinct(outs);
    List<Var> writes = new ArrayList<>();
    writes.add(keyVars.get(key));
    targets.forEach(t -> writes.add(t.var()));
    return new PullTargets(writes, views(targets));
  }

  /**
   * Pushes the engine operation that sends {@code data} (the view of the level-1 sum whose
   * variable is {@code gradient}) as PUSHPULLs and writes the replies into {@code into}; the
   * gradient is read (unless an output is that array, then written).
   */
  private void pushPullOperation(String key, Var gradient, ByteBuffer data, PullTargets into,
      int priority) {
    List<Route> rs = routes.get(key);
    List<Var> reads = into.writes().contains(gradient) ? List.of() : List.of(gradient);
    engine.pushAsync("kvstore-pushpull " + key, done -> {
      List<Landing> lands = landings(rs, into.dsts());
      onAll(sendPushPull(key, data, lands), (i, r) -> {
        requireValue(key, rs.get(i), r);
        copyValue(r, rs.get(i), into.dsts(), lands.get(i));
      }, done);
    }, reads, into.writes(), FnProperty.IO, priority);
  }

  /**
   * Per route, where the connection may read its float32 value in place: the route's range of
   * the first output (whose write the running operation holds); none with fp16 transport, whose
   * values arrive as float16 and are widened by {@link #copyValue}.
   */
  private List<Landing> landings(List<Route> rs, List<ByteBuffer> dsts) {
    List<Landing> lands = new ArrayList<>(rs.size());
    boolean half = compression.type() == GradientCompression.Type.FP16;
    for (Route r : rs) {
      lands.add(half ? null : new Landing(dsts.get(0).slice(
          r.slice().begin() * Float.BYTES, r.slice().size() * Float.BYTES)));
    }
    return lands;
  }

  /** A PULL (or PULL_F16) of {@code key} to every server holding a range of it. */
  private List<Sent> sendPull(String key) {
    return sendPull(key, null);
  }

  /** {@link #sendPull(String)} with a {@link Landing} per route ({@code lands} may be null). */
  private List<Sent> sendPull(String key, List<Landing> lands) {
    return sendAll(routes.get(key), pullType(), r -> h -> Protocol.writeString(h, key),
        r -> null, "PULL of key '" + key + "'", lands);
  }

  /**
   * Sends to each server holding a range of the key a PUSH of the range's float32 {@code data}
   * of the level-1 sum (ready to read), with 2-bit compression a PUSH_2BIT of its codes, with
   * fp16 a PUSH of its float16 form, and returns the requests.
   */
  private List<Sent> sendPush(String key, Shape shape, ByteBuffer data) {
    GradientCompression gc = compression;
    List<Route> rs = routes.get(key);
    if (gc.type() == GradientCompression.Type.TWO_BIT) {
      // the level-1 sum is quantized once, against this store's residual of the key (MXNet's
      // dist stores compress after the device reduce); each range from its own first element,
      // against its own slice of the residual (kept per key and owning server)
      FloatBuffer grad = data.asFloatBuffer();
      return sendAll(rs, Protocol.PUSH_2BIT, r -> h -> {
        Protocol.writeString(h, key);
        h.writeFloatLE(gc.threshold());
        Protocol.writeArrayHeader(h, r.shape());
      }, r -> residuals.quantize(key, r.slice().owner(),
          grad.slice(r.slice().begin(), r.slice().size()), r.slice().size(), gc.threshold()),
          describePush(key));
    }
    boolean half = gc.type() == GradientCompression.Type.FP16;
    ByteBuffer wire = wireData(key, data, half);
    return sendAll(rs, Protocol.PUSH, r -> keyAndShape(key, r.shape(), half),
        r -> r.bytes(wire, half ? 2 : Float.BYTES), describePush(key));
  }

  /**
   * Sends one request to each route's server: {@code fields} and {@code data} (may be null) of
   * the route's request, described by {@code what} and its element range.
   */
  private static List<Sent> sendAll(List<Route> rs, byte type,
      Function<Route, Consumer<ByteBuf>> fields, Function<Route, ByteBuffer> data, String what) {
    return sendAll(rs, type, fields, data, what, null);
  }

  /**
   * {@link #sendAll(List, byte, Function, Function, String)} whose i-th request's VALUE reply is
   * read into {@code lands.get(i)} ({@code lands} and its elements may be null).
   */
  private static List<Sent> sendAll(List<Route> rs, byte type,
      Function<Route, Consumer<ByteBuf>> fields, Function<Route, ByteBuffer> data, String what,
      List<Landing> lands) {
    List<Sent> sent = new ArrayList<>(rs.size());
    for (int i = 0; i < rs.size(); i++) {
      Route r = rs.get(i);
      Landing land = lands == null ? null : lands.get(i);
      String w = r.describe(what);
      sent.add(new Sent(r.conn(), r.conn().send(type, fields.apply(r), data.apply(r), w, land),
          w, land));
    }
    return sent;
  }

  /** Sends the same request to each of {@code conns}. */
  private static List<Sent> sendEach(List<ClientConnection> conns, byte type,
      Consumer<ByteBuf> fields, String what) {
    List<Sent> sent = new ArrayList<>(conns.size());
    for (ClientConnection c : conns) {
      sent.add(new Sent(c, c.send(type, fields, null, what), what));
    }
    return sent;
  }

  /**
   * Waits for every reply (an ERROR, a broken connection or the request timeout are {@link
   * KVStoreException}s naming the request and its server) and returns them in order; the first
   * failure is thrown after all were awaited, so no request of the key is left in flight.
   */
  private static List<Reply> awaitAll(List<Sent> sent) {
    List<Reply> out = new ArrayList<>(sent.size());
    KVStoreException first = null;
    for (Sent s : sent) {
      try {
        out.add(s.conn().await(s.reply(), s.what()));
      } catch (KVStoreException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  /**
   * {@link #awaitAll} without a waiting thread, for engine operations: {@code onEach} gets each
   * reply with its index as it arrives (on the thread that completes it); {@code done} completes
   * once all are in, failed with the first error if any request or {@code onEach} failed.
   */
  private static void onAll(List<Sent> sent, BiConsumer<Integer, Reply> onEach, Completion done) {
    AtomicInteger left = new AtomicInteger(sent.size());
    AtomicReference<Throwable> first = new AtomicReference<>();
    Runnable arrived = () -> {
      if (left.decrementAndGet() == 0) {
        Throwable t = first.get();
        if (t == null) {
          done.done();
        } else {
          done.fail(t);
        }
      }
    };
    for (int i = 0; i < sent.size(); i++) {
      int index = i;
      Sent s = sent.get(i);
      s.conn().onReply(s.reply(), s.what(), s.landing(), r -> {
        try {
          onEach.accept(index, r);
        } catch (RuntimeException e) {
          first.compareAndSet(null, e);
        }
        arrived.run();
      }, e -> {
        first.compareAndSet(null, e);
        arrived.run();
      });
    }
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
    List<Reply> replies = awaitAll(sendPushPull(key, merged.byteBuffer()));
    writeOuts(key, replies, outs);
  }

  /**
   * The push and pull of a key as one asynchronous engine operation (decision 0082): it reads
   * the level-1 sum (it starts once backward has written the gradient), writes the key's
   * variable and the outputs, and sends one PUSHPULL per server holding a range of the key,
   * whose replies' values the connection reads straight into the first output ({@link
   * Landing}); it ends when all are in. What a {@link #push(String, List, int)} joined by its
   * {@link #pull(String, List, int)} does, without the push's own operation, which would wake
   * an I/O worker only to find that it has nothing to send. With 2-bit compression (no
   * PUSHPULL) and under the {@link NaiveEngine}: the push, then the pull.
   */
  @Override
  public void pushPull(String key, List<NDArray> values, List<NDArray> outs, int priority) {
    if (engine instanceof NaiveEngine || compression.type() == GradientCompression.Type.TWO_BIT) {
      push(key, values, priority);
      pull(key, outs, priority);
      return;
    }
    require(key, values, "push values");
    require(key, outs, "pull outputs");
    awaitBlockingPush(key);
    NDArray merged = merge(key, values);
    // the memory's view is taken now, as push's: the engine keeps it until this operation ends
    ByteBuffer data = merged.byteBuffer();
    // a key's earlier unsent push is not joined here: it keeps its own operation, which runs
    // before this one (both write the key's variable)
    pushPullOperation(key, merged.var(), data, pullTargets(key, outs), priority);
  }

  /**
   * Sends to each server holding a range of the key a PUSHPULL of its range of the float32
   * {@code data} of the level-1 sum (ready to read), with fp16 of its float16 form (answered in
   * float16), and returns the requests.
   */
  private List<Sent> sendPushPull(String key, ByteBuffer data) {
    return sendPushPull(key, data, null);
  }

  /** {@link #sendPushPull(String, ByteBuffer)} with a {@link Landing} per route (or null). */
  private List<Sent> sendPushPull(String key, ByteBuffer data, List<Landing> lands) {
    boolean half = compression.type() == GradientCompression.Type.FP16;
    ByteBuffer wire = wireData(key, data, half);
    return sendAll(routes.get(key), Protocol.PUSHPULL, r -> keyAndShape(key, r.shape(), half),
        r -> r.bytes(wire, half ? 2 : Float.BYTES), "PUSHPULL of key '" + key + "'", lands);
  }

  /**
   * Rank 0 sends the optimizer's spec text to every server holding keys, each of which turns it
   * into its own optimizer; every worker then waits at a barrier, so all workers must call this.
   */
  @Override
  public void setOptimizer(Optimizer optimizer) {
    requireOpen();
    Objects.requireNonNull(optimizer, "optimizer");
    if (rank() == 0) {
      String spec = optimizer.spec();
      awaitAll(sendEach(links.keyServers(), Protocol.SET_OPTIMIZER,
          h -> Protocol.writeString(h, spec), "SET_OPTIMIZER '" + spec + "'"));
    }
    barrier();
  }

  /**
   * Refused: the servers update, with the optimizer {@link #setOptimizer} sends them. MXNet's
   * {@code KVStoreDist} keeps a worker's updater but never calls it; refusing says so instead of
   * training without it (decision 0084).
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void setUpdater(Updater updater) {
    Objects.requireNonNull(updater, "updater");
    throw new UnsupportedOperationException(noUpdater(type()));
  }

  /** Why a store of distributed {@code type} takes no updater. */
  static String noUpdater(String type) {
    return "a " + type + " store updates on its servers, which cannot run an updater of this"
        + " process (MXNet's dist workers keep it and never call it): use setOptimizer, whose"
        + " optimizer the servers rebuild from its spec";
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
   * barrier (on the driver's server: every worker's requests to the key servers are answered by
   * then).
   */
  @Override
  public void barrier() {
    requireOpen();
    awaitAllPending();
    links.coordinator().call(Protocol.BARRIER, h -> { }, null, "BARRIER");
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
    links.coordinator().call(Protocol.MESSAGE, h -> Protocol.writeString(h, text), null,
        "MESSAGE");
  }

  /**
   * Waits for pending pushes and pulls, tells every server this worker leaves on purpose, closes
   * the connections and releases the buffers of its level-1 sums. Idempotent.
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
    List<ClientConnection> open = links.all().stream().filter(c -> !c.isBroken()).toList();
    try {
      awaitAll(sendEach(open, Protocol.BYE, h -> { }, "BYE"));
    } catch (KVStoreException e) {
      // leaving anyway; a server treats the closed socket as a departure
    }
    links.all().forEach(ClientConnection::close);
    // the level-1 sums' buffers are this store's own arrays: their memory goes back to the pool
    // now, not when a collector finds them (each would log a leak warning)
    mergeBuffers.values().forEach(NDArray::close);
    mergeBuffers.clear();
    residuals.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** The fields of INIT of a value (or range) of {@code shape} before the (optional) data. */
  private static Consumer<ByteBuf> initFields(String key, Shape shape, boolean withData) {
    return h -> {
      Protocol.writeString(h, key);
      h.writeByte(withData ? Protocol.INIT_HAS_DATA : 0);
      Protocol.writeArrayHeader(h, shape);
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

  /**
   * Copies the VALUE replies of the key's servers into their ranges of every output with one
   * engine write operation.
   */
  private void writeOuts(String key, List<Reply> replies, List<NDArray> outs) {
    List<NDArray> targets = distinct(outs);
    List<Var> writes = new ArrayList<>();
    targets.forEach(t -> writes.add(t.var()));
    List<Route> rs = routes.get(key);
    for (int i = 0; i < rs.size(); i++) {
      requireValue(key, rs.get(i), replies.get(i));
    }
    List<ByteBuffer> dsts = views(targets);
    engine.push("kvstore-pull " + key, () -> {
      for (int i = 0; i < rs.size(); i++) {
        copyValue(replies.get(i), rs.get(i), dsts, null);
      }
    }, List.of(), writes);
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
   * Copies a VALUE reply of {@code route}'s server (float32, or float16 widened) into its range
   * of {@code dsts}, whose arrays' writes the running operation holds, except where the
   * connection read it in place already ({@code landing}, may be null: the first output).
   * Absolute writes only: the replies of a key's servers arrive on their connections' threads
   * and may be copied at once, each into its own range.
   */
  private void copyValue(Reply r, Route route, List<ByteBuffer> dsts, Landing landing) {
    int begin = route.slice().begin();
    int n = route.slice().size();
    boolean inPlace = landing != null && landing.holds(r.data());
    if (inPlace) {
      pullBytesInPlace.addAndGet((long) n * Float.BYTES);
    }
    for (int d = 0; d < dsts.size(); d++) {
      ByteBuffer dst = dsts.get(d);
      // the first output may hold the value already: the connection read it there
      if (d > 0 || !inPlace) {
        if (r.half()) {
          Half.widen(r.data(), dst.asFloatBuffer().slice(begin, n), n);
        } else {
          dst.put(begin * Float.BYTES, r.data(), r.data().position(), n * Float.BYTES);
        }
      }
      pullCopyBytes.addAndGet((long) n * Float.BYTES);
    }
  }

  /**
   * The bytes pulls have written into output arrays so far (copied, or read there in place by
   * the connection), once per distinct array: a level-1 group whose tasks share their weights
   * writes a value once, one whose tasks own their weights K times.
   */
  public long pullCopyBytes() {
    return pullCopyBytes.get();
  }

  /**
   * Of {@link #pullCopyBytes()}, those the connections read straight into an output array
   * ({@link Landing}) instead of a buffer of their own that was then copied.
   */
  long pullBytesInPlace() {
    return pullBytesInPlace.get();
  }

  private static void requireValue(String key, Route route, Reply r) {
    if (r.type() != Protocol.VALUE || !route.shape().equals(r.shape())) {
      throw new KVStoreException("kvstore server " + route.conn().address() + " answered "
          + route.describe("the pull of key '" + key + "'") + " with "
          + (r.shape() == null ? Protocol.typeName(r.type()) : "shape " + r.shape())
          + " instead of a value of shape " + route.shape());
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
    awaitBlockingPush(key);
  }

  /**
   * Waits for the reply to this worker's last blocking {@link #push(String, List)} of {@code
   * key}, if not yet awaited. An asynchronous operation of the key is issued only after it: the
   * server takes one request of a worker per sync round (a second push would be refused), and a
   * pull sent before the round is complete would read the value before its update.
   */
  private void awaitBlockingPush(String key) {
    List<Sent> sent = pendingPushes.remove(key);
    if (sent != null) {
      awaitAll(sent);
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
    return "DistKVStore{type=" + type() + ", server=" + serverAddress()
        + (config.keyServers().isEmpty() ? "" : ", keyServers=" + config.keyServers())
        + ", rank=" + rank() + ", numWorkers=" + numWorkers() + "}";
  }
}
