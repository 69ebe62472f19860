package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

  private final AtomicLong now = new AtomicLong();
  private final List<String> lines = new ArrayList<>();

  @Test
  void reportsRoundTripThroughTheirTextForm() {
    WorkerReport r = new WorkerReport(true, 3, 10, 10, 1280, 1001, 2.5);
    assertThat(WorkerReport.decode(r.encode())).isEqualTo(r);
    assertThat(WorkerReport.isReport(r.encode())).isTrue();
    assertThat(WorkerReport.isReport("hello")).isFalse();
    assertThatThrownBy(() -> WorkerReport.decode("kindling-progress epoch=1"))
        .hasMessageContaining("field 'batch' missing");
  }

  @Test
  void printsAggregatedProgressOnRankZeroReports() {
    ProgressTracker t = new ProgressTracker(2, 4, lines::add, now::get);
    now.set(10_000_000_000L);
    t.onReport(1, new WorkerReport(false, 1, 50, 100, 6400, 3200, 2.0));
    assertThat(lines).isEmpty();
    t.onReport(0, new WorkerReport(false, 1, 50, 100, 6400, 4800, 2.0));
    assertThat(lines).hasSize(1);
    // 2 workers x 3200 samples/s; accuracy (3200 + 4800) / 12800; the clock starts when the
    // first report's epoch began (2 s before it), so 1/8 of the job took 2 s + 8 s
    now.set(18_000_000_000L);
    t.onReport(0, new WorkerReport(false, 1, 50, 100, 6400, 4800, 2.0));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo(
        "epoch 1/4  batch 50/100  6400 samples/s  train-acc 0.6250  elapsed 0:10  eta 1:10");
  }

  @Test
  void completesAnEpochOnlyWhenEveryWorkerEndedIt() throws Exception {
    ProgressTracker t = new ProgressTracker(2, 4, lines::add, now::get);
    CompletableFuture<ProgressTracker.EpochTotals> f = t.epochTotals(1);
    t.onReport(0, new WorkerReport(true, 1, 100, 100, 12800, 9000, 4.0));
    assertThat(f).isNotDone();
    t.onReport(1, new WorkerReport(true, 1, 100, 100, 12800, 10000, 5.0));
    ProgressTracker.EpochTotals e = f.get();
    assertThat(e.samples()).isEqualTo(25600);
    assertThat(e.accuracy()).isEqualTo(19000.0 / 25600);
    assertThat(e.seconds()).isEqualTo(5.0);
    assertThat(e.samplesPerSecond()).isEqualTo(25600 / 5.0);
  }

  @Test
  void abortFailsPendingEpochs() {
    ProgressTracker t = new ProgressTracker(2, 4, lines::add, now::get);
    CompletableFuture<ProgressTracker.EpochTotals> f = t.epochTotals(2);
    t.abort(new IllegalStateException("task 1 died"));
    assertThat(f).isCompletedExceptionally();
  }

  @Test
  void rejectsReportsFromUnknownRanks() {
    ProgressTracker t = new ProgressTracker(2, 4, lines::add, now::get);
    assertThatThrownBy(() -> t.onReport(2, new WorkerReport(false, 1, 1, 1, 1, 1, 1)))
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
