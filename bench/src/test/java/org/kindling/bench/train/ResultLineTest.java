package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResultLineTest {

  @Test
  void aResultSurvivesTheTripThroughOneLine() {
    TrainResult r = new TrainResult("MXNet (DJL)", "1.9.1", new double[] {1234.5, 99}, "1 + 2",
        0.8125, "notes, with \"quotes\"\nand a line break");
    String line = ResultLine.format(r);
    assertThat(line).startsWith(ResultLine.PREFIX).doesNotContain("\n");
    TrainResult back = ResultLine.parse(line).orElseThrow();
    assertThat(back.framework()).isEqualTo(r.framework());
    assertThat(back.samplesPerSecond()).containsExactly(1234.5, 99);
    assertThat(back.testAccuracy()).isEqualTo(0.8125);
    assertThat(back.notes()).isEqualTo(r.notes());
  }

  @Test
  void aRowThatDidNotRunKeepsItsNaNAccuracy() {
    TrainResult back = ResultLine.parse(ResultLine.format(TrainResult.notRun("DL4J", "failed: x")))
        .orElseThrow();
    assertThat(back.ran()).isFalse();
    assertThat(back.testAccuracy()).isNaN();
    assertThat(back.notes()).isEqualTo("failed: x");
  }

  @Test
  void otherLinesAreNotResultsAndBrokenOnesAreNamed() {
    assertThat(ResultLine.parse("Loaded [CpuBackend] backend")).isEmpty();
    assertThatThrownBy(() -> ResultLine.parse(ResultLine.PREFIX + "{not json"))
        .hasMessageContaining("malformed result line");
  }
}
