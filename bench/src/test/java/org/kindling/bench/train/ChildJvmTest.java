package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.bench.Stats;

/** Real child JVMs: a run that reports a result, and one that dies without. */
class ChildJvmTest {
  @TempDir Path dir;

  /** Random images and labels in the Debian package's layout. */
  private void writeSplit(String split, int n, Random r) throws IOException {
    byte[] pixels = new byte[n * FashionMnist.FEATURES];
    r.nextBytes(pixels);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) r.nextInt(FashionMnist.CLASSES);
    }
    Files.write(dir.resolve(split + "-images-idx3-ubyte.gz"),
        IdxReaderTest.gzip(IdxReaderTest.idx(0x0803, new int[] {n, 28, 28}, pixels)));
    Files.write(dir.resolve(split + "-labels-idx1-ubyte.gz"),
        IdxReaderTest.gzip(IdxReaderTest.idx(0x0801, new int[] {n}, labels)));
  }

  @Test
  void childTrainsKindlingAndHandsBackItsResult() throws IOException {
    Random r = new Random(3);
    writeSplit("train", 256, r);
    writeSplit("t10k", 50, r);
    TrainOptions o = TrainOptions.parse("--epochs", "2", "--data-dir", dir.toString(),
        "--threads", "1", "--timeout-minutes", "5");
    TrainResult res = ChildJvm.run("Kindling", "kindling-off", Network.MLP, o);
    assertThat(res.ran()).as(res.notes()).isTrue();
    assertThat(res.framework()).isEqualTo("Kindling, accel off");
    assertThat(res.samplesPerSecond()).hasSize(2);
    assertThat(Stats.min(res.samplesPerSecond())).isPositive();
    assertThat(res.epochs()).isEqualTo("1 + 2");
    assertThat(res.testAccuracy()).isBetween(0.0, 1.0);
    assertThat(res.notes()).startsWith("535,818 parameters, ")
        .contains("kindling.cpu.accel=off");
  }

  @Test
  void childThatDiesWithoutAResultGetsARowSayingSo() {
    TrainOptions o = TrainOptions.parse("--data-dir", dir.resolve("missing").toString());
    TrainResult res = ChildJvm.run("Kindling", "kindling", Network.MLP, o);
    assertThat(res.ran()).isFalse();
    assertThat(res.notes()).isEqualTo(
        "failed: its JVM exited with code 1 without a result; see standard error");
  }
}
