package org.kindling.bench.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScoreWorkerTest {
  @Test
  void agreementGivesTheLargestDifferenceRelativeToTheLargestValue() {
    String note = ScoreWorker.agreement(new float[] {0.2f, 0.8f}, new float[] {0.2f, 0.6f});
    assertThat(note).isEqualTo("output vs Kindling's: max |diff| / max |value| 2.5e-01");
  }

  @Test
  void aConstantOutputIsFlaggedAsProvingNothing() {
    float[] uniform = new float[1000];
    java.util.Arrays.fill(uniform, 0.001f);
    assertThat(ScoreWorker.agreement(uniform, uniform.clone()))
        .contains("max |value| 0.0e+00").contains("WARNING: Kindling's output is constant")
        .contains("proves nothing");
    uniform[7] = 0.0011f;
    assertThat(ScoreWorker.agreement(uniform, uniform.clone())).doesNotContain("WARNING");
  }

  @Test
  void aBatchRunAsSeveralCallsIsNotedOnItsRow() {
    assertThat(ScoreWorker.splitNote(128, 128)).isEmpty();
    assertThat(ScoreWorker.splitNote(256, 128))
        .isEqualTo("a pass is 2 forward calls of 128 images (an output of the whole batch would"
            + " pass one Kindling array's 2.0 GiB)");
  }
}
