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
 *     frame headers; keys in name order
 */
public record TrafficSnapshot(long bytesReceived, long bytesSent, Map<String, KeyBytes> perKey) {

  /** Array bytes of one key: pushed (PUSH and PUSHPULL data), pulled (VALUE replies). */
  public record KeyBytes(long pushed, long pulled) {
    KeyBytes minus(KeyBytes o) {
      return o == null ? this : new KeyBytes(pushed - o.pushed, pulled - o.pulled);
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
