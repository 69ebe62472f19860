package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.kindling.kvstore.TrafficSnapshot;
import org.kindling.symbol.spec.Spec;

class ProgressTrackerTest {

  private static final List<Spec> METRICS = List.of(Spec.of("acc"), Spec.of("perplexity",
      "ignore_label", null));

  private final AtomicLong now = new AtomicLong();
  private final List<String> lines = new ArrayList<>();

  /** A report with accuracy {@code correct / samples} and a summed log-loss of {@code loss}. */
  private static WorkerReport report(boolean end, int epoch, int batch, int batches,
      long samples, long correct, double loss, double seconds) {
    return new WorkerReport(end, epoch, batch, batches, samples,
        new double[] {correct, loss}, new long[] {samples, samples}, seconds, null);
  }

  private ProgressTracker tracker(int workers) {
    return new ProgressTracker(workers, 0, 4, METRICS, lines::add, now::get, null);
  }

  /** Server counters: {@code k} rounds of key w (40 array bytes a push and a pull per worker). */
  private static TrafficSnapshot rounds(long k, long waitNanos, long stalenessSum) {
    return new TrafficSnapshot(100 * k, 90 * k, Map.of("w", new TrafficSnapshot.KeyBytes(
        2 * 40 * k, 2 * 40 * k, k, waitNanos, 2 * k, stalenessSum, 3)),
        new TrafficSnapshot.Queue(4 * k, 6 * k, 2));
  }

  @Test
  void theServersFiguresPerStepJoinRankZerosProgressLinesAndTheEpochTotals() {
    AtomicReference<TrafficSnapshot> server = new AtomicReference<>(rounds(0, 0, 0));
    ProgressTracker t = new ProgressTracker(2, 0, 4, METRICS, lines::add, now::get,
        new KVStoreMeter(server::get, true));
    // 10 steps: 10 rounds, 800 array bytes pushed and 800 pulled, rounds waited 25 ms in all
    server.set(rounds(10, 25_000_000, 5));
    t.onReport(0, report(false, 1, 10, 20, 640, 320, 64, 1.0));
    assertThat(lines.get(0)).endsWith("  kv push 80 B/step pull 80 B/step wait 2.5 ms/step"
        + " queue 1.5 (max 2) staleness 0.25 (max 3)");
    // a line without steps since the last one has no figures
    t.onReport(0, report(false, 1, 10, 20, 640, 320, 64, 1.0));
    assertThat(lines.get(1)).doesNotContain("kv push");
    // 20 steps = 1 epoch; the epoch's figures are per step of the epoch
    server.set(rounds(20, 60_000_000, 5));
    t.onReport(0, report(true, 1, 20, 20, 1280, 640, 128, 2.0));
    t.onReport(1, report(true, 1, 20, 20, 1280, 640, 128, 2.0));
    KVStoreMeter.EpochTraffic kv = t.epochTotals(1).join().kv();
    assertThat(kv.steps()).isEqualTo(20);
    assertThat(kv.columns()).containsExactly(Map.entry("kv_pushed_bytes_per_step", 80.0),
        Map.entry("kv_pulled_bytes_per_step", 80.0), Map.entry("kv_wire_bytes_per_step", 190.0),
        Map.entry("kv_wait_ms_per_step", 3.0), Map.entry("kv_queue_mean", 1.5),
        Map.entry("kv_queue_max", 2.0), Map.entry("kv_staleness_mean", 0.125),
        Map.entry("kv_staleness_max", 3.0));
    assertThat(kv.keyRows()).containsExactly("1,w,20,80.0,80.0,20,3.0,40,0.125,3");
    // the next epoch counts from the end of this one
    server.set(rounds(30, 60_000_000, 5));
    t.onReport(0, report(true, 2, 20, 20, 1280, 640, 128, 2.0));
    t.onReport(1, report(true, 2, 20, 20, 1280, 640, 128, 2.0));
    assertThat(t.epochTotals(2).join().kv().keyRows())
        .containsExactly("2,w,20,40.0,40.0,10,0.0,20,0.0,3");
  }

  @Test
  void withoutAServerEpochTotalsHaveNoKvstoreFigures() {
    ProgressTracker t = tracker(1);
    t.onReport(0, report(false, 1, 10, 20, 640, 320, 64, 1.0));
    t.onReport(0, report(true, 1, 20, 20, 1280, 640, 128, 2.0));
    assertThat(lines.get(0)).doesNotContain("kv push");
    assertThat(t.epochTotals(1).join().kv()).isNull();
    assertThat(KVStoreMeter.bytes(8848)).isEqualTo("8.6 KB");
    assertThat(KVStoreMeter.bytes(3 << 20)).isEqualTo("3.0 MB");
  }

