package org.kindling.symbol.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.metric.MetricValue;

class SpeedometerTest {
  private final long[] now = {0};
  private final List<String> lines = new ArrayList<>();
  private int resets;

  private void at(double seconds, Speedometer s, int epoch, int nbatch, MetricValue... values) {
    now[0] = Math.round(seconds * 1e9);
    s.batchEnd(new BatchEndParam(epoch, nbatch, List.of(values), () -> resets++, Map.of()));
  }

  private Speedometer.Builder speedometer(int batchSize) {
    return Speedometer.builder(batchSize).output(lines::add).nanoClock(() -> now[0]);
  }

  @Test
  void linesReadAsMxnetsEveryFrequentBatchesWithWindowedMetrics() {
    Speedometer s = speedometer(32).frequent(2).build();
    MetricValue acc = new MetricValue("accuracy", 0.5);
    at(0.0, s, 0, 0, acc); // starts the clock
    at(0.5, s, 0, 1, acc);
    at(1.0, s, 0, 2, acc);
    at(1.2, s, 0, 3, acc);
    at(1.5, s, 0, 4, new MetricValue("accuracy", 0.75), new MetricValue("cross-entropy", 2.0 / 3));
    assertThat(lines).containsExactly(
        "Epoch[0] Batch [0-2]\tSpeed: 64.00 samples/sec\taccuracy=0.500000",
        "Epoch[0] Batch [2-4]\tSpeed: 128.00 samples/sec\taccuracy=0.750000"
            + "\tcross-entropy=0.666667");
    assertThat(resets).as("the metric window is reset after each line").isEqualTo(2);
  }

  @Test
  void aNewEpochRestartsTheClockAndNothingIsPrintedForItsFirstBatch() {
    Speedometer s = speedometer(10).frequent(1).build();
    at(0, s, 0, 0);
    at(1, s, 0, 1);
    at(2, s, 0, 2);
    at(100, s, 1, 0); // long pause between epochs (evaluation): not counted
    at(100.25, s, 1, 1);
    assertThat(lines).containsExactly(
        "Epoch[0] Batch [0-1]\tSpeed: 10.00 samples/sec",
        "Epoch[0] Batch [1-2]\tSpeed: 10.00 samples/sec",
        "Epoch[1] Batch [0-1]\tSpeed: 40.00 samples/sec");
  }

  @Test
  void withoutAutoResetTheLineCoversTheEpochSoFarAndMetricsAreKept() {
    Speedometer s = speedometer(8).frequent(3).autoReset(false).build();
    for (int b = 0; b <= 6; b++) {
      at(b * 0.1, s, 2, b, new MetricValue("accuracy", Double.NaN));
    }
    assertThat(lines).containsExactly(
        "Epoch[2] Batch [0-3]\tSpeed: 80.00 samples/sec\taccuracy=nan",
        "Epoch[2] Batch [0-6]\tSpeed: 80.00 samples/sec\taccuracy=nan");
    assertThat(resets).isZero();
  }

  @Test
  void knownEpochSizeAddsTheEtaAtTheWindowsSpeed() {
    Speedometer s = speedometer(4).frequent(2).batchesPerEpoch(10).build();
    at(0, s, 0, 0);
    at(1, s, 0, 1);
    at(2, s, 0, 2); // 1 s per batch, batches 3..9 left: 7 s
    at(2, s, 0, 3);
    at(2, s, 0, 4); // no time passed: MXNet's ZeroDivisionError case
    assertThat(lines).containsExactly(
        "Epoch[0] Batch [0-2]\tSpeed: 4.00 samples/sec\tETA: 0:07",
        "Epoch[0] Batch [2-4]\tSpeed: inf samples/sec\tETA: 0:00");
    assertThat(Speedometer.clock(3725)).isEqualTo("1:02:05");
    assertThat(Speedometer.clock(59.6)).isEqualTo("1:00");
  }

  @Test
  void numbersAreFormattedAsPython() {
    // the values Python 3 prints for '%.2f' % x and '%f' % x
    assertThat(PyFormat.fixed(0.125, 2)).isEqualTo("0.12");
    assertThat(PyFormat.fixed(0.375, 2)).isEqualTo("0.38");
    assertThat(PyFormat.fixed(2.675, 2)).isEqualTo("2.67");
    assertThat(PyFormat.fixed(-1e-7, 6)).isEqualTo("-0.000000");
    assertThat(PyFormat.fixed(-0.0, 6)).isEqualTo("-0.000000");
    assertThat(PyFormat.fixed(1234567.891, 2)).isEqualTo("1234567.89");
    assertThat(PyFormat.fixed(Double.NEGATIVE_INFINITY, 2)).isEqualTo("-inf");
  }

  @Test
  void badSettingsAreRejected() {
    assertThatThrownBy(() -> Speedometer.builder(0).build()).hasMessageContaining("batchSize 0");
    assertThatThrownBy(() -> Speedometer.builder(1).frequent(0).build())
        .hasMessageContaining("frequent 0");
    assertThatThrownBy(() -> Speedometer.builder(1).batchesPerEpoch(-1).build())
        .hasMessageContaining("batchesPerEpoch -1");
    assertThatThrownBy(() -> new BatchEndParam(-1, 0, List.of()))
        .hasMessageContaining("counted from 0");
  }
}
