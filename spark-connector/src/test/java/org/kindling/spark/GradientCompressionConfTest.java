package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.kvstore.GradientCompression;

/** {@code --gc-type}/{@code --gc-threshold} and their Spark conf keys (decision 0027). */
class GradientCompressionConfTest {
  private static TrainConfig parse(String... args) {
    return TrainArgs.parse(args);
  }

  @Test
  void mxnetFitOptionsSetTheCompression() {
    TrainConfig c = parse("--data", "x", "--num-workers", "2", "--gc-type", "2bit",
        "--gc-threshold", "0.25");

    assertThat(c.gradientCompression()).isEqualTo(GradientCompression.twoBit(0.25f));
    assertThat(c.toString()).contains("gradientCompression=2bit(threshold=0.25)");
    assertThat(c.toBuilder().build().gradientCompression()).isEqualTo(c.gradientCompression());
    assertThat(parse("--data", "x", "--gc-type", "2bit").gradientCompression().threshold())
        .isEqualTo(0.5f);
    assertThat(parse("--data", "x").gradientCompression()).as("not given").isNull();
    assertThat(parse("--data", "x", "--gc-type", "fp16").gradientCompression())
        .isEqualTo(GradientCompression.fp16());
    assertThat(GradientCompressionConf.resolve(parse("--data", "x"),
        new SparkConf(false).set(GradientCompressionConf.TYPE, "fp16")))
        .isEqualTo(GradientCompression.fp16());
  }

  @Test
  void badValuesAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("--data", "x", "--gc-type", "1bit"))
        .hasMessageStartingWith("--gc-type 1bit: ")
        .hasMessageContaining("'2bit', 'fp16' or 'none'");
    assertThatThrownBy(() -> parse("--data", "x", "--gc-type", "fp16", "--gc-threshold", "0.5"))
        .hasMessageStartingWith("--gc-threshold 0.5: ").hasMessageContaining("fp16 has none");
    assertThatThrownBy(() -> parse("--data", "x", "--gc-type", "2bit", "--gc-threshold", "0"))
        .hasMessageStartingWith("--gc-threshold 0: ").hasMessageContaining("> 0");
    assertThatThrownBy(() -> parse("--data", "x", "--gc-threshold", "0.5"))
        .hasMessageContaining("--gc-threshold 0.5 needs --gc-type 2bit");
    assertThatThrownBy(() -> parse("--data", "x", "--kvstore", "local", "--gc-type", "2bit"))
        .hasMessageContaining("use a dist --kvstore");
  }

  @Test
  void theSparkConfDecidesWhenTheOptionsAreNotGiven() {
    SparkConf conf = new SparkConf(false).set(GradientCompressionConf.TYPE, "2bit")
        .set(GradientCompressionConf.THRESHOLD, "1.5");
    TrainConfig none = parse("--data", "x");
    TrainConfig given = parse("--data", "x", "--gc-type", "none");

    assertThat(GradientCompressionConf.resolve(none, conf))
        .isEqualTo(GradientCompression.twoBit(1.5f));
    assertThat(GradientCompressionConf.resolve(given, conf).enabled()).as("the option wins")
        .isFalse();
    assertThat(GradientCompressionConf.resolve(none, new SparkConf(false)).enabled()).isFalse();
    assertThatThrownBy(() -> GradientCompressionConf.resolve(none,
        new SparkConf(false).set(GradientCompressionConf.TYPE, "2bit")
            .set(GradientCompressionConf.THRESHOLD, "big")))
        .hasMessageStartingWith(GradientCompressionConf.THRESHOLD + " big: ");
  }
}
