package org.kindling.kvstore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameter server's byte counters at one moment ({@link KVStoreServer#traffic()}).
 *
 * @param bytesReceived every byte read from worker sockets (frame headers, logins, heartbeats
 *     included): the network load of the driver's inbound link
 * @param bytesSent every byte written to worker sockets
 * @param perKey per key, the float32 array bytes pushed to and pulled from the server, without
 *     frame headers, and the staleness of async pushes; keys in name order
 */
public record TrafficSnapshot(long bytesReceived, long bytesSent, Map<String, KeyBytes> perKey) {

  /**
   * One key's figures.
   *
   * @param pushed array bytes pushed (PUSH and PUSHPULL data)
   * @param pulled array bytes pulled (VALUE replies)
   * @param asyncPushes pushes applied on arrival (dist_async)
   * @param stalenessSum over those pushes, the updates applied to the key since the pushing
   *     worker last read it (0: it pushed a gradient of the current value)
   * @param stalenessMax the largest of them (not subtracted by {@link #minus})
   */
  public record KeyBytes(long pushed, long pulled, long asyncPushes, long stalenessSum,
      long stalenessMax) {
    KeyBytes minus(KeyBytes o) {
      return o == null ? this : new KeyBytes(pushed - o.pushed, pulled - o.pulled,
          asyncPushes - o.asyncPushes, stalenessSum - o.stalenessSum, stalenessMax);
    }
  }

  public TrafficSnapshot {
    perKey = Map.copyOf(new LinkedHashMap<>(perKey));
  }

  /** Bytes received plus bytes sent. */
  public long totalBytes() {
    return bytesReceived + bytesSent;
  }

  /** Array bytes pushed over all keys. */
  public long pushedBytes() {
    return perKey.values().stream().mapToLong(KeyBytes::pushed).sum();
  }

  /** Array bytes pulled over all keys. */
  public long pulledBytes() {
    return perKey.values().stream().mapToLong(KeyBytes::pulled).sum();
  }

  /** What happened between {@code earlier} and this snapshot (one step's bytes, say). */
  public TrafficSnapshot minus(TrafficSnapshot earlier) {
    Map<String, KeyBytes> keys = new LinkedHashMap<>();
    perKey.forEach((k, v) -> keys.put(k, v.minus(earlier.perKey.get(k))));
    return new TrafficSnapshot(bytesReceived - earlier.bytesReceived,
        bytesSent - earlier.bytesSent, keys);
  }
}
