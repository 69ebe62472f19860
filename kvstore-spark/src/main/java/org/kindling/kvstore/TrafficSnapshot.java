package org.kindling.kvstore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameter server's counters at one moment ({@link KVStoreServer#traffic()}).
 *
 * @param bytesReceived every byte read from worker sockets (frame headers, logins, heartbeats
 *     included): the network load of the driver's inbound link
 * @param bytesSent every byte written to worker sockets
 * @param perKey per key, the float32 array bytes pushed to and pulled from the server, without
 *     frame headers, the updates and the time their rounds waited, and the staleness of async
 *     pushes; keys in name order
 * @param queue the depth of the server's request queue as requests arrived
 */
public record TrafficSnapshot(long bytesReceived, long bytesSent, Map<String, KeyBytes> perKey,
    Queue queue) {

  /**
   * One key's figures.
   *
   * @param pushed array bytes pushed (PUSH and PUSHPULL data); a sync round's are counted when
   *     the round ends (completed or failed, before its replies), async and refused pushes as
   *     they arrive
   * @param pulled array bytes pulled (VALUE replies)
   * @param updates updates applied to the stored value (sync: rounds completed; async: pushes)
   * @param waitNanos over the sync rounds, the time from a round's first push to its last:
   *     how long the earliest worker waited for the aggregation (0 in async mode)
   * @param asyncPushes pushes applied on arrival (dist_async)
   * @param stalenessSum over those pushes, the updates applied to the key since the pushing
   *     worker last read it (0: it pushed a gradient of the current value)
   * @param stalenessMax the largest of them (not subtracted by {@link #minus})
   */
  public record KeyBytes(long pushed, long pulled, long updates, long waitNanos,
      long asyncPushes, long stalenessSum, long stalenessMax) {
    KeyBytes plus(KeyBytes o) {
      return o == null ? this : new KeyBytes(pushed + o.pushed, pulled + o.pulled,
          updates + o.updates, waitNanos + o.waitNanos, asyncPushes + o.asyncPushes,
          stalenessSum + o.stalenessSum, Math.max(stalenessMax, o.stalenessMax));
    }

    KeyBytes minus(KeyBytes o) {
      return o == null ? this : new KeyBytes(pushed - o.pushed, pulled - o.pulled,
          updates - o.updates, waitNanos - o.waitNanos, asyncPushes - o.asyncPushes,
          stalenessSum - o.stalenessSum, stalenessMax);
    }

    /** Mean staleness of the async pushes, 0 without any. */
    public double stalenessMean() {
      return asyncPushes == 0 ? 0 : (double) stalenessSum / asyncPushes;
    }
  }

  /**
   * The server's request queue (requests wait there for the one state thread), sampled as each
   * request arrives, itself included: 1 means the server was idle.
   *
   * @param requests requests that arrived
   * @param depthSum the sum of the depths they saw
   * @param depthMax the deepest queue seen (not subtracted by {@link #minus})
   */
  public record Queue(long requests, long depthSum, long depthMax) {
    Queue plus(Queue o) {
      return new Queue(requests + o.requests, depthSum + o.depthSum,
          Math.max(depthMax, o.depthMax));
    }

    Queue minus(Queue o) {
      return new Queue(requests - o.requests, depthSum - o.depthSum, depthMax);
    }

    /** The mean depth a request saw, 0 without requests. */
    public double depthMean() {
      return requests == 0 ? 0 : (double) depthSum / requests;
    }
  }

  public TrafficSnapshot {
    perKey = Map.copyOf(new LinkedHashMap<>(perKey));
  }

  /** The keys in name order (the record's map does not keep an order). */
  public Map<String, KeyBytes> keysInOrder() {
    Map<String, KeyBytes> out = new LinkedHashMap<>();
    perKey.keySet().stream().sorted().forEach(k -> out.put(k, perKey.get(k)));
    return out;
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

  /** Time the sync rounds of all keys waited for their last push, in nanoseconds. */
  public long waitNanos() {
    return perKey.values().stream().mapToLong(KeyBytes::waitNanos).sum();
  }

  /** Async pushes over all keys. */
  public long asyncPushes() {
    return perKey.values().stream().mapToLong(KeyBytes::asyncPushes).sum();
  }

  /** Mean staleness of the async pushes over all keys, 0 without any. */
  public double stalenessMean() {
    long n = asyncPushes();
    return n == 0 ? 0
        : (double) perKey.values().stream().mapToLong(KeyBytes::stalenessSum).sum() / n;
  }

  /** The largest staleness of any key since the server started. */
  public long stalenessMax() {
    return perKey.values().stream().mapToLong(KeyBytes::stalenessMax).max().orElse(0);
  }

  /**
   * The counters of two servers together ({@code --num-servers}: the driver's and its key
   * servers'): bytes, requests, updates and waits add up, the largest depth and staleness is the
   * larger one. A key split across servers counts each range's update, so its {@code updates}
   * are S per round.
   */
  public TrafficSnapshot plus(TrafficSnapshot other) {
    Map<String, KeyBytes> keys = new LinkedHashMap<>(perKey);
    other.perKey.forEach((k, v) -> keys.merge(k, v, KeyBytes::plus));
    return new TrafficSnapshot(bytesReceived + other.bytesReceived, bytesSent + other.bytesSent,
        keys, queue.plus(other.queue));
  }

  /** What happened between {@code earlier} and this snapshot (one step's figures, say). */
  public TrafficSnapshot minus(TrafficSnapshot earlier) {
    Map<String, KeyBytes> keys = new LinkedHashMap<>();
    perKey.forEach((k, v) -> keys.put(k, v.minus(earlier.perKey.get(k))));
    return new TrafficSnapshot(bytesReceived - earlier.bytesReceived,
        bytesSent - earlier.bytesSent, keys, queue.minus(earlier.queue));
  }
}
