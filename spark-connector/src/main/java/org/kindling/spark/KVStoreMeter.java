package org.kindling.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.kindling.kvstore.TrafficSnapshot;

/**
 * Turns the parameter server's counters ({@link TrafficSnapshot}; with {@code --num-servers},
 * the driver's and the key servers' summed) into per-step figures for the driver's progress
 * lines and per-epoch figures for the training history: array bytes pushed and pulled, bytes on
 * the servers' sockets (the driver's alone without key servers), the time sync rounds waited
 * for their last push (the aggregation wait), the depth of the server's request queue and,
 * with {@code dist_async}, the staleness of the pushes. Figures are over all workers and keys, divided by the training
 * steps in between (one step = one batch of every worker); an epoch's figures also count the
 * requests of its setup (the first epoch: the initial pull of every key). The wait is summed
 * over the keys: rounds of different keys overlap in time, so it can exceed the wall-clock time
 * a worker waited. An epoch's figures are read when rank 0 reports the epoch's end; rank 0
 * pushes again only after the answer, so no sync round of the next epoch can end meanwhile.
 * With {@code dist_sync} the server counts a round's pushed bytes, its pulled bytes, its update
 * and its wait when the round ends (decision 0062), so the per-key figures (pushed, pulled,
 * updates, wait) of an epoch are exactly its own, although another worker may already have sent
 * its first push of the next epoch. The socket bytes and the queue are counted as the bytes and
 * requests arrive (they include heartbeats and the reports, which no round holds), so an epoch
 * can hold another worker's first request of the next; their sum over the epochs is exact. With
 * {@code dist_async} pushes are applied and counted as they arrive and workers are not in step:
 * an epoch's figures hold what arrived before rank 0's report.
 *
 * <p>Thread-safe: progress and epoch-end reports arrive on the server's message thread.
 */
final class KVStoreMeter {
  /** The per-key file's header ({@code PREFIX-history-kvstore.csv}). */
  static final String KEY_HEADER = "epoch,key,steps,pushed_bytes_per_step,"
      + "pulled_bytes_per_step,updates,wait_ms_per_step,async_pushes,staleness_mean,"
      + "staleness_max";

  private final Supplier<TrafficSnapshot> traffic;
  private final boolean async;
  private TrafficSnapshot atLine;
  private long lineStep;
  private TrafficSnapshot atEpoch;

  /**
   * @param traffic the server's counters ({@code KVStoreServer::traffic})
   * @param async true for {@code dist_async} (staleness is shown)
   */
  KVStoreMeter(Supplier<TrafficSnapshot> traffic, boolean async) {
    this.traffic = traffic;
    this.async = async;
    this.atLine = traffic.get();
    this.atEpoch = atLine;
  }

  /**
   * The progress line's figures since the previous line, at training step {@code step}
   * (counted over the whole run, e.g. {@code (epoch - 1) * batches + batch}); empty if no step
   * was done since.
   */
  synchronized String progress(long step) {
    TrafficSnapshot now = traffic.get();
    long steps = step - lineStep;
    TrafficSnapshot d = now.minus(atLine);
    atLine = now;
    lineStep = step;
    if (steps <= 0) {
      return "";
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "  kv push %s/step pull %s/step wait %.1f ms/step queue %.1f (max %d)",
        bytes((double) d.pushedBytes() / steps), bytes((double) d.pulledBytes() / steps),
        d.waitNanos() / 1e6 / steps, d.queue().depthMean(), d.queue().depthMax()));
    if (async) {
      s.append(String.format(Locale.ROOT, " staleness %.2f (max %d)", d.stalenessMean(),
          d.stalenessMax()));
    }
    return s.toString();
  }

  /** The figures of the epoch that just ended after {@code steps} steps. */
  synchronized EpochTraffic epochEnd(int epoch, long steps) {
    TrafficSnapshot now = traffic.get();
    EpochTraffic e = new EpochTraffic(epoch, steps, now.minus(atEpoch), async);
    atEpoch = now;
    return e;
  }

  /** {@code 8.6 KB}, {@code 1.2 MB}: binary units, one decimal. */
  static String bytes(double b) {
    if (b < 1024) {
      return String.format(Locale.ROOT, "%.0f B", b);
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", b / 1024);
    }
    return String.format(Locale.ROOT, "%.1f MB", b / (1024 * 1024));
  }

  /**
   * One epoch's figures.
   *
   * @param epoch the epoch, 1-based
   * @param steps its training steps
   * @param delta the server's counters over the epoch
   * @param async true for {@code dist_async}
   */
  record EpochTraffic(int epoch, long steps, TrafficSnapshot delta, boolean async) {
    /**
     * The history's {@code kv_*} columns: bytes pushed, pulled and on the servers' sockets,
     * aggregation wait per step, the queue's mean and largest depth and, async, the staleness.
     */
    Map<String, Double> columns() {
      double n = Math.max(1, steps);
      Map<String, Double> c = new LinkedHashMap<>();
      c.put("kv_pushed_bytes_per_step", delta.pushedBytes() / n);
      c.put("kv_pulled_bytes_per_step", delta.pulledBytes() / n);
      c.put("kv_wire_bytes_per_step", delta.totalBytes() / n);
      c.put("kv_wait_ms_per_step", delta.waitNanos() / 1e6 / n);
      c.put("kv_queue_mean", delta.queue().depthMean());
      c.put("kv_queue_max", (double) delta.queue().depthMax());
      if (async) {
        c.put("kv_staleness_mean", delta.stalenessMean());
        c.put("kv_staleness_max", (double) delta.stalenessMax());
      }
      return c;
    }

    /** One row per key for the per-key file, in key name order ({@link #KEY_HEADER}). */
    List<String> keyRows() {
      double n = Math.max(1, steps);
      List<String> rows = new ArrayList<>();
      delta.keysInOrder().forEach((key, k) -> rows.add(String.format(Locale.ROOT,
          "%d,%s,%d,%s,%s,%d,%s,%d,%s,%d", epoch, csvField(key), steps,
          Double.toString(k.pushed() / n), Double.toString(k.pulled() / n), k.updates(),
          Double.toString(k.waitNanos() / 1e6 / n), k.asyncPushes(),
          Double.toString(k.stalenessMean()), k.stalenessMax())));
      return rows;
    }
  }

  /** RFC 4180 quoting of a key name with a comma, quote or line break. */
  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
