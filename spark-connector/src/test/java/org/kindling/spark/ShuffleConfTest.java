package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** {@code --shuffle}, {@code --no-shuffle}, their Spark conf key and the default (on). */
class ShuffleConfTest {

  private static TrainConfig.Builder config() {
    return TrainConfig.builder().data("x.rec");
  }

  private static TrainConfig parse(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--data";
    all[1] = "x.rec";
    System.arraycopy(args, 0, all, 2, args.length);
    return TrainArgs.parse(all);
  }

  @Test
  void trainingDataIsShuffledUnlessTheOptionOrTheSparkConfKeySaysNo() {
    assertThat(parse().shuffle()).isTrue();
    assertThat(parse("--shuffle").shuffle()).isTrue();
    assertThat(parse("--no-shuffle").shuffle()).isFalse();
    assertThat(parse("--shuffle=false").shuffle()).isFalse();
    assertThat(parse("--no-shuffle", "--shuffle").shuffle()).as("the last one wins").isTrue();
    assertThat(TrainArgs.usage("kindling train")).contains("--shuffle").contains("--no-shuffle")
        .contains(ShuffleConf.KEY).contains("the default for training data");

    SparkConf none = new SparkConf(false);
    SparkConf on = new SparkConf(false).set(ShuffleConf.KEY, "true");
    SparkConf off = new SparkConf(false).set(ShuffleConf.KEY, " FALSE ");
    assertThat(ShuffleConf.resolve(config().build(), none).shuffle()).isTrue();
    assertThat(ShuffleConf.resolve(config().build(), on).shuffle()).isTrue();
    assertThat(ShuffleConf.resolve(config().build(), off).shuffle()).isFalse();
    // an explicit option wins over the key, either way
    assertThat(ShuffleConf.resolve(config().shuffle(true).build(), off).shuffle()).isTrue();
    assertThat(ShuffleConf.resolve(config().shuffle(false).build(), on).shuffle()).isFalse();
    assertThatThrownBy(() -> ShuffleConf.resolve(config().build(),
        new SparkConf(false).set(ShuffleConf.KEY, "sometimes")))
        .hasMessageContaining(ShuffleConf.KEY).hasMessageContaining("sometimes");
    // the tasks receive the setting in their copy of the config
    assertThat(config().shuffle(false).build().toBuilder().build().shuffle()).isFalse();
    assertThat(config().shuffle(false).build().toString()).contains("noShuffle");
  }
}
