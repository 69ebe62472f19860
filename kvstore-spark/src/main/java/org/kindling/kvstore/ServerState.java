package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's keys, sync rounds, barrier and optimizer, owned by one thread: every request
 * and connection event is a task on that thread, so requests of one connection are handled in
 * the order they arrived and no state needs a lock. Message listeners run on a second thread so
 * that a listener may call {@link #snapshot()}.
 *
 * <p>Sync round of a key (formats.md §5.3): the first push of a round assigns the merge buffer,
 * later ones add; when W pushes (requests, not distinct workers) have arrived the optimizer
 * updates the stored value from the sum (or the sum is assigned), then every held push is
 * answered, PUSHPULLs with the new value. Replies are written only after the update has
 * finished, so a worker's pull after its push acknowledgement sees the new value.
 *
 * <p>When the last connection of a rank closes, requests that wait for all workers (held
 * pushes, the barrier) fail with an error naming the rank, and new ones fail at once until the
 * rank reconnects: a dead worker makes its peers fail instead of hang.
 */
final class ServerState {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);

  private record Held(Conn conn, long id, boolean pull) {}

  private static final class KeyState {
    final String key;
    final Shape shape;
    NDArray stored;
    NDArray merged;
    final List<Held> held = new ArrayList<>();

    KeyState(String key, Shape shape) {
      this.key = key;
      this.shape = shape;
    }
  }

  private final KVStoreServerConfig config;
  private final ExecutorService thread;
  private final ExecutorService listenerThread;
  private volatile Thread stateThread;
  private final Map<String, KeyState> keys = new LinkedHashMap<>();
  private final List<Request.Barrier> barrierWaiters = new ArrayList<>();
  private final Map<Integer, Integer> liveConnections = new HashMap<>();
  private final Map<Integer, String> departed = new TreeMap<>();
  private Optimizer optimizer;
  /** States to load into the next optimizer rank 0 sets (a resumed job's), or null. */
  private byte[] pendingStates;
  private volatile MessageListener listener;
  private volatile boolean closed;

  ServerState(KVStoreServerConfig config) {
    this.config = config;
    this.thread = Executors.newSingleThreadExecutor(
        r -> stateThread = daemon(r, "kindling-kvstore-state"));
    this.listenerThread = Executors.newSingleThreadExecutor(
        r -> daemon(r, "kindling-kvstore-messages"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  void setListener(MessageListener listener) {
    this.listener = listener;
  }

  /** Queues a request; it is answered with an error if the server is shutting down. */
  void submit(Request r) {
    try {
      thread.execute(() -> handle(r));
    } catch (RejectedExecutionException e) {
      r.release();
      r.conn().error(r.id(), "the kvstore server is shutting down");
    }
  }

  void onConnect(Conn conn) {
    runQuietly(() -> {
      liveConnections.merge(conn.rank(), 1, Integer::sum);
      if (departed.remove(conn.rank()) != null) {
        LOG.info("kvstore server: worker rank {} is back", conn.rank());
      }
    });
  }

  void onDisconnect(Conn conn) {
    runQuietly(() -> {
      int left = liveConnections.merge(conn.rank(), -1, Integer::sum);
      if (left > 0) {
        return;
      }
      liveConnections.remove(conn.rank());
      String why = "worker rank " + conn.rank() + (conn.saidBye()
          ? " closed its store"
          : " disconnected without closing its store (task failed or executor lost?)");
      departed.put(conn.rank(), why);
      if (conn.saidBye()) {
        LOG.info("kvstore server: {}", why);
      } else {
        LOG.warn("kvstore server: {}", why);
      }
      failPending(why);
    });
  }

  private void runQuietly(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down: nothing waits for connection bookkeeping any more
    }
  }

  private void handle(Request r) {
    try {
      if (closed) {
        r.conn().error(r.id(), "the kvstore server is shutting down");
      } else if (r instanceof Request.Init i) {
        init(i);
      } else if (r instanceof Request.Push p) {
        push(p);
      } else if (r instanceof Request.Pull p) {
        pull(p);
      } else if (r instanceof Request.SetOptimizer s) {
        setOptimizer(s);
      } else if (r instanceof Request.Barrier b) {
        barrier(b);
      } else if (r instanceof Request.Message m) {
        message(m);
      } else if (r instanceof Request.Bye b) {
        b.conn().markBye();
        b.conn().ok(b.id());
      }
    } catch (RuntimeException e) {
      LOG.debug("kvstore server: request from {} failed", r.conn(), e);
      r.conn().error(r.id(), describe(e));
    } finally {
      r.release();
    }
  }

  private void init(Request.Init i) {
    KeyState ks = keys.get(i.key());
    if (ks == null) {
      ks = new KeyState(i.key(), i.shape());
      keys.put(i.key(), ks);
    } else if (!ks.shape.equals(i.shape())) {
      throw new IllegalArgumentException(
          "key '" + i.key() + "': INIT has shape " + i.shape() + " but the key was initialized"
              + " with shape " + ks.shape);
    }
    if (i.data() != null && ks.stored == null) {
      // the first init that carries a value wins (rank 0's); later ones only register
      ks.stored = NDArray.ofBytes(i.data().nioBuffer(), DType.FLOAT32, ks.shape);
    }
    i.conn().ok(i.id());
  }

  private KeyState requireValue(String key, String what, Shape shape) {
    KeyState ks = keys.get(key);
    if (ks == null || ks.stored == null) {
      throw new IllegalStateException(
          "key '" + key + "': " + what + " before the key was initialized on the server (every"
              + " worker calls init(key, value) first; rank 0's value is stored)");
    }
    if (shape != null && !ks.shape.equals(shape)) {
      throw new IllegalArgumentException(
          "key '" + key + "': " + what + " has shape " + shape + " but the stored value has shape "
              + ks.shape);
    }
    return ks;
  }

  private void push(Request.Push p) {
    String what = p.pull() ? "PUSHPULL" : "PUSH";
    KeyState ks = requireValue(p.key(), what, p.shape());
    if (config.mode() == SyncMode.ASYNC) {
      if (optimizer == null) {
        throw new IllegalStateException(
            "key '" + p.key() + "': dist_async applies every push with the optimizer, but none is"
                + " set; call setOptimizer before the first push (async mode has no assign"
                + " fallback)");
      }
      accumulate(ks, p.data(), true);
      update(ks, List.of(new Held(p.conn(), p.id(), p.pull())));
      return;
    }
    if (!departed.isEmpty()) {
      throw new IllegalStateException(departedMessage("the sync round of key '" + p.key() + "'"));
    }
    accumulate(ks, p.data(), ks.held.isEmpty());
    ks.held.add(new Held(p.conn(), p.id(), p.pull()));
    if (ks.held.size() >= config.numWorkers()) {
      List<Held> round = List.copyOf(ks.held);
      ks.held.clear();
      update(ks, round);
    }
  }

  /** merged = data (first push of a round) or merged += data. */
  private static void accumulate(KeyState ks, ByteBuf data, boolean first) {
    if (ks.merged == null) {
      ks.merged = NDArray.zeros(ks.shape);
    }
    ks.merged.waitToWrite(); // the previous round's update may still read it
    FloatBuffer dst = ks.merged.floatBuffer();
    FloatBuffer src = data.nioBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    if (first) {
      dst.put(src);
    } else {
      FloatKernels.binary(FloatKernels.Binary.ADD, dst, src, dst, dst.limit());
    }
  }

  /** Applies merged to stored (optimizer or assign), waits for it, then answers {@code held}. */
  private void update(KeyState ks, List<Held> held) {
    try {
      if (optimizer != null) {
        optimizer.update(ks.key, ks.stored, ks.merged);
      } else {
        ks.merged.copyTo(ks.stored);
      }
      ks.stored.waitToRead();
    } catch (RuntimeException e) {
      String msg = "key '" + ks.key + "': the server-side update failed: " + describe(e);
      LOG.error("kvstore server: {}", msg, e);
      for (Held h : held) {
        h.conn().error(h.id(), msg);
      }
      return;
    }
    ByteBuf value = null;
    try {
      for (Held h : held) {
        if (h.pull()) {
          if (value == null) {
            value = encode(ks);
          }
          h.conn().value(h.id(), ks.shape, value.retainedDuplicate());
        } else {
          h.conn().ok(h.id());
        }
      }
    } finally {
      if (value != null) {
        value.release();
      }
    }
  }

  /** A copy of the stored value's bytes (the wire needs little-endian, the host's order). */
  private static ByteBuf encode(KeyState ks) {
    ks.stored.waitToRead();
    ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(ks.shape.intSize() * 4);
    buf.writeBytes(ks.stored.byteBuffer());
    return buf;
  }

  private void pull(Request.Pull p) {
    KeyState ks = requireValue(p.key(), "PULL", null);
    p.conn().value(p.id(), ks.shape, encode(ks));
  }

  private void setOptimizer(Request.SetOptimizer s) {
    if (s.conn().rank() != 0) {
      LOG.debug("kvstore server: ignoring SET_OPTIMIZER from rank {} (rank 0's wins)",
          s.conn().rank());
      s.conn().ok(s.id());
      return;
    }
    Optimizer o;
    try {
      o = config.optimizerFactory().apply(s.spec());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot build the optimizer from spec '" + s.spec() + "': " + describe(e), e);
    }
    if (o == null) {
      throw new IllegalArgumentException("the optimizer factory returned null for '" + s.spec() + "'");
    }
    if (pendingStates != null) {
      try {
        o.loadStates(pendingStates);
      } catch (RuntimeException e) {
        o.close();
        throw new IllegalArgumentException("cannot load the job's optimizer states into "
            + s.spec() + ": " + describe(e), e);
      }
      pendingStates = null;
      LOG.info("kvstore server: optimizer states loaded");
    }
    if (optimizer != null) {
      optimizer.close(); // the server built it from a spec, so the server owns it
    }
    optimizer = o;
    LOG.info("kvstore server: optimizer set by rank 0: {}", s.spec());
    s.conn().ok(s.id());
  }

  private void barrier(Request.Barrier b) {
    if (!departed.isEmpty()) {
      throw new IllegalStateException(departedMessage("the barrier"));
    }
    barrierWaiters.add(b);
    if (barrierWaiters.size() >= config.numWorkers()) {
      for (Request.Barrier w : barrierWaiters) {
        w.conn().ok(w.id());
      }
      barrierWaiters.clear();
    }
  }

  private void message(Request.Message m) {
    MessageListener l = listener;
    if (l == null) {
      LOG.info("kvstore server: message from rank {}: {}", m.conn().rank(), m.text());
      m.conn().ok(m.id());
      return;
    }
    try {
      listenerThread.execute(() -> {
        try {
          l.onMessage(m.conn().rank(), m.text());
          m.conn().ok(m.id());
        } catch (RuntimeException e) {
          String text = m.text().length() <= 120 ? m.text() : m.text().substring(0, 120) + "...";
          LOG.warn("kvstore server: message listener failed on '{}'", text, e);
          m.conn().error(m.id(),
              "the server's message listener failed on '" + text + "': " + describe(e));
        }
      });
    } catch (RejectedExecutionException e) {
      m.conn().error(m.id(), "the kvstore server is shutting down");
    }
  }

  private String departedMessage(String what) {
    return what + " cannot complete: " + String.join("; ", departed.values())
        + " (all " + config.numWorkers() + " workers must take part; restart the job from its"
        + " last checkpoint)";
  }

  /** Fails every request that waits for all workers. */
  private void failPending(String why) {
    for (KeyState ks : keys.values()) {
      if (!ks.held.isEmpty()) {
        String msg = "key '" + ks.key + "': the sync round was abandoned because " + why
            + "; it needs pushes from all " + config.numWorkers() + " workers";
        for (Held h : ks.held) {
          h.conn().error(h.id(), msg);
        }
        ks.held.clear();
      }
    }
    if (!barrierWaiters.isEmpty()) {
      String msg = "the barrier was abandoned because " + why;
      for (Request.Barrier b : barrierWaiters) {
        b.conn().error(b.id(), msg);
      }
      barrierWaiters.clear();
    }
  }

  /** Copies of all stored values, in init order, taken between requests. */
  Map<String, NDArray> snapshot() {
    return onStateThread(this::takeSnapshot, "a kvstore snapshot");
  }

  /** The optimizer's {@code saveStates()}, taken between requests; null if none is set. */
  byte[] optimizerStates() {
    return onStateThread(() -> {
      requireOpen();
      return optimizer == null ? null : optimizer.saveStates();
    }, "saving the optimizer states");
  }

  /** Keeps {@code states} for the optimizer rank 0 sets next. */
  void preloadOptimizerStates(byte[] states) {
    byte[] copy = states.clone();
    onStateThread(() -> {
      requireOpen();
      pendingStates = copy;
      return null;
    }, "keeping the optimizer states");
  }

  /** Runs {@code work} on the state thread (between requests) and returns its result. */
  private <T> T onStateThread(Callable<T> work, String what) {
    if (Thread.currentThread() == stateThread) {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new KVStoreException(what + " failed: " + describe(e), e);
      }
    }
    Future<T> f;
    try {
      f = thread.submit(work);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the kvstore server is closed", e);
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KVStoreException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new KVStoreException(what + " failed: " + describe(e.getCause()), e.getCause());
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the kvstore server is closed");
    }
  }

  private Map<String, NDArray> takeSnapshot() {
    requireOpen();
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (KeyState ks : keys.values()) {
      if (ks.stored != null) {
        out.put(ks.key, ks.stored.copy());
      }
    }
    for (NDArray a : out.values()) {
      a.waitToRead();
    }
    return Collections.unmodifiableMap(out);
  }

  /** Fails waiting requests, stops both threads, then releases the keys' arrays. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true; // queued requests now get a shutting-down error
    runQuietly(() -> failPending("the kvstore server is shutting down"));
    thread.shutdown();
    listenerThread.shutdownNow();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
      listenerThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // NDArray.close waits, through the engine, for updates still reading or writing them
    for (KeyState ks : keys.values()) {
      for (NDArray a : new NDArray[] {ks.stored, ks.merged}) {
        if (a != null) {
          a.close();
        }
      }
    }
    if (optimizer != null) {
      optimizer.close();
    }
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return m != null ? m : e.toString();
  }
}
