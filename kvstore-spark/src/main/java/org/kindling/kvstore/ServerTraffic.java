package org.kindling.kvstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters: every byte read from and written to worker sockets (frames with
 * their headers, handshakes and heartbeats included); per key the array bytes pushed (PUSH,
 * PUSHPULL) and pulled (the VALUE replies), the updates applied, the time sync rounds waited
 * for their last push, and in async mode the staleness of each push (the updates applied to the
 * key since the pushing worker last read it); the depth of the state thread's request queue as
 * each request arrives. Counters only grow (the maxima are since the start); a caller takes two
 * {@link #snapshot()}s and subtracts to get one step's figures.
 */
final class ServerTraffic {
  private static final int PUSHED = 0;
  private static final int PULLED = 1;
  private static final int UPDATES = 2;
  private static final int WAIT_NANOS = 3;
  private static final int ASYNC_PUSHES = 4;
  private static final int STALENESS = 5;

  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final Map<String, LongAdder[]> perKey = new ConcurrentHashMap<>();
  private final Map<String, Long> maxStaleness = new ConcurrentHashMap<>();
  /** Requests submitted to the state thread and not yet handled. */
  private final AtomicLong queued = new AtomicLong();
  private final LongAdder requests = new LongAdder();
  private final LongAdder queueDepthSum = new LongAdder();
  private final AtomicLong queueDepthMax = new AtomicLong();

  void received(long bytes) {
    received.add(bytes);
  }

  void sent(long bytes) {
    sent.add(bytes);
  }

  void pushed(String key, long bytes) {
    counters(key)[PUSHED].add(bytes);
  }

  void pulled(String key, long bytes) {
    counters(key)[PULLED].add(bytes);
  }

  /** An update of {@code key} was applied; its sync round waited {@code waitNanos} (async: 0). */
  void updated(String key, long waitNanos) {
    LongAdder[] c = counters(key);
    c[UPDATES].increment();
    c[WAIT_NANOS].add(waitNanos);
  }

  void asyncPush(String key, long staleness) {
    LongAdder[] c = counters(key);
    c[ASYNC_PUSHES].increment();
    c[STALENESS].add(staleness);
    maxStaleness.merge(key, staleness, Math::max);
  }

  /** A request joins the state thread's queue; its depth then (itself included) is sampled. */
  void enqueued() {
    long depth = queued.incrementAndGet();
    requests.increment();
    queueDepthSum.add(depth);
    queueDepthMax.accumulateAndGet(depth, Math::max);
  }

  /** A request left the queue (handled or refused). */
  void dequeued() {
    queued.decrementAndGet();
  }

  private LongAdder[] counters(String key) {
    return perKey.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder(),
        new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
  }

  /** The counters now, keys in name order. */
  TrafficSnapshot snapshot() {
    Map<String, TrafficSnapshot.KeyBytes> keys = new LinkedHashMap<>();
    perKey.keySet().stream().sorted().forEach(k -> {
      LongAdder[] c = perKey.get(k);
      keys.put(k, new TrafficSnapshot.KeyBytes(c[PUSHED].sum(), c[PULLED].sum(),
          c[UPDATES].sum(), c[WAIT_NANOS].sum(), c[ASYNC_PUSHES].sum(), c[STALENESS].sum(),
          maxStaleness.getOrDefault(k, 0L)));
    });
    return new TrafficSnapshot(received.sum(), sent.sum(), keys,
        new TrafficSnapshot.Queue(requests.sum(), queueDepthSum.sum(), queueDepthMax.get()));
  }
}
