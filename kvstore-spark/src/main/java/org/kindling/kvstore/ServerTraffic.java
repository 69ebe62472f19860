package org.kindling.kvstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's byte counters: every byte read from and written to worker sockets (frames with
 * their headers, handshakes and heartbeats included), and per key the array bytes pushed
 * (PUSH, PUSHPULL) and pulled (the VALUE replies), and in async mode the staleness of each push
 * (the updates applied to the key since the pushing worker last read it). Counters only grow; a caller takes two
 * {@link #snapshot()}s and subtracts to get one step's bytes.
 */
final class ServerTraffic {
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  /** Per key: pushed bytes, pulled bytes, async pushes, their summed staleness, the largest. */
  private final Map<String, LongAdder[]> perKey = new ConcurrentHashMap<>();
  private final Map<String, Long> maxStaleness = new ConcurrentHashMap<>();

  void received(long bytes) {
    received.add(bytes);
  }

  void sent(long bytes) {
    sent.add(bytes);
  }

  void pushed(String key, long bytes) {
    counters(key)[0].add(bytes);
  }

  void pulled(String key, long bytes) {
    counters(key)[1].add(bytes);
  }

  void asyncPush(String key, long staleness) {
    LongAdder[] c = counters(key);
    c[2].increment();
    c[3].add(staleness);
    maxStaleness.merge(key, staleness, Math::max);
  }

  private LongAdder[] counters(String key) {
    return perKey.computeIfAbsent(key, k -> new LongAdder[] {
        new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
  }

  /** The counters now, keys in name order. */
  TrafficSnapshot snapshot() {
    Map<String, TrafficSnapshot.KeyBytes> keys = new LinkedHashMap<>();
    perKey.keySet().stream().sorted().forEach(k -> {
      LongAdder[] c = perKey.get(k);
      keys.put(k, new TrafficSnapshot.KeyBytes(c[0].sum(), c[1].sum(), c[2].sum(), c[3].sum(),
          maxStaleness.getOrDefault(k, 0L)));
    });
    return new TrafficSnapshot(received.sum(), sent.sum(), keys);
  }
}
