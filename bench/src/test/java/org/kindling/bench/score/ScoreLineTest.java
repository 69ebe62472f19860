package org.kindling.bench.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScoreLineTest {
  @Test
  void rowsAndFrameworksRoundTrip() {
    ScoreLine.Row ran = new ScoreLine.Row("resnet18", 64, 12.5, "close to Kindling's");
    ScoreLine.Row failed = new ScoreLine.Row("vgg16", 256, null, "failed: out of memory");
    ScoreLine.Framework f = new ScoreLine.Framework("MXNet (DJL)", "1.9.1", "MKL-DNN on");
    assertThat(ScoreLine.row(ScoreLine.format(ran))).contains(ran);
    assertThat(ScoreLine.row(ScoreLine.format(failed))).contains(failed);
    assertThat(ScoreLine.framework(ScoreLine.format(f))).contains(f);
    // one kind of line is not the other, and log output is neither
    assertThat(ScoreLine.framework(ScoreLine.format(ran))).isEmpty();
    assertThat(ScoreLine.row("[INFO] loading libmxnet.so")).isEmpty();
  }

  @Test
  void malformedResultLineIsAnError() {
    assertThatThrownBy(() -> ScoreLine.row(ScoreLine.ROW + "{\"network\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
  }
}
