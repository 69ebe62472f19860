package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path dir;

  @Test
  void namesFollowMxnetSaveCheckpoint() {
    assertThat(Checkpoints.symbolFile("hdfs://nn/m/mlp")).isEqualTo("hdfs://nn/m/mlp-symbol.json");
    assertThat(Checkpoints.paramsFile("hdfs://nn/m/mlp", 7)).isEqualTo("hdfs://nn/m/mlp-0007.params");
    assertThat(Checkpoints.statesFile("hdfs://nn/m/mlp", 7)).isEqualTo("hdfs://nn/m/mlp-0007.states");
    assertThat(Checkpoints.paramsFile("m", 12345)).isEqualTo("m-12345.params");
    assertThat(Checkpoints.historyFile("m", "png")).isEqualTo("m-history.png");
    assertThatThrownBy(() -> Checkpoints.paramsFile("m", -1)).hasMessageContaining("epoch");
  }

  @Test
  void theHistoryOfAResumedRunIsReadUpToItsCheckpoint() throws Exception {
    Configuration conf = new Configuration();
    String prefix = dir.resolve("h/m").toString();
    assertThat(Checkpoints.readHistory(prefix, 2, conf)).isEmpty();
    org.kindling.symbol.callback.TrainingHistory h =
        org.kindling.symbol.callback.TrainingHistory.builder().build();
    for (int e = 0; e < 3; e++) {
      h.epochEnd(new org.kindling.symbol.callback.EpochEndParam(e,
          org.kindling.symbol.Symbol.variable("x"), java.util.Map.of(), java.util.Map.of(),
          List.of(new org.kindling.symbol.metric.MetricValue("accuracy", 0.5 + e / 10.0)),
          List.of(), 1.0));
    }
    for (String ext : Checkpoints.HISTORY_FORMATS) {
      Checkpoints.writeHistory(prefix, ext, h, conf);
    }
    assertThat(Checkpoints.readHistory(prefix, 2, conf)).isEqualTo(h.epochs().subList(0, 2));
    assertThat(Files.readString(Path.of(prefix + "-history.csv"))).isEqualTo(h.csvText());
    Files.writeString(Path.of(prefix + "-history.json"), "not json");
    assertThatThrownBy(() -> Checkpoints.readHistory(prefix, 2, conf))
        .hasMessageContaining("m-history.json");
  }

  @Test
  void atomicWritesReplaceTheTargetAndLeaveNoTemporaryOrChecksumFiles() throws Exception {
    Configuration conf = new Configuration();
    String prefix = dir.resolve("sub/dir/m").toString();
    Checkpoints.writeParams(prefix, 1, new byte[] {1, 2, 3}, conf);
    Checkpoints.writeParams(prefix, 1, new byte[] {4, 5}, conf);
    Checkpoints.writeSymbol(prefix, "{\"nodes\": []}", conf);
    assertThat(Files.readAllBytes(Path.of(prefix + "-0001.params"))).containsExactly(4, 5);
    assertThat(Files.readString(Path.of(prefix + "-symbol.json"), StandardCharsets.UTF_8))
        .isEqualTo("{\"nodes\": []}");
    try (var files = Files.list(dir.resolve("sub/dir"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("m-0001.params", "m-symbol.json");
    }
    assertThat(HadoopFiles.readAll(new org.apache.hadoop.fs.Path(prefix + "-0001.params"), conf))
        .containsExactly(4, 5);
    assertThatThrownBy(() -> HadoopFiles.readAll(
        new org.apache.hadoop.fs.Path(prefix + "-0002.params"), conf))
        .hasMessageContaining("m-0002.params: no such file");
  }

  @Test
  void theTaskErrorIsFoundInsideSparksJobFailureText() {
    String spark = "Job aborted due to stage failure: Could not recover from a failed barrier"
        + " ResultStage. Most recent failure reason: Stage failed because barrier task"
        + " ResultTask(4, 1) finished unsuccessfully.\n"
        + "java.io.UncheckedIOException: org.kindling.tensor.FormatException: /d/x.rec at byte"
        + " offset 144000: bad magic\n\tat org.kindling.spark.TrainTask.apply(TrainTask.java:79)\n";
    assertThat(TrainingFailedException.taskErrorIn(spark))
        .isEqualTo("/d/x.rec at byte offset 144000: bad magic");
    assertThat(TrainingFailedException.taskErrorIn("org.apache.spark.SparkException: boom"))
        .isNull();
    assertThat(TrainTask.describe(new IllegalStateException("wrapped",
        new org.kindling.tensor.FormatException("f.rec", 8, "truncated"))))
        .isEqualTo("f.rec at byte offset 8: truncated");
  }
}
