package org.kindling.bench.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreOptionsTest {
  @Test
  void defaultsAreResnet18AndAlexnetAtBatches1And64InEveryFramework() {
    ScoreOptions o = ScoreOptions.parse();
    assertThat(o.networks()).containsExactly("resnet18", "alexnet");
    assertThat(o.batches()).containsExactly(1, 64);
    assertThat(o.frameworks()).isEqualTo(ScoreOptions.ALL_FRAMEWORKS);
    assertThat(o.warmup()).isEqualTo(5);
    assertThat(o.warmupSeconds()).isEqualTo(10);
    assertThat(o.iterations()).isEqualTo(10);
    assertThat(o.timedSeconds()).isEqualTo(5);
  }

  @Test
  void childArgumentsParseBackToTheSameSettingsForOneFramework() {
    ScoreOptions o = ScoreOptions.parse("--networks", "vgg11, mobilenet", "--batches", "2,4",
        "--threads", "3", "--warmup", "0", "--warmup-seconds", "1.5", "--iterations", "7",
        "--timed-seconds", "0.5", "--max-seconds", "2.5", "--seed", "9", "--timeout-minutes", "4");
    ScoreOptions child = ScoreOptions.parse(o.toArgs("mxnet").toArray(new String[0]));
    assertThat(child).isEqualTo(new ScoreOptions(List.of("vgg11", "mobilenet"), List.of(2, 4),
        List.of("mxnet"), 3, 0, 1.5, 7, 0.5, 2.5, 9, 4));
  }

  @Test
  void badValuesNameTheirOption() {
    assertThatThrownBy(() -> ScoreOptions.parse("--frameworks", "tensorflow"))
        .hasMessageContaining("unknown framework 'tensorflow'");
    assertThatThrownBy(() -> ScoreOptions.parse("--batches", "1,x"))
        .hasMessageContaining("--batches: not a number");
    assertThatThrownBy(() -> ScoreOptions.parse("--batches", "0"))
        .hasMessageContaining("--batches must be >= 1");
    assertThatThrownBy(() -> ScoreOptions.parse("--iterations"))
        .hasMessageContaining("--iterations needs a value");
    assertThatThrownBy(() -> ScoreOptions.parse("--warmup-seconds", "-1"))
        .hasMessageContaining("--warmup-seconds must be >= 0");
    assertThatThrownBy(() -> ScoreOptions.parse("--timed-seconds", "-0.5"))
        .hasMessageContaining("--timed-seconds must be >= 0");
    assertThatThrownBy(() -> ScoreOptions.parse("--max-seconds", "0"))
        .hasMessageContaining("--max-seconds must be > 0");
  }
}
