package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.examples.cli.KindlingCli;

/** The {@code kindling} command line end to end, on an embedded Spark. */
class KindlingCliIT {
  private static final Path WORK = Path.of("target", "it-cli").toAbsolutePath();

  @Test
  void trainThenScoreACheckpoint() throws Exception {
    Files.createDirectories(WORK);
    Path train = WORK.resolve("train.rec");
    Path test = WORK.resolve("test.rec");
    SyntheticRecords.write(train, 1600, 64, 11);
    SyntheticRecords.write(test, 400, 64, 12);
    String prefix = TestDirs.fresh(WORK.resolve("model")).resolve("cli").toString();

    CliRun trained = CliRun.of("train", "--data", train.toString(), "--val-data", test.toString(),
        "--num-workers", "2", "--epochs", "2", "--batch-size", "32", "--input-shape", "64",
        "--hidden", "32", "--num-classes", "4", "--model-prefix", prefix);
    assertThat(trained.code()).as(trained.err()).isZero();
    assertThat(trained.out()).startsWith("kindling: trained 2 epochs: train-accuracy ");
    assertThat(trained.err()).contains("epoch 2/2 done");

    Path csv = WORK.resolve("predictions.csv");
    CliRun scored = CliRun.of("score", "--model-prefix", prefix, "--epoch", "2", "--data",
        test.toString(), "--input-shape", "64", "--out", csv.toString());
    assertThat(scored.code()).as(scored.err()).isZero();
    assertThat(scored.outLines()).hasSize(1);
    assertThat(scored.out()).matches("accuracy: (0\\.9\\d{3}|1\\.0000) \\(400 records\\)\\n");
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows).hasSize(401);
    assertThat(rows.get(0)).isEqualTo("id,label,prediction");
    assertThat(rows.subList(1, 401)).allMatch(r -> r.matches("\\d+,[0-3],[0-3]"));
  }

  @Test
  void aCorruptTrainingFileGivesOneErrorLineNamingItAndTheOffset() throws Exception {
    Files.createDirectories(WORK);
    Path bad = WORK.resolve("bad.rec");
    SyntheticRecords.write(bad, 800, 64, 13);
    // records are 8 + 24 + 64 = 96 bytes: break the head of record 600 (in worker 1's part)
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.seek(600 * 96);
      f.writeInt(0);
    }
    CliRun r = CliRun.of("train", "--data", bad.toString(), "--num-workers", "2", "--epochs", "1",
        "--input-shape", "64", "--hidden", "8", "--num-classes", "4");
    assertThat(r.code()).isEqualTo(1);
    List<String> errorLines = r.err().lines().filter(l -> l.startsWith("kindling: error:"))
        .toList();
    assertThat(errorLines).hasSize(1);
    assertThat(errorLines.get(0)).contains("bad.rec").contains("byte offset 57600");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void theDemoTrainsOnFashionMnistAndEndsWithTheTestAccuracy() throws Exception {
    Path dir = TestDirs.fresh(WORK.resolve("demo"));
    CliRun r = CliRun.of("demo", "--epochs", "1", "--work-dir", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> out = r.outLines();
    String last = out.get(out.size() - 1);
    assertThat(last).matches("test accuracy: 0\\.\\d{4}");
    assertThat(Double.parseDouble(last.substring("test accuracy: ".length())))
        .isGreaterThan(0.78);
    assertThat(r.err()).contains("packing train: 60000 images of 28x28")
        .contains("epoch 1/1 done").contains("samples/s").contains("scored 10000 rows");
    assertThat(dir.resolve("model/fashion-mlp-0001.params")).exists();
    // a second run finds the packed data current and does not pack again
    CliRun again = CliRun.of("demo", "--epochs", "1", "--work-dir", dir.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("fashion-train.rec is up to date");
  }
}
