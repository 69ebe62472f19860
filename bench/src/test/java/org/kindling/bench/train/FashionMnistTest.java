package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.FormatException;

class FashionMnistTest {
  @TempDir Path dir;

  private void write(String split, int n, byte[] labels) throws IOException {
    byte[] pixels = new byte[n * 784];
    pixels[0] = (byte) 255;
    pixels[784 + 1] = (byte) 51;
    Files.write(dir.resolve(split + "-images-idx3-ubyte.gz"),
        IdxReaderTest.gzip(IdxReaderTest.idx(0x0803, new int[] {n, 28, 28}, pixels)));
    Files.write(dir.resolve(split + "-labels-idx1-ubyte.gz"),
        IdxReaderTest.gzip(IdxReaderTest.idx(0x0801, new int[] {labels.length}, labels)));
  }

  @Test
  void pixelsAreScaledToUnitRangeAndLabelsKept() throws IOException {
    write("train", 2, new byte[] {9, 0});
    FashionMnist d = FashionMnist.load(dir, "train", 100);
    assertThat(d.count()).isEqualTo(2);
    assertThat(d.images()[0]).isEqualTo(1f);
    assertThat(d.images()[785]).isEqualTo(0.2f);
    assertThat(d.labels()).containsExactly(9, 0);
  }

  @Test
  void labelOutsideTheTenClassesIsAFormatError() throws IOException {
    write("t10k", 2, new byte[] {1, 10});
    assertThatThrownBy(() -> FashionMnist.load(dir, "t10k", 100))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("t10k-labels")
        .hasMessageContaining("offset 9")
        .hasMessageContaining("label 10");
  }

  @Test
  void differentSampleCountsInTheTwoFilesAreAFormatError() throws IOException {
    write("train", 2, new byte[] {1});
    assertThatThrownBy(() -> FashionMnist.load(dir, "train", 100))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("1 labels for 2 images");
  }
}
