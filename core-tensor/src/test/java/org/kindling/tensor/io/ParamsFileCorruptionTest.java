package org.kindling.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

/** Truncated and corrupt files fail with a FormatException naming the file and the offset. */
class ParamsFileCorruptionTest {
  private static final String FILE = "bad.params";

  /** A valid file with every record layout: V2 dense, V3 scalar, V1, legacy, csr, row_sparse. */
  static byte[] validFile() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParamsFile.write(out, List.of(), List.of(
        NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3)),
        NDArray.of(new float[] {7}, Shape.scalar()),
        NDArray.zeros(Shape.of(2, 2), DType.FLOAT16)));
    byte[] written = out.toByteArray();
    // the records without the trailing name count
    byte[] records = Arrays.copyOfRange(written, 24, written.length - 8);
    LeBytes b = LeBytes.container(7).put(records)
        .u32(0xF993FAC8).tshape(2).u32(1).u32(0).u32(4).u32(5).u32(6)
        .u32(1).u32(3).u32(1).u32(0).u32(5).put(new byte[] {1, 2, 3});
    LeBytes.csrExample(b);
    LeBytes.rowSparseExample(b);
    b.u64(7);
    for (int i = 0; i < 7; i++) {
      b.name("array" + i);
    }
    return b.bytes();
  }

  @Test
  void theValidFileReads() throws Exception {
    ParamsFile.Contents c = ParamsFile.read(validFile(), FILE);
    assertThat(c.arrays()).hasSize(7);
    assertThat(c.names()).hasSize(7);
    assertThat(c.arrays().get(5).toFloatArray()).containsExactly(LeBytes.SPARSE_EXAMPLE_DENSE);
  }

  @Test
  void everyTruncationIsAFormatExceptionWithAnOffset() throws Exception {
    byte[] full = validFile();
    for (int len = 0; len < full.length; len++) {
      byte[] prefix = Arrays.copyOf(full, len);
      int n = len;
      assertThatThrownBy(() -> ParamsFile.read(prefix, FILE))
          .as("prefix of %d bytes", n)
          .isExactlyInstanceOf(FormatException.class)
          .hasMessageStartingWith(FILE + " at byte offset ")
          .satisfies(e -> assertThat(((FormatException) e).offset()).isBetween(0L, (long) n));
    }
  }

  /** Random corruption of a valid file: it reads, or fails with FormatException only. */
  record Corruption(int where, byte value, int count) {}

  @Test
  void corruptBytesNeverCauseAnythingButFormatException() {
    SeededProperty.check(300,
        r -> new Corruption(r.nextInt(0, 100_001), (byte) r.nextInt(), r.nextInt(1, 5)),
        c -> corruptBytesNeverCauseAnythingButFormatException(c.where(), c.value(), c.count()));
  }

  private static void corruptBytesNeverCauseAnythingButFormatException(int where, byte value,
      int count) throws Exception {
    byte[] bytes = denseFile();
    for (int i = 0; i < count; i++) {
      bytes[(where + i * 7919) % bytes.length] = (byte) (value + i);
    }
    try {
      ParamsFile.read(bytes, FILE);
    } catch (FormatException e) {
      assertThat(e.file()).isEqualTo(FILE);
      assertThat(e.offset()).isBetween(0L, (long) bytes.length);
    }
  }

  /** Dense records only: a corrupt sparse shape may legally ask for up to 1 GiB. */
  private static byte[] denseFile() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParamsFile.write(out, List.of("a", "b", "c"), List.of(
        NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3)),
        NDArray.of(new float[] {7}, Shape.scalar()),
        NDArray.zeros(Shape.of(3), DType.INT64)));
    return out.toByteArray();
  }

  private static void assertFails(byte[] bytes, long offset, String problem) {
    assertThatThrownBy(() -> ParamsFile.read(bytes, FILE))
        .isExactlyInstanceOf(FormatException.class)
        .hasMessageContaining(FILE + " at byte offset " + offset + ": ")
        .hasMessageContaining(problem);
  }

  private static byte[] patched(byte[] base, int offset, int u32) {
    byte[] b = base.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, u32);
    return b;
  }

  private static byte[] patched64(byte[] base, int offset, long u64) {
    byte[] b = base.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, u64);
    return b;
  }

  @Test
  void eachCorruptFieldIsNamedWithItsOffset() throws Exception {
    byte[] f = denseFile();
    // layout: header 0..24, record 0 at 24: magic, stype 28, ndim 32, dims 36..52,
    // dev 52, id 56, type 60, data 64..88; record 1 (V3 scalar) at 88
    assertFails(patched64(f, 0, 0x113), 0, "not an MXNet NDArray file: header 0x113");
    assertFails(patched64(f, 16, 1L << 40), 16, "array count 1099511627776 cannot fit");
    assertFails(patched(f, 24, 0xDEADBEEF), 24, "unknown array magic 0xDEADBEEF");
    assertFails(patched(f, 28, 3), 28, "unknown storage type 3");
    assertFails(patched(f, 32, 33), 32, "shape has ndim 33 (expected 0..32)");
    assertFails(patched(f, 32, -2), 32, "shape has ndim -2");
    assertFails(patched64(f, 36, -5), 36, "dimension 0 of the shape is -5");
    assertFails(patched64(f, 36, 1L << 40), 36, "dimension 0 of the shape is 1099511627776");
    assertFails(patched64(f, 36, Integer.MAX_VALUE), 64,
        "data of shape (2147483647, 3) float32 needs more than the");
    assertFails(patched(f, 60, 13), 60, "unknown type flag 13");
    assertFails(patched(f, 88 + 4, 1), 92, "a V3 (numpy-shape) array must be dense");
    int names = f.length - (8 + 3 * 9);
    assertFails(patched64(f, names, 2), names, "name count 2 but 3 arrays");
    assertFails(patched64(f, names + 8, 1000), names + 8, "name 0 claims 1000 bytes but only");
    assertFails(patched64(f, names + 8, -1), names + 8, "name 0 claims 18446744073709551615");
  }

  @Test
  void sparseIndicesAreChecked() {
    byte[] csr = LeBytes.csrExample(LeBytes.container(1)).u64(0).bytes();
    // record at 24: magic, stype, sshape 32..44, shape 44..64, dev, id, type 64..76,
    // aux types/shapes 76..108, values 108..120, indptr 120..152, idx 152..176
    assertFails(patched64(csr, 152 + 16, 4), 168, "csr column index 4 is outside [0, 4)");
    assertFails(patched64(csr, 120 + 16, 0), 136, "csr indptr[2] is 0; it must lie in [indptr[1]");
    assertFails(patched64(csr, 120, 1), 120, "csr indptr[0] is 1, not 0");
    assertFails(patched(csr, 76, 0), 76, "aux array 0 has type flag 0");
    byte[] rsp = LeBytes.rowSparseExample(LeBytes.container(1)).u64(0).bytes();
    // shape (3,4) at 52 -> a huge row count: the dense form is refused before allocation
    assertFails(patched64(rsp, 56, 1L << 30), 72, "would need 17179869184 bytes");
    int idx = rsp.length - 8 - 16;
    assertFails(patched64(rsp, idx + 8, 3), idx + 8, "row_sparse row index 3 is outside [0, 3)");
  }

  @Test
  void rawBytesErrorsNameTheGivenName() {
    assertThatThrownBy(() -> ParamsFile.fromRawBytes(new byte[] {(byte) 0xC9, (byte) 0xFA},
            "weights of layer fc1"))
        .isExactlyInstanceOf(FormatException.class)
        .hasMessage("weights of layer fc1 at byte offset 0: truncated: array magic needs 4 bytes"
            + " but only 2 remain");
  }
}
