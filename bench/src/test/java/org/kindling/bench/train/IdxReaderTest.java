package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.FormatException;

class IdxReaderTest {
  @TempDir Path dir;

  static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(raw);
    }
    return bytes.toByteArray();
  }

  @Test
  void readsPlainAndGzippedImagesAlike() throws IOException {
    byte[] raw = idx(0x0803, new int[] {2, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255});
    Path plain = Files.write(dir.resolve("imgs"), raw);
    Path gz = Files.write(dir.resolve("imgs.gz"), gzip(raw));
    for (Path f : new Path[] {plain, gz}) {
      IdxReader.Items items = IdxReader.read(f, 3, 10);
      assertThat(items.count()).isEqualTo(2);
      assertThat(items.itemBytes()).isEqualTo(6);
      assertThat(items.data()).hasSize(12).endsWith((byte) 255);
    }
  }

  @Test
  void limitReadsOnlyTheFirstItems() throws IOException {
    Path f = Files.write(dir.resolve("labels"), idx(0x0801, new int[] {4}, new byte[] {7, 8, 9, 1}));
    IdxReader.Items items = IdxReader.read(f, 1, 2);
    assertThat(items.count()).isEqualTo(2);
    assertThat(items.data()).containsExactly(7, 8);
  }

  @Test
  void wrongMagicNamesFileOffsetAndBothValues() throws IOException {
    Path f = Files.write(dir.resolve("bad"), idx(0x0803, new int[] {1, 1, 1}, new byte[] {0}));
    assertThatThrownBy(() -> IdxReader.read(f, 1, 10))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("offset 0")
        .hasMessageContaining("0x00000803")
        .hasMessageContaining("0x00000801");
  }

  @Test
  void truncatedDataIsReportedAtTheOffsetWhereItEnds() throws IOException {
    Path f = Files.write(dir.resolve("short"), idx(0x0801, new int[] {5}, new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> IdxReader.read(f, 1, 10))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("offset 11")
        .hasMessageContaining("3 of 5");
  }

  @Test
  void truncatedHeaderIsAFormatError() throws IOException {
    Path f = Files.write(dir.resolve("hdr"), new byte[] {0, 0, 8, 3, 0, 0});
    assertThatThrownBy(() -> IdxReader.read(f, 3, 10))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("offset 4")
        .hasMessageContaining("header");
  }

  @Test
  void hugeDeclaredSizesAreRejectedBeforeAllocating() throws IOException {
    Path count = Files.write(dir.resolve("count"), idx(0x0801, new int[] {-1}, new byte[0]));
    assertThatThrownBy(() -> IdxReader.read(count, 1, Integer.MAX_VALUE))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("item count -1");
    Path dims = Files.write(dir.resolve("dims"), idx(0x0803, new int[] {1, 65536, 65536}, new byte[0]));
    assertThatThrownBy(() -> IdxReader.read(dims, 3, 1))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("offset 12");
  }
}
