package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainArgsTest {

  @Test
  void parsesEveryOptionIntoTheConfig() {
    TrainConfig c = TrainArgs.parse(new String[] {
        "--data", "hdfs://nn:8020/d/train.rec;hdfs://nn:8020/d/more.rec",
        "--val-data=file:///tmp/val.rec", "--num-workers", "3", "--batch-size", "64",
        "--epochs", "4", "--lr", "0.05", "--momentum", "0.8", "--wd", "0.001",
        "--network", "MLP", "--hidden", "512,256,64", "--num-classes", "7",
        "--input-shape", "(1, 28, 28)", "--model-prefix", "hdfs://nn:8020/m/mlp",
        "--kvstore", "dist_sync", "--seed", "7", "--disp-batches", "10", "--scale", "0.5",
        "--master", "local[3]", "--memory-limit", "3g"});
    assertThat(c.data()).isEqualTo("hdfs://nn:8020/d/train.rec;hdfs://nn:8020/d/more.rec");
    assertThat(c.valData()).isEqualTo("file:///tmp/val.rec");
    assertThat(c.numWorkers()).isEqualTo(3);
    assertThat(c.batchSize()).isEqualTo(64);
    assertThat(c.epochs()).isEqualTo(4);
    assertThat(c.learningRate()).isEqualTo(0.05);
    assertThat(c.momentum()).isEqualTo(0.8);
    assertThat(c.weightDecay()).isEqualTo(0.001);
    assertThat(c.network()).isEqualTo("mlp");
    assertThat(c.hidden()).containsExactly(512, 256, 64);
    assertThat(c.numClasses()).isEqualTo(7);
    assertThat(c.inputShape()).containsExactly(1, 28, 28);
    assertThat(c.exampleSize()).isEqualTo(784);
    assertThat(c.modelPrefix()).isEqualTo("hdfs://nn:8020/m/mlp");
    assertThat(c.kvstore()).isEqualTo("dist_sync");
    assertThat(c.distributed()).isTrue();
    assertThat(c.seed()).isEqualTo(7);
    assertThat(c.dispBatches()).isEqualTo(10);
    assertThat(c.scale()).isEqualTo(0.5f);
    assertThat(c.master()).isEqualTo("local[3]");
    assertThat(c.memoryLimit()).isEqualTo("3g");
    assertThat(c.toBuilder().build().memoryLimit()).isEqualTo("3g");
  }

  @Test
  void defaultsFollowMxnetFitScript() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "train.rec"});
    assertThat(c.batchSize()).isEqualTo(128);
    assertThat(c.learningRate()).isEqualTo(0.1);
    assertThat(c.momentum()).isEqualTo(0.9);
    assertThat(c.weightDecay()).isEqualTo(1e-4);
    assertThat(c.hidden()).containsExactly(256, 128);
    assertThat(c.inputShape()).containsExactly(784);
    assertThat(c.kvstore()).isEqualTo("dist_sync");
    assertThat(c.modelPrefix()).isNull();
    assertThat(c.valData()).isNull();
    assertThat(c.memoryLimit()).isNull();
  }

  @Test
  void rejectsUnknownOptionsAndMissingValuesByName() {
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x.rec", "--epoch", "3"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--epoch'");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data"}))
        .hasMessageContaining("--data needs a value");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--lr", "fast"}))
        .hasMessageContaining("--lr needs a number, got 'fast'");
  }

  @Test
  void validatesValuesWithTheOptionName() {
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {}))
        .hasMessageContaining("--data is required");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--num-workers", "0"}))
        .hasMessageContaining("--num-workers must be >= 1, got 0");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--momentum", "1"}))
        .hasMessageContaining("--momentum must be in [0, 1)");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--kvstore", "dist_async"}))
        .hasMessageContaining("--kvstore must be 'dist_sync' or 'local'");
    assertThatThrownBy(() -> TrainArgs.parse(
        new String[] {"--data", "x", "--kvstore", "local", "--num-workers", "2"}))
        .hasMessageContaining("--kvstore local trains in a single task");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--network", "resnet"}))
        .hasMessageContaining("--network must be 'mlp'");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--input-shape", "0,28"}))
        .hasMessageContaining("--input-shape dimensions must be >= 1");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--memory-limit", "2x"}))
        .hasMessage("--memory-limit=2x is not a positive size such as 512m or 2g");
  }

  @Test
  void symbolFileReplacesTheBuiltInNetwork() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "x", "--symbol", "net-symbol.json"});
    assertThat(c.symbolFile()).isEqualTo("net-symbol.json");
    assertThat(c.network()).isNull();
    assertThat(c.toString()).contains("symbol=net-symbol.json").doesNotContain("hidden");
  }

  @Test
  void helpListsEveryOption() {
    assertThat(TrainArgs.wantsHelp(new String[] {"--data", "x", "--help"})).isTrue();
    assertThat(TrainArgs.wantsHelp(new String[] {"--data", "x"})).isFalse();
    String usage = TrainArgs.usage("TrainJob");
    for (String option : new String[] {"--data", "--val-data", "--num-workers", "--batch-size",
        "--epochs", "--lr", "--momentum", "--wd", "--network", "--hidden", "--num-classes",
        "--input-shape", "--symbol", "--model-prefix", "--kvstore", "--seed", "--master",
        "--memory-limit", "--help"}) {
      assertThat(usage).contains("  " + option + " ");
    }
  }

  @Test
  void toBuilderRoundTripsTheConfig() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "x", "--hidden", "32", "--seed", "3"});
    TrainConfig d = c.toBuilder().epochs(2).build();
    assertThat(d.hidden()).containsExactly(32);
    assertThat(d.seed()).isEqualTo(3);
    assertThat(d.epochs()).isEqualTo(2);
    assertThat(c.epochs()).isEqualTo(10);
  }
}
