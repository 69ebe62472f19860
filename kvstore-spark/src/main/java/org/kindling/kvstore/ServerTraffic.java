package org.kindling.kvstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's byte counters: every byte read from and written to worker sockets (frames with
 * their headers, handshakes and heartbeats included), and per key the array bytes pushed
 * (PUSH, PUSHPULL) and pulled (the VALUE replies). Counters only grow; a caller takes two
 * {@link #snapshot()}s and subtracts to get one step's bytes.
 */
final class ServerTraffic {
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final Map<String, LongAdder[]> perKey = new ConcurrentHashMap<>();

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

  private LongAdder[] counters(String key) {
    return perKey.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
  }

  /** The counters now, keys in name order. */
  TrafficSnapshot snapshot() {
    Map<String, TrafficSnapshot.KeyBytes> keys = new LinkedHashMap<>();
    perKey.keySet().stream().sorted().forEach(k -> {
      LongAdder[] c = perKey.get(k);
      keys.put(k, new TrafficSnapshot.KeyBytes(c[0].sum(), c[1].sum()));
    });
    return new TrafficSnapshot(received.sum(), sent.sum(), keys);
  }
}