  @Test
  void reportsRoundTripThroughTheirTextForm() {
    WorkerReport r = report(true, 3, 10, 10, 1280, 1001, 0.1 + 0.2, 2.5);
    assertThat(WorkerReport.decode(r.encode())).isEqualTo(r);
    WorkerReport aux = new WorkerReport(true, 3, 10, 10, 1280, new double[] {1.5},
        new long[] {3}, 2.5, new byte[] {1, 2, (byte) 250});
    assertThat(WorkerReport.decode(aux.encode())).isEqualTo(aux);
    assertThat(aux.encode()).endsWith(" aux=AQL6");
    assertThat(WorkerReport.isReport(r.encode())).isTrue();
    assertThat(WorkerReport.isReport("hello")).isFalse();
    assertThatThrownBy(() -> WorkerReport.decode("kindling-progress epoch=1"))
        .hasMessageContaining("field 'metrics' missing");
    assertThatThrownBy(() -> WorkerReport.decode("kindling-progress epoch=1 batch=1 batches=2"
        + " samples=3 seconds=1 metrics=0.5"))
        .hasMessageContaining("malformed metric '0.5'");
  }

  @Test
  void printsAggregatedProgressOnRankZeroReports() {
    ProgressTracker t = tracker(2);
    now.set(10_000_000_000L);
    t.onReport(1, report(false, 1, 50, 100, 6400, 3200, 6400 * 0.5, 2.0));
    assertThat(lines).isEmpty();
    t.onReport(0, report(false, 1, 50, 100, 6400, 4800, 6400 * 1.5, 2.0));
    assertThat(lines).hasSize(1);
    // 2 workers x 3200 samples/s; accuracy (3200 + 4800) / 12800; perplexity exp of the mean
    // loss over both workers (not a mean of theirs); the clock starts when the first report's
    // epoch began (2 s before it), so 1/8 of the job took 2 s + 8 s
    now.set(18_000_000_000L);
    t.onReport(0, report(false, 1, 50, 100, 6400, 4800, 6400 * 1.5, 2.0));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo(String.format(java.util.Locale.ROOT,
        "epoch 1/4  batch 50/100  6400 samples/s  train-accuracy 0.6250  train-perplexity %.4f"
            + "  elapsed 0:10  eta 1:10", Math.exp(1.0)));
  }

  @Test
  void completesAnEpochOnlyWhenEveryWorkerEndedIt() throws Exception {
    ProgressTracker t = tracker(2);
    CompletableFuture<ProgressTracker.EpochTotals> f = t.epochTotals(1);
    t.onReport(0, report(true, 1, 100, 100, 12800, 9000, 0, 4.0));
    assertThat(f).isNotDone();
    t.onReport(1, report(true, 1, 100, 100, 12800, 10000, 0, 5.0));
    ProgressTracker.EpochTotals e = f.get();
    assertThat(e.samples()).isEqualTo(25600);
    assertThat(e.values(METRICS).get(0).value()).isEqualTo(19000.0 / 25600);
    assertThat(e.seconds()).isEqualTo(5.0);
    assertThat(e.samplesPerSecond()).isEqualTo(25600 / 5.0);
  }

  @Test
  void abortFailsPendingEpochs() {
    ProgressTracker t = tracker(2);
    CompletableFuture<ProgressTracker.EpochTotals> f = t.epochTotals(2);
    t.abort(new IllegalStateException("task 1 died"));
    assertThat(f).isCompletedExceptionally();
  }

  @Test
  void rejectsReportsFromUnknownRanks() {
    ProgressTracker t = tracker(2);
    assertThatThrownBy(() -> t.onReport(2, report(false, 1, 1, 1, 1, 1, 1, 1)))
        .hasMessageContaining("unknown rank 2");
  }

  @Test
  void formatsClockAndEta() {
    assertThat(ProgressTracker.clock(59.6)).isEqualTo("1:00");
    assertThat(ProgressTracker.clock(3725)).isEqualTo("1:02:05");
    assertThat(ProgressTracker.eta(30, 0.25)).isEqualTo("1:30");
    assertThat(ProgressTracker.eta(30, 0)).isEqualTo("?");
  }
}
