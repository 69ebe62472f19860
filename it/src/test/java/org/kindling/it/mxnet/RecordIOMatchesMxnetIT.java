package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.recordio.RecordIOWriter;

/**
 * Kindling's RecordIO against dmlc's, through MXNet's {@code MXRecordIO*} C API: the same
 * records, including every edge case of formats.md §1.2 (empty, exactly the magic, magics at
 * aligned and unaligned offsets, several magics in a row, every padding length), give the same
 * bytes and offsets, and each side reads what the other wrote.
 */
class RecordIOMatchesMxnetIT {
  /** The magic as it sits on disk (0xCED7230A little-endian). */
  private static final byte[] M = {0x0A, 0x23, (byte) 0xD7, (byte) 0xCE};

  @TempDir Path dir;

  /** The logical records both writers write, in order. */
  static List<byte[]> records() {
    List<byte[]> r = new ArrayList<>();
    // the verified edge cases of formats.md §1.2
    r.add(new byte[0]);
    r.add(ascii("abcde"));
    r.add(M);
    r.add(cat(M, M));
    r.add(cat(ascii("wxyz"), M));
    r.add(cat(M, ascii("tail")));
    r.add(cat(ascii("12"), M, ascii("34"))); // unaligned: no split
    r.add(cat(ascii("ABCD"), M, M, ascii("EFGH"), M));
    // every padding length, and magics that only partly fit at the end
    for (int len = 1; len <= 9; len++) {
      r.add(ascii("0123456789".substring(0, len)));
    }
    r.add(cat(ascii("abcd"), new byte[] {0x0A, 0x23, (byte) 0xD7})); // a magic cut short
    r.add(cat(ascii("a"), M)); // magic ending the record, unaligned
    r.add(cat(ascii("abc"), M, ascii("d"), M)); // unaligned, then aligned at 8
    r.add(cat(M, ascii("x"))); // aligned magic followed by a 1-byte tail (padded last part)
    r.add(cat(M, M, M, M, M)); // five magics: six empty parts
    // random payloads with magics planted at aligned and unaligned offsets
    SplittableRandom rnd = new SplittableRandom(20260519L);
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[rnd.nextInt(0, 700)];
      rnd.nextBytes(b);
      int magics = b.length < 4 ? 0 : rnd.nextInt(0, 6);
      for (int m = 0; m < magics; m++) {
        int at = rnd.nextInt(0, b.length - 3);
        System.arraycopy(M, 0, b, at, 4);
      }
      r.add(b);
    }
    // a large record, split on 32 aligned magics
    byte[] big = new byte[200_003];
    rnd.nextBytes(big);
    for (int m = 0; m < 32; m++) {
      System.arraycopy(M, 0, big, 4 * rnd.nextInt(0, big.length / 4), 4);
    }
    r.add(big);
    r.add(ascii("the end"));
    return r;
  }

  @Test
  void mxnetWritesTheSameBytesAndOffsetsAsKindling() throws IOException {
    List<byte[]> records = records();
    Path kindling = dir.resolve("kindling.rec");
    long[] kindlingOffsets = writeWithKindling(kindling, records);
    Path mxnet = dir.resolve("mxnet.rec");
    long[] mxnetOffsets = MxRecordIO.write(mxnet, records);

    assertThat(kindlingOffsets).as("Tell() before each record").containsExactly(mxnetOffsets);
    assertThat(Files.readAllBytes(kindling)).as("file bytes")
        .isEqualTo(Files.readAllBytes(mxnet));
  }

  @Test
  void mxnetReadsWhatKindlingWrote() throws IOException {
    List<byte[]> records = records();
    Path file = dir.resolve("kindling.rec");
    long[] offsets = writeWithKindling(file, records);

    assertThat(MxRecordIO.readAll(file)).as("MXNet's sequential reader")
        .containsExactlyElementsOf(records);
    assertThat(MxRecordIO.readAt(file, offsets)).as("MXNet's reader after Seek(offset)")
        .containsExactlyElementsOf(records);
  }

  @Test
  void kindlingReadsWhatMxnetWrote() throws IOException {
    List<byte[]> records = records();
    Path file = dir.resolve("mxnet.rec");
    long[] offsets = MxRecordIO.write(file, records);

    List<byte[]> read = new ArrayList<>();
    List<Long> heads = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        RecordIOReader reader = new RecordIOReader(in, file.toString(), Files.size(file), 4096)) {
      for (byte[] r = reader.next(); r != null; r = reader.next()) {
        read.add(r);
        heads.add(reader.lastRecordOffset());
      }
    }
    assertThat(read).containsExactlyElementsOf(records);
    assertThat(heads).containsExactly(boxed(offsets));
  }

  private static long[] writeWithKindling(Path file, List<byte[]> records) throws IOException {
    long[] offsets = new long[records.size()];
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < records.size(); i++) {
        offsets[i] = w.tell();
        w.write(records.get(i));
      }
    }
    return offsets;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static Long[] boxed(long[] values) {
    Long[] out = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
