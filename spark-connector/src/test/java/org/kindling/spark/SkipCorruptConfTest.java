package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** {@code --skip-corrupt}, its Spark conf key, and the skipped count in a worker's report. */
class SkipCorruptConfTest {

  private static TrainConfig.Builder config() {
    return TrainConfig.builder().data("x.rec");
  }

  @Test
  void theOptionOrTheSparkConfKeyTurnsSkippingOn() {
    assertThat(TrainArgs.parse(new String[] {"--data", "x.rec"}).skipCorrupt()).isFalse();
    assertThat(TrainArgs.parse(new String[] {"--data", "x.rec", "--skip-corrupt"})
        .skipCorrupt()).isTrue();
    assertThat(TrainArgs.usage("kindling train")).contains("--skip-corrupt")
        .contains(SkipCorruptConf.KEY);

    SparkConf none = new SparkConf(false);
    SparkConf on = new SparkConf(false).set(SkipCorruptConf.KEY, "true");
    SparkConf off = new SparkConf(false).set(SkipCorruptConf.KEY, "False");
    assertThat(SkipCorruptConf.resolve(config().build(), none).skipCorrupt()).isFalse();
    assertThat(SkipCorruptConf.resolve(config().build(), on).skipCorrupt()).isTrue();
    assertThat(SkipCorruptConf.resolve(config().build(), off).skipCorrupt()).isFalse();
    // the option wins over the key
    assertThat(SkipCorruptConf.resolve(config().skipCorrupt(true).build(), off).skipCorrupt())
        .isTrue();
    assertThatThrownBy(() -> SkipCorruptConf.resolve(config().build(),
        new SparkConf(false).set(SkipCorruptConf.KEY, "yes please")))
        .hasMessageContaining(SkipCorruptConf.KEY).hasMessageContaining("yes please");
    // the tasks receive the setting in their copy of the config
    assertThat(config().skipCorrupt(true).build().toBuilder().build().skipCorrupt()).isTrue();
  }

  @Test
  void aReportCarriesItsSkippedCountOnlyWhenThereIsOne() {
    WorkerReport skipping = new WorkerReport(false, 1, 10, 40, 320, new double[] {1.5},
        new long[] {320}, 2.0, null, 3);
    assertThat(skipping.encode()).contains(" skipped=3");
    assertThat(WorkerReport.decode(skipping.encode())).isEqualTo(skipping);
    WorkerReport clean = new WorkerReport(true, 1, 40, 40, 1280, new double[] {1.5},
        new long[] {1280}, 2.0, null);
    assertThat(clean.encode()).doesNotContain("skipped");
    assertThat(WorkerReport.decode(clean.encode()).skipped()).isZero();
  }
}
