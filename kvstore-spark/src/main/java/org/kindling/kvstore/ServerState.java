package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kindling.kvstore.Round.Held;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.StateSlices;
import org.kindling.symbol.optimizer.StateSlices.Slice;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's keys, sync rounds, barrier and optimizer, owned by one serial executor: every
 * request and connection event is a task of it, so requests of one connection are handled in the
 * order they arrived, tasks never overlap and no state needs a lock. The tasks run on the
 * threads that submit them ({@link SerialExecutor}, decision 0077), mostly the Netty I/O
 * threads: the one that decodes a sync round's last push completes the round, runs the update
 * and writes the replies, its own connection's at once; "the state thread" below means whichever
 * thread runs the tasks at the time. Message listeners run on a second thread so that a
 * listener may call {@link #snapshot()}; round deadlines are timed by a third, which only queues
 * them.
 *
 * <p>Sync round of a key (formats.md §5.3): the first push of a round assigns the merge buffer,
 * later ones add; a round takes one push per rank (a repeat is refused) and when all W ranks
 * have pushed the optimizer updates the stored value from the sum (or the sum is assigned), then
 * every held push is answered, PUSHPULLs with the new value. Replies are written only after the
 * update has finished, so a worker's pull after its push acknowledgement sees the new value.
 *
 * <p>Shards (decision 0033): a key is held as parts, one per range its {@link ShardLayout}
 * gives, each with its own value, merge buffer and its shard's optimizer; the update of a key's
 * parts (and the sum of a push buffered whole) run on their shards' threads ({@link ShardPool})
 * while this thread waits, so the rounds stay on this thread alone. The optimizer's engine
 * operations run on the thread that updates the part, not on an engine worker it would wait
 * for (decision 0074).
 *
 * <p>Sums (decision 0036, summing pushes as they arrive): a sync key's round is summed into its
 * parts' merge buffers by one {@link RoundSum}, a large float32 push from its connection's I/O
 * thread as it arrives ({@link PushReceiver}), a push buffered whole part by part on the shards'
 * threads; this thread only counts the pushes into the round.
 *
 * <p>Faults (decision 0023): when a rank's connection closes, requests that wait for all
 * workers (held pushes, the barrier) fail with an error naming the rank, and new ones fail at
 * once until the rank reconnects. A round or barrier that waits longer than {@code
 * roundTimeout} for ranks that are connected but silent fails naming them and the key (a rank
 * whose MESSAGE the driver's listener is still handling is busy, not silent). Every request is
 * answered, whatever a handler throws; an {@link Error} (out of memory, for example) leaves the
 * server's state unknown, so it fails the server for good: every held and later request gets an
 * error naming that cause, and the failure listener (the driver) hears of it at once.
 */
final class ServerState {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);

  /**
   * The elements of a key one shard owns, with their stored value and merge buffer (a sync key's
   * is allocated with its value, since its round's pushes are summed into it as they arrive).
   */
  private static final class Part {
    final Slice slice;
    /** The key's shape if the part is the whole key, else 1-D. */
    final Shape shape;
    NDArray stored;
    NDArray merged;

    Part(Slice slice, Shape shape) {
      this.slice = slice;
      this.shape = shape;
    }
  }

  private static final class KeyState {
    final String key;
    final Shape shape;
    final Round round;
    /** The owners of the key's elements, in element order ({@link ShardLayout}). */
    final List<Slice> slices;
    final List<Part> parts = new ArrayList<>();
    /** The sync round's sum, built in the parts' merge buffers (sync mode, once valued). */
    RoundSum sum;
    /** Updates applied to the key so far. */
    long updates;
    /** {@link System#nanoTime} of the current sync round's first push. */
    long roundStart;
    /**
     * Array bytes of the pushes in the current sync round, counted when the round ends: a
     * worker's push of the next step is not counted while a peer still holds this step (the
     * per-epoch figures read while rank 0 is held stay exact, decision 0062).
     */
    long roundPushed;
    /** Per rank, {@link #updates} when it last read the value (async staleness). */
    final Map<Integer, Long> readAt = new HashMap<>();

    KeyState(String key, Shape shape, ShardLayout layout, ServerTraffic traffic) {
      this.key = key;
      this.shape = shape;
      this.round = new Round("the sync round of key '" + key + "'", () -> {
        if (sum != null) {
          sum.reset();
        }
        // the bytes of a failed round did cross the wire
        traffic.pushed(key, roundPushed);
        roundPushed = 0;
      });
      this.slices = layout.slices(key, shape.intSize());
      for (Slice s : slices) {
        parts.add(new Part(s, slices.size() == 1 ? shape : Shape.of(s.size())));
      }
    }

    boolean hasValue() {
      return parts.get(0).stored != null;
    }
  }

  private final KVStoreServerConfig config;
  private final ServerTraffic traffic;
  /** Runs the state's tasks one at a time, on the threads that submit them. */
  private final SerialExecutor thread = new SerialExecutor();
  /** Times round deadlines; what it runs only queues a task on {@link #thread}. */
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService listenerThread;
  private final Map<String, KeyState> keys = new LinkedHashMap<>();
  private final Round barrier = new Round("the barrier", () -> {});
  /** The keys' round sums, for the I/O threads' {@link PushReceiver}s. */
  private final Map<String, RoundSum> sums = new ConcurrentHashMap<>();
  private final Ranks ranks = new Ranks();
  private final ShardLayout layout;
  private final ShardPool shards;
  /**
   * Buffers for summing buffered pushes, one per index of a key's parts: the i-th part's task
   * uses the i-th (a key's parts run at once, and one key at a time).
   */
  private final RoundSum.Scratch[] scratches;
  /** Per shard its optimizer (MXNet's servers each keep their own), or null before one is set. */
  private Optimizer[] optimizers;
  /** States to load into the next optimizer rank 0 sets (a resumed job's), or null. */
  private byte[] pendingStates;
  private volatile MessageListener listener;
  private volatile Consumer<Throwable> failureListener;
  /** The Error that failed the server for good, or null. */
  private volatile Throwable fatal;
  private volatile String fatalMessage;
  private volatile boolean closed;
  /** The keys' arrays were freed ({@link #close}). */
  private boolean released;

  ServerState(KVStoreServerConfig config, ServerTraffic traffic) {
    this.config = config;
    this.traffic = traffic;
    this.layout = new ShardLayout(config.serverShards(), config.bigArrayBound());
    this.shards = new ShardPool(config.serverShards());
    this.scratches = new RoundSum.Scratch[config.serverShards()];
    for (int i = 0; i < scratches.length; i++) {
      scratches[i] = new RoundSum.Scratch();
    }
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
        r -> daemon(r, "kindling-kvstore-timer"));
    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() does not wait for them
    this.timer = t;
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

  void setFailureListener(Consumer<Throwable> failureListener) {
    this.failureListener = failureListener;
  }

  /** The Error that failed the server, or null. */
  Throwable failure() {
    return fatal;
  }

  /** Queues a request; it is answered with an error if the server is shutting down. */
  void submit(Request r) {
    traffic.enqueued();
    try {
      thread.execute(() -> handle(r));
    } catch (RejectedExecutionException e) {
      traffic.dequeued();
      r.release();
      r.conn().error(r.id(), "the kvstore server is shutting down");
    }
  }

  /**
   * The round sum a push of {@code key} with {@code shape} may be summed into as it arrives, or
   * null (async mode, no such key or value yet, another shape, the server closed or failed).
   * Called on the I/O threads.
   */
  RoundSum sumFor(String key, Shape shape) {
    if (fatal != null || closed) {
      return null;
    }
    RoundSum s = sums.get(key);
    return s != null && s.shape().equals(shape) ? s : null;
  }

  /**
   * Called on the I/O thread at login: makes {@code conn} its rank's one live connection.
   *
   * @return null if it is in, else the connection that already holds the rank
   */
  Conn claim(Conn conn) {
    return ranks.claim(conn);
  }

  void onConnect(Conn conn) {
    runQuietly(() -> {
      if (ranks.connected(conn)) {
        LOG.info("kvstore server: worker rank {} is back", conn.rank());
      }
    });
  }

  void onDisconnect(Conn conn) {
    // queued before the rank is released, so a new connection of the rank is seen as connected
    // only after this one's held requests have failed
    runQuietly(() -> {
      String why = ranks.disconnected(conn);
      if (why == null) {
        return;
      }
      if (conn.saidBye()) {
        LOG.info("kvstore server: {}", why);
      } else {
        LOG.warn("kvstore server: {}", why);
      }
      failPending(why);
    });
    ranks.release(conn);
  }

  /**
   * Runs {@code task} on the state thread; bookkeeping never throws, so anything it throws
   * fails the server.
   */
  private void runQuietly(Runnable task) {
    try {
      thread.execute(() -> {
        try {
          task.run();
        } catch (Throwable t) {
          failFatally(t, "connection bookkeeping");
        }
      });
    } catch (RejectedExecutionException e) {
      // shutting down: nothing waits for connection bookkeeping any more
    }
  }

  private void handle(Request r) {
    try {
      if (fatal != null) {
        r.conn().error(r.id(), fatalMessage);
      } else if (closed) {
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
      } else if (r instanceof Request.States s) {
        states(s);
      } else if (r instanceof Request.Listener l) {
        markListener(l);
      } else if (r instanceof Request.Traffic t) {
        t.conn().traffic(t.id(), traffic.snapshot());
      } else if (r instanceof Request.Bye b) {
        b.conn().markBye();
        ranks.release(b.conn()); // a restarted worker of this rank may log in right away
        b.conn().ok(b.id());
      }
    } catch (Throwable e) {
      if (isFatal(e)) {
        failFatally(e, Protocol.typeName(typeOf(r)) + " from " + r.conn());
        r.conn().error(r.id(), fatalMessage);
      } else {
        LOG.debug("kvstore server: request from {} failed", r.conn(), e);
        r.conn().error(r.id(), describe(e));
      }
    } finally {
      traffic.dequeued();
      r.release();
    }
  }

  /** The frame type of {@code r}, for messages. */
  static byte typeOf(Request r) {
    if (r instanceof Request.Init) {
      return Protocol.INIT;
    } else if (r instanceof Request.Push p) {
      return p.pull() ? Protocol.PUSHPULL : p.twoBit() ? Protocol.PUSH_2BIT : Protocol.PUSH;
    } else if (r instanceof Request.Pull p) {
      return p.half() ? Protocol.PULL_F16 : Protocol.PULL;
    } else if (r instanceof Request.SetOptimizer) {
      return Protocol.SET_OPTIMIZER;
    } else if (r instanceof Request.Barrier) {
      return Protocol.BARRIER;
    } else if (r instanceof Request.Message) {
      return Protocol.MESSAGE;
    } else if (r instanceof Request.States) {
      return Protocol.STATES;
    } else if (r instanceof Request.Listener) {
      return Protocol.LISTENER;
    } else if (r instanceof Request.Traffic) {
      return Protocol.TRAFFIC;
    }
    return Protocol.BYE;
  }

  /** An Error anywhere in the cause chain: the server's state can no longer be trusted. */
  static boolean isFatal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Error) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * Fails the server for good: remembers the cause, fails every held request with it and tells
   * the failure listener. Runs on the state thread; only the first cause counts.
   */
  private void failFatally(Throwable t, String during) {
    if (recordFatal(t, during)) {
      failHeld();
      tellFailureListener();
    }
  }

  /**
   * Fails the server for good from an I/O thread, where an {@link Error} met an authenticated
   * connection's bytes outside the state's tasks (summing a push as it arrived, buffering a
   * frame): from now on every request is answered with an error naming the cause, the requests
   * held in rounds and the barrier get it from a state task queued here (ahead of the
   * connection's departure, so that the peers hear the cause, not "rank r disconnected"), and
   * the failure listener hears of it at once, on this thread. Only the first cause counts.
   *
   * @return the message every request gets from now on (the first cause's)
   */
  String failFromIo(Throwable t, String during) {
    if (recordFatal(t, during)) {
      try {
        thread.execute(this::failHeld);
      } catch (RejectedExecutionException e) {
        // shutting down: stop() fails the held requests
      }
      tellFailureListener();
    }
    return fatalMessage;
  }

  /**
   * Makes {@code t} (its first {@link Error} in the cause chain, else its root) the server's
   * fatal cause unless one is already set; thread-safe, since the state's tasks and the I/O
   * threads may meet Errors at once.
   *
   * @return true if {@code t} became the cause
   */
  private synchronized boolean recordFatal(Throwable t, String during) {
    if (fatal != null) {
      return false;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root && !(root instanceof Error)) {
      root = root.getCause();
    }
    // the message first: a thread that sees fatal set reads it next
    fatalMessage = "the kvstore server failed with " + root + " while handling " + during
        + "; its state is lost, so the job cannot go on (restart it from its last checkpoint;"
        + " for memory errors give the driver more memory or direct memory)";
    fatal = root;
    LOG.error("kvstore server: {}", fatalMessage, t);
    return true;
  }

  /** Fails every held request with the fatal cause; never throws. On the state thread. */
  private void failHeld() {
    try {
      for (KeyState ks : keys.values()) {
        ks.round.fail("key '" + ks.key + "': " + fatalMessage);
      }
      barrier.fail(fatalMessage);
    } catch (Throwable again) {
      LOG.error("kvstore server: could not fail the held requests", again);
    }
  }

  private void tellFailureListener() {
    Consumer<Throwable> l = failureListener;
    if (l != null) {
      try {
        l.accept(new KVStoreException(fatalMessage, fatal));
      } catch (Throwable e) {
        LOG.error("kvstore server: the failure listener failed", e);
      }
    }
  }

  private void init(Request.Init i) {
    KeyState ks = keys.get(i.key());
    if (ks == null) {
      ks = new KeyState(i.key(), i.shape(), layout, traffic);
      keys.put(i.key(), ks);
    } else if (!ks.shape.equals(i.shape())) {
      throw new IllegalArgumentException(
          "key '" + i.key() + "': INIT has shape " + i.shape() + " but the key was initialized"
              + " with shape " + ks.shape);
    }
    if (i.data() != null && !ks.hasValue()) {
      // the first init that carries a value wins (rank 0's); later ones only register
      ByteBuffer data = i.data().nioBuffer();
      for (Part part : ks.parts) {
        part.stored = NDArray.ofBytes(bytesOf(data, part.slice), DType.FLOAT32, part.shape);
      }
      if (config.mode() == SyncMode.SYNC) {
        List<FloatBuffer> buffers = new ArrayList<>();
        for (Part part : ks.parts) {
          part.merged = NDArray.zeros(part.shape);
          part.merged.waitToWrite();
          buffers.add(part.merged.floatBuffer());
        }
        ks.sum = new RoundSum(ks.shape, buffers);
        sums.put(ks.key, ks.sum);
      }
    }
    i.conn().ok(i.id());
  }

  private KeyState requireValue(String key, String what, Shape shape) {
    KeyState ks = keys.get(key);
    if (ks == null || !ks.hasValue()) {
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
    String what = p.pull() ? "PUSHPULL" : p.twoBit() ? "PUSH_2BIT" : "PUSH";
    KeyState ks = requireValue(p.key(), what, p.shape());
    Held held = new Held(p.conn(), p.id(), p.pull(), p.half());
    if (config.mode() == SyncMode.ASYNC) {
      traffic.pushed(p.key(), p.bytes());
      if (optimizers == null) {
        throw new IllegalStateException(
            "key '" + p.key() + "': dist_async applies every push with the optimizer, but none is"
                + " set; call setOptimizer before the first push (async mode has no assign"
                + " fallback)");
      }
      // staleness: the updates applied since this worker last read the key
      traffic.asyncPush(p.key(), ks.updates - ks.readAt.getOrDefault(p.conn().rank(), 0L));
      assign(ks, p);
      update(ks, List.of(held), 0);
      return;
    }
    RoundSum.Contribution summed = p.summed();
    if (summed != null && !summed.isCurrent()) {
      throw new IllegalStateException("key '" + p.key() + "': the sync round this push arrived"
          + " for was abandoned while it arrived (see the error of the round's other pushes)");
    }
    try {
      joinRound(ks.round, held);
    } catch (RuntimeException e) {
      traffic.pushed(p.key(), p.bytes()); // refused, but it crossed the wire
      if (summed != null) {
        ks.round.fail("key '" + p.key() + "': the sync round was abandoned: " + describe(e));
      }
      throw e;
    }
    ks.roundPushed += p.bytes();
    if (summed == null) {
      sumBuffered(ks, p);
    }
    if (ks.round.isEmpty()) {
      ks.roundStart = System.nanoTime();
    }
    addToRound(ks.round, held);
    if (ks.round.size() == config.numWorkers()) {
      // the round's pushes are counted as it ends, before any reply (the pulled bytes too)
      traffic.pushed(ks.key, ks.roundPushed);
      ks.roundPushed = 0;
      try {
        update(ks, ks.round.take(), System.nanoTime() - ks.roundStart);
      } finally {
        ks.sum.nextRound(mergeBuffers(ks));
      }
    }
  }

  /** The key's parts' merge buffers, in element order (they change when an update swaps). */
  private static List<FloatBuffer> mergeBuffers(KeyState ks) {
    List<FloatBuffer> out = new ArrayList<>(ks.parts.size());
    for (Part part : ks.parts) {
      out.add(part.merged.floatBuffer());
    }
    return out;
  }

  /**
   * Adds a push that was buffered whole (small, 2-bit, float16, or declined by the receiver),
   * each part on its shard's thread.
   */
  private void sumBuffered(KeyState ks, Request.Push p) {
    int rank = p.conn().rank();
    // scratches[0] only for the contribution's in-order writes, which a buffered push never makes
    RoundSum.Contribution c = ks.sum.begin(rank, scratches[0]);
    if (c == null) {
      // its earlier push of this round is still arriving, summed as it comes
      throw new IllegalStateException(ks.round.what() + " already has a push of worker rank "
          + rank + " arriving; a worker takes part in a round once: await the acknowledgement"
          + " before sending the next one");
    }
    RoundSum.Values values = valuesOf(p);
    try {
      shards.run(ks.key, ks.slices, i -> c.writePart(i, values, scratches[i]));
    } catch (RuntimeException | Error e) {
      // part of it may be in the sum: the round's sum is lost (its reset drops it) with the round
      ks.round.fail("key '" + p.key() + "': the sync round was abandoned: " + describe(e));
      throw e;
    }
  }

  /** Refuses a request that cannot join {@code round}: a rank departed, or a repeat. */
  private void joinRound(Round round, Held held) {
    if (ranks.anyDeparted()) {
      throw new IllegalStateException(departedMessage(round.what()));
    }
    int rank = held.conn().rank();
    if (round.has(rank)) {
      // MXNet's worker never sends a key's next push before the last one is answered; a
      // repeat would complete the round for a silent peer (decision 0023)
      throw new IllegalStateException(round.what() + " already holds a request of worker rank "
          + rank + " (round " + (round.number() + 1) + ", waiting for "
          + ranks.describe(round.missing(config.numWorkers())) + "); a worker takes part in a"
          + " round once: await the acknowledgement before sending the next one");
    }
  }

  /**
   * Adds {@code held} to {@code round}; its first request starts the round's time, which a
   * deadline task judges (one is armed unless one is armed already, decision 0077).
   */
  private void addToRound(Round round, Held held) {
    if (round.add(held) && config.numWorkers() > 1 && !round.armed()) {
      armDeadline(round, config.roundTimeout().toNanos());
    }
  }

  /** Schedules {@code round}'s deadline task in {@code nanos}; the timer queues it here. */
  private void armDeadline(Round round, long nanos) {
    timer.schedule(() -> {
      try {
        thread.execute(() -> {
          try {
            onDeadline(round);
          } catch (Throwable t) {
            failFatally(t, "the deadline of " + round.what());
          }
        });
      } catch (RejectedExecutionException e) {
        // shutting down: the held requests are failed by stop()
      }
    }, nanos, TimeUnit.NANOSECONDS);
    round.armed(true); // after the schedule, which a closed server refuses
  }

  /**
   * A deadline task fired: if the current round has waited {@code roundTimeout}, unless a
   * missing rank is only waiting for the driver's listener (rank 0 while the driver writes a
   * checkpoint) or came back from it within the last {@code roundTimeout}, it fails naming
   * them; a round with time left re-arms the task for it.
   */
  private void onDeadline(Round round) {
    round.armed(false);
    if (round.isEmpty()) {
      return; // the round it was armed for ended, and no other has started
    }
    long timeout = config.roundTimeout().toNanos();
    long waited = System.nanoTime() - round.start();
    if (waited < timeout) {
      armDeadline(round, timeout - waited); // armed for an earlier round: this one has time
      return;
    }
    List<Integer> missing = round.missing(config.numWorkers());
    // a rank back from the listener gets a whole roundTimeout for its reply and its push
    if (ranks.anyBusy(missing, config.roundTimeout().toNanos())) {
      armDeadline(round, timeout);
      return;
    }
    String msg = round.what() + " waited " + config.roundTimeout().toMillis() + " ms"
        + " (KVStoreServerConfig.roundTimeout) for worker " + ranks.describe(missing)
        + " after rank(s) " + round.present() + " had sent theirs; a worker that stops taking part"
        + " (stuck, or out of step with its peers) fails the round; restart the job from its last"
        + " checkpoint";
    LOG.warn("kvstore server: {}", msg);
    round.fail(msg);
  }

  /**
   * merged = pushed (async mode), each part on its shard's thread: the float32 data, widened from
   * float16, or the dequantized 2-bit codes of a PUSH_2BIT (MXNet's server dequantizes, then
   * merges).
   */
  private void assign(KeyState ks, Request.Push p) {
    RoundSum.Values values = valuesOf(p);
    shards.run(ks.key, ks.slices, i -> {
      Part part = ks.parts.get(i);
      if (part.merged == null) {
        part.merged = NDArray.zeros(part.shape);
      }
      part.merged.waitToWrite(); // the previous update may still read it
      values.read(part.slice.begin(), part.merged.floatBuffer(), part.slice.size());
    });
  }

  /**
   * The float32 values of a push buffered whole, by element range: its data as float32, widened
   * from float16, or dequantized from 2-bit codes (from any code within a byte, where a range of
   * a split key may begin). Safe to read from several threads at once.
   */
  private static RoundSum.Values valuesOf(Request.Push p) {
    ByteBuffer data = p.data().nioBuffer();
    if (p.twoBit()) {
      float threshold = p.threshold();
      return (from, dst, n) -> TwoBitCodec.dequantize(data, from, dst, n, threshold, false);
    }
    if (p.half()) {
      return (from, dst, n) -> Half.widen(data.slice(data.position() + 2 * from, 2 * n), dst, n);
    }
    return (from, dst, n) -> dst.put(0, bytesOf(data, from, n)
        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), 0, n);
  }

  /** The float32 bytes of {@code slice}'s elements within a key's whole value {@code data}. */
  private static ByteBuffer bytesOf(ByteBuffer data, Slice slice) {
    return bytesOf(data, slice.begin(), slice.size());
  }

  /** The float32 bytes of elements {@code [from, from + n)} of a key's whole value {@code data}. */
  private static ByteBuffer bytesOf(ByteBuffer data, int from, int n) {
    return data.slice(data.position() + from * 4, n * 4);
  }

  /**
   * Applies merged to stored (optimizer or assign), waits for it, then answers {@code held}.
   * Every held request is answered, whatever fails.
   *
   * @param waitNanos how long the sync round waited from its first push to its last
   */
  private void update(KeyState ks, List<Held> held, long waitNanos) {
    try {
      Optimizer[] opts = optimizers;
      shards.run(ks.key, ks.slices, i -> {
        Part part = ks.parts.get(i);
        if (opts != null) {
          // this thread waits for the update right after: run its operation here rather than
          // hand it to an engine worker and park until it is back (decision 0074)
          Optimizer o = opts[part.slice.owner()];
          part.stored.engine().runOnCaller(() -> o.update(ks.key, part.stored, part.merged));
        } else {
          // the sum becomes the value: swap the arrays instead of copying the sum (a whole
          // pass over the key per round); the old value's memory is the next round's merge
          // buffer, which the round's first contribution assigns before any add
          NDArray value = part.merged;
          part.merged = part.stored;
          part.stored = value;
        }
        part.stored.waitToRead();
        part.merged.waitToWrite(); // nothing reads it any more: the next round may sum into it
      });
      ks.updates++;
      traffic.updated(ks.key, waitNanos);
    } catch (Throwable e) {
      String msg;
      if (isFatal(e)) {
        failFatally(e, "the update of key '" + ks.key + "'");
        msg = "key '" + ks.key + "': " + fatalMessage;
      } else {
        msg = "key '" + ks.key + "': the server-side update failed: " + describe(e);
        LOG.error("kvstore server: {}", msg, e);
      }
      for (Held h : held) {
        h.conn().error(h.id(), msg);
      }
      return;
    }
    ByteBuf value = null;
    ByteBuf half = null;
    int answered = 0;
    try {
      for (Held h : held) {
        if (h.pull() && !h.half() && value == null) {
          value = config.mode() == SyncMode.SYNC ? view(ks) : encode(ks, false);
        } else if (h.pull() && h.half() && half == null) {
          half = encode(ks, true);
        }
      }
      // counted before the first reply, so a worker that hears back sees every reply counted
      for (Held h : held) {
        if (h.pull()) {
          traffic.pulled(ks.key, (h.half() ? half : value).readableBytes());
        }
      }
      for (Held h : held) {
        if (h.pull()) {
          h.conn().value(h.id(), h.half() ? DType.FLOAT16 : DType.FLOAT32, ks.shape,
              (h.half() ? half : value).retainedDuplicate());
          ks.readAt.put(h.conn().rank(), ks.updates);
        } else {
          h.conn().ok(h.id());
        }
        answered++;
      }
    } catch (Throwable e) {
      // the update is done, but its value cannot be sent (no direct memory for the copy)
      if (isFatal(e)) {
        failFatally(e, "the reply to the sync round of key '" + ks.key + "'");
      }
      String msg = "key '" + ks.key + "': " + (fatal != null ? fatalMessage
          : "the server could not send the updated value: " + describe(e));
      for (Held h : held.subList(answered, held.size())) {
        h.conn().error(h.id(), msg);
      }
    } finally {
      for (ByteBuf b : new ByteBuf[] {value, half}) {
        if (b != null) {
          b.release();
        }
      }
    }
  }

  /**
   * The stored value's bytes in element order, without a copy: the parts' own memory, which the
   * W replies of a sync round write to their sockets (the wire's little-endian is the host's
   * order, as in {@link #encode}). Safe only for a sync round's replies (decision 0047,
   * amended): nothing writes the stored value before the next round's update, and nothing writes
   * its memory as a merge buffer (after that update's swap) before the round after; both need
   * every rank's next push, which a worker sends only once it has this reply (its push's
   * acknowledgement), so every reply has left before the memory changes. A worker that pushed
   * again before reading its reply would only tear its own reply. The arrays outlive the
   * sockets: {@link KVStoreServer#close} closes the connections before {@link #close} frees
   * them.
   */
  private static ByteBuf view(KeyState ks) {
    ByteBuffer[] parts = new ByteBuffer[ks.parts.size()];
    for (int i = 0; i < parts.length; i++) {
      Part part = ks.parts.get(i);
      part.stored.waitToRead();
      parts[i] = part.stored.byteBuffer();
    }
    return Unpooled.wrappedBuffer(parts);
  }

  /**
   * A copy of the stored value's bytes assembled from its parts in element order (the wire needs
   * little-endian, the host's order), or with {@code half} its values rounded to float16.
   */
  private static ByteBuf encode(KeyState ks, boolean half) {
    int n = ks.shape.intSize();
    ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(n * (half ? 2 : 4));
    for (Part part : ks.parts) {
      part.stored.waitToRead();
      if (half) {
        Half.narrow(part.stored.floatBuffer(), buf.nioBuffer(2 * part.slice.begin(),
            2 * part.slice.size()), part.slice.size());
      } else {
        buf.writeBytes(part.stored.byteBuffer());
      }
    }
    if (half) {
      buf.writerIndex(2 * n);
    }
    return buf;
  }

  private void pull(Request.Pull p) {
    KeyState ks = requireValue(p.key(), p.half() ? "PULL_F16" : "PULL", null);
    ByteBuf value = encode(ks, p.half());
    if (!p.conn().controller()) { // the driver's checkpoint reads are not the workers' traffic
      traffic.pulled(ks.key, value.readableBytes());
    }
    ks.readAt.put(p.conn().rank(), ks.updates);
    p.conn().value(p.id(), p.half() ? DType.FLOAT16 : DType.FLOAT32, ks.shape, value);
  }

  private void setOptimizer(Request.SetOptimizer s) {
    if (s.conn().rank() != 0) {
      LOG.debug("kvstore server: ignoring SET_OPTIMIZER from rank {} (rank 0's wins)",
          s.conn().rank());
      s.conn().ok(s.id());
      return;
    }
    Optimizer[] built = new Optimizer[layout.shards()];
    try {
      for (int i = 0; i < built.length; i++) {
        built[i] = buildOptimizer(s.spec());
      }
      if (pendingStates != null) {
        loadStates(built, s.spec());
        pendingStates = null;
        LOG.info("kvstore server: optimizer states loaded");
      }
    } catch (RuntimeException e) {
      closeAll(built);
      throw e;
    }
    closeAll(optimizers); // the server built them from a spec, so the server owns them
    optimizers = built;
    LOG.info("kvstore server: optimizer set by rank 0: {}", s.spec());
    s.conn().ok(s.id());
  }

  private Optimizer buildOptimizer(String spec) {
    Optimizer o;
    try {
      o = config.optimizerFactory().apply(spec);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot build the optimizer from spec '" + spec + "': " + describe(e), e);
    }
    if (o == null) {
      throw new IllegalArgumentException("the optimizer factory returned null for '" + spec + "'");
    }
    return o;
  }

  /**
   * Loads the pending states, cut into each shard's share of the keys ({@link StateSlices}).
   *
   * @return the file's keys, in its order
   */
  private void loadStates(Optimizer[] built, String spec) {
    try {
      if (built.length == 1) {
        built[0].loadStates(pendingStates);
        return;
      }
      byte[][] perShard = StateSlices.split(pendingStates, built.length, layout);
      for (int i = 0; i < built.length; i++) {
        built[i].loadStates(perShard[i]);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot load the job's optimizer states into "
          + spec + ": " + describe(e), e);
    }
  }

  private static void closeAll(Optimizer[] opts) {
    if (opts == null) {
      return;
    }
    for (Optimizer o : opts) {
      if (o != null) {
        o.close();
      }
    }
  }

  private void barrier(Request.Barrier b) {
    Held held = new Held(b.conn(), b.id(), false, false);
    joinRound(barrier, held);
    addToRound(barrier, held);
    if (barrier.size() == config.numWorkers()) {
      for (Held h : barrier.take()) {
        h.conn().ok(h.id());
      }
    }
  }

  private void message(Request.Message m) {
    MessageListener l = listener;
    if (l == null) {
      LOG.info("kvstore server: message from rank {}: {}", m.conn().rank(), m.text());
      m.conn().ok(m.id());
      return;
    }
    int rank = m.conn().rank();
    try {
      // a rank inside the listener is busy, not silent: round deadlines wait for it
      ranks.enterListener(rank);
      listenerThread.execute(() -> {
        try {
          l.onMessage(rank, m.text());
          m.conn().ok(m.id());
        } catch (Throwable e) {
          String text = m.text().length() <= 120 ? m.text() : m.text().substring(0, 120) + "...";
          LOG.warn("kvstore server: message listener failed on '{}'", text, e);
          m.conn().error(m.id(),
              "the server's message listener failed on '" + text + "': " + describe(e));
        } finally {
          runQuietly(() -> ranks.leaveListener(rank));
        }
      });
    } catch (RejectedExecutionException e) {
      ranks.leaveListener(rank);
      m.conn().error(m.id(), "the kvstore server is shutting down");
    }
  }

  private String departedMessage(String what) {
    return what + " cannot complete: " + ranks.departures()
        + " (all " + config.numWorkers() + " workers must take part; restart the job from its"
        + " last checkpoint)";
  }

  /** Fails every request that waits for all workers. */
  private void failPending(String why) {
    for (KeyState ks : keys.values()) {
      if (!ks.round.isEmpty()) {
        ks.round.fail("key '" + ks.key + "': the sync round was abandoned because " + why
            + "; it needs pushes from all " + config.numWorkers() + " workers");
      }
    }
    if (!barrier.isEmpty()) {
      barrier.fail("the barrier was abandoned because " + why);
    }
  }

  /** Copies of all stored values, in init order, taken between requests. */
  Map<String, NDArray> snapshot() {
    return onStateThread(this::takeSnapshot, "a kvstore snapshot");
  }

  /**
   * The optimizer's {@code saveStates()}, taken between requests; null if none is set. With
   * several shards, their files joined into the one a single optimizer would have written.
   */
  byte[] optimizerStates() {
    return onStateThread(() -> {
      requireOpen();
      if (optimizers == null) {
        return null;
      }
      if (optimizers.length == 1) {
        return optimizers[0].saveStates();
      }
      List<byte[]> perShard = new ArrayList<>();
      for (Optimizer o : optimizers) {
        perShard.add(o.saveStates());
      }
      // one file in the layout a single optimizer writes (formats.md §3.8)
      return StateSlices.join(perShard,
          key -> keys.containsKey(key) ? keys.get(key).shape : null, layout);
    }, "saving the optimizer states");
  }

  /**
   * The controller's LISTENER: on a key server, which never sees the workers' messages, a rank
   * whose epoch's checkpoint the driver writes is busy, not silent, as on the driver's server.
   */
  private void markListener(Request.Listener l) {
    if (l.rank() < 0 || l.rank() >= config.numWorkers()) {
      throw new IllegalArgumentException("LISTENER: rank " + l.rank() + " is outside [0, "
          + config.numWorkers() + ")");
    }
    if (l.inside()) {
      ranks.enterListener(l.rank());
    } else {
      ranks.leaveListener(l.rank());
    }
    l.conn().ok(l.id());
  }

  /** Answers the controller's STATES, unless the file would not fit in a frame. */
  private void states(Request.States s) {
    byte[] states = optimizerStates();
    if (states != null && states.length > config.maxFrameBytes() - FrameLimits.HEADER_BYTES) {
      throw new IllegalStateException("the optimizer states of this server are " + states.length
          + " bytes, more than a frame holds (KVStoreServerConfig.maxFrameBytes="
          + config.maxFrameBytes() + ")");
    }
    s.conn().states(s.id(), states);
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
    if (thread.inside()) {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new KVStoreException(what + " failed: " + describe(e), e);
      }
    }
    FutureTask<T> f = new FutureTask<>(work);
    try {
      thread.execute(f); // runs it here and now unless another thread runs the state's tasks
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
    if (fatal != null) {
      throw new KVStoreException(fatalMessage, fatal);
    }
  }

  private Map<String, NDArray> takeSnapshot() {
    requireOpen();
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (KeyState ks : keys.values()) {
      if (ks.hasValue()) {
        out.put(ks.key, wholeCopy(ks));
      }
    }
    for (NDArray a : out.values()) {
      a.waitToRead();
    }
    return Collections.unmodifiableMap(out);
  }

  /** A copy of the key's value in its shape, assembled from its parts. */
  private static NDArray wholeCopy(KeyState ks) {
    if (ks.parts.size() == 1) {
      return ks.parts.get(0).stored.copy();
    }
    NDArray out = NDArray.empty(ks.shape);
    ByteBuffer dst = out.byteBuffer();
    for (Part part : ks.parts) {
      part.stored.waitToRead();
      dst.put(part.slice.begin() * 4, part.stored.byteBuffer(), 0, part.slice.size() * 4);
    }
    return out;
  }

  /**
   * Fails waiting requests, stops both threads, then releases the keys' arrays. Idempotent. The
   * server closes its connections first ({@link #stop}): a sync round's replies are written from
   * the stored arrays themselves ({@link #view}).
   */
  void close() {
    stop();
    if (released) {
      return;
    }
    released = true;
    // NDArray.close waits, through the engine, for updates still reading or writing them
    for (KeyState ks : keys.values()) {
      for (Part part : ks.parts) {
        for (NDArray a : new NDArray[] {part.stored, part.merged}) {
          if (a != null) {
            a.close();
          }
        }
      }
    }
    closeAll(optimizers);
  }

  /**
   * Fails waiting requests and stops both threads and every write into the merge buffers; the
   * arrays stay until {@link #close}. Idempotent.
   */
  void stop() {
    if (closed) {
      return;
    }
    closed = true; // queued requests now get a shutting-down error
    runQuietly(() -> failPending("the kvstore server is shutting down"));
    thread.shutdown();
    timer.shutdownNow();
    listenerThread.shutdownNow();
    try {
      if (!thread.awaitIdle(10, TimeUnit.SECONDS)) {
        LOG.warn("kvstore server: a state task was still running 10 s after close");
      }
      listenerThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shards.close(); // after the state thread, which hands parts to them
    // no I/O thread sums into a merge buffer from here on
    for (RoundSum sum : sums.values()) {
      sum.close();
    }
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return m != null ? m : e.toString();
  }
}
