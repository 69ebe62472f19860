package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainOptionsTest {

  @Test
  void defaultsAreTheRecordedBenchmark() {
    TrainOptions o = TrainOptions.parse();
    assertThat(o.epochs()).isEqualTo(5);
    assertThat(o.networks()).containsExactly(Network.MLP, Network.LENET);
    assertThat(o.frameworks()).containsExactly("kindling", "kindling-off", "pytorch", "mxnet", "dl4j",
        "mllib");
    assertThat(o.batchSize()).isEqualTo(128);
    assertThat(o.learningRate(Network.MLP)).isEqualTo(0.1f);
    assertThat(o.learningRate(Network.LENET)).isEqualTo(0.05f);
    assertThat(o.momentum()).isEqualTo(0.9f);
    assertThat(o.threads()).isEqualTo(2);
    assertThat(o.mllibSolver()).isEqualTo("l-bfgs");
  }

  @Test
  void quickRunOptionsOverrideDefaults() {
    TrainOptions o = TrainOptions.parse("--epochs", "1", "--frameworks", " PyTorch, dl4j ",
        "--train-limit", "2560", "--data-dir", "/tmp/x", "--mllib-solver", "gd",
        "--timeout-minutes", "5", "--networks", "LeNet");
    assertThat(o.epochs()).isEqualTo(1);
    assertThat(o.networks()).containsExactly(Network.LENET);
    assertThat(o.frameworks()).containsExactly("pytorch", "dl4j");
    assertThat(o.trainLimit()).isEqualTo(2560);
    assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(o.mllibSolver()).isEqualTo("gd");
    assertThat(o.timeoutMinutes()).isEqualTo(5);
  }

  @Test
  void lrOverridesEveryNetworksOwn() {
    TrainOptions o = TrainOptions.parse("--lr", "0.02");
    assertThat(o.learningRate(Network.MLP)).isEqualTo(0.02f);
    assertThat(o.learningRate(Network.LENET)).isEqualTo(0.02f);
  }

  @Test
  void childArgumentsParseBackToTheSameSettingsForOneFrameworkAndNetwork() {
    TrainOptions o = TrainOptions.parse("--epochs", "3", "--train-limit", "1000", "--batch", "64",
        "--momentum", "0.5", "--threads", "1", "--data-dir", "/tmp/d", "--seed", "7",
        "--mllib-solver", "gd", "--timeout-minutes", "9");
    TrainOptions child = TrainOptions.parse(o.toArgs("dl4j", Network.LENET).toArray(String[]::new));
    assertThat(child).isEqualTo(new TrainOptions(3, java.util.List.of(Network.LENET),
        java.util.List.of("dl4j"), 1000, o.testLimit(), 64, Float.NaN, 0.5f, 1, Path.of("/tmp/d"),
        7, "gd", 9));
    TrainOptions withLr = TrainOptions.parse("--lr", "0.2");
    assertThat(TrainOptions.parse(withLr.toArgs("mxnet", Network.MLP).toArray(String[]::new))
        .learningRate(Network.MLP)).isEqualTo(0.2f);
  }

  @Test
  void badOptionsAreNamedInTheError() {
    assertThatThrownBy(() -> TrainOptions.parse("--epochs", "zero"))
        .hasMessageContaining("--epochs needs an integer");
    assertThatThrownBy(() -> TrainOptions.parse("--epochs", "0"))
        .hasMessageContaining("--epochs must be >= 1");
    assertThatThrownBy(() -> TrainOptions.parse("--frameworks", "caffe"))
        .hasMessageContaining("unknown framework 'caffe'");
    assertThatThrownBy(() -> TrainOptions.parse("--network", "resnet"))
        .hasMessageContaining("unknown network 'resnet' in --networks; use mlp,lenet,resnet18");
    assertThatThrownBy(() -> TrainOptions.parse("--networks", ","))
        .hasMessageContaining("--networks names no network");
    assertThatThrownBy(() -> TrainOptions.parse("--speed", "fast"))
        .hasMessageContaining("unknown option --speed");
    assertThatThrownBy(() -> TrainOptions.parse("--epochs"))
        .hasMessageContaining("--epochs needs a value");
    assertThatThrownBy(() -> TrainOptions.parse("--lr", "0"))
        .hasMessageContaining("--lr must be > 0");
    assertThatThrownBy(() -> TrainOptions.parse("--momentum", "1"))
        .hasMessageContaining("--momentum must be in [0, 1)");
  }
}
