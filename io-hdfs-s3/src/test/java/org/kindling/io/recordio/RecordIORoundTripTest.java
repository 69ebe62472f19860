package org.kindling.io.recordio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.testing.SeededProperty;

class RecordIORoundTripTest {

  /** Records to write, and the reader's buffer size. */
  record Case(List<byte[]> records, int bufferSize) {}

  @Test
  void everyListOfPayloadsReadsBackIdentically() {
    SeededProperty.check(300,
        r -> new Case(TestData.magicHeavyRecords(r), r.nextInt(64, 201)),
        c -> readsBackIdentically(c.records(), c.bufferSize()));
  }

  private static void readsBackIdentically(List<byte[]> records, int bufferSize)
      throws IOException {
    TestData.Written w = TestData.write(records);

    // Known length, small buffer: headers and payloads straddle buffer refills.
    assertThat(readAll(new RecordIOReader(new ByteArrayInputStream(w.bytes()), "mem",
        w.bytes().length, bufferSize), w.offsets())).containsExactlyElementsOf(records);
    // Unknown length (plain stream): the same records.
    assertThat(readAll(new RecordIOReader(new ByteArrayInputStream(w.bytes()), "mem"),
        w.offsets())).containsExactlyElementsOf(records);
  }

  @Test
  void theMagicNeverAppearsAlignedInsideAPartPayload() {
    SeededProperty.check(300, TestData::magicHeavyRecords,
        RecordIORoundTripTest::noAlignedMagicInsideParts);
  }

  private static void noAlignedMagicInsideParts(List<byte[]> records) {
    TestData.Written w = TestData.write(records);
    byte[] file = w.bytes();
    assertThat(file.length % 4).isZero();
    for (TestData.Part p : TestData.parts(file)) {
      for (long i = p.offset() + 8; i + 4 <= p.offset() + 8 + p.length(); i += 4) {
        assertThat(isMagic(file, (int) i)).as("aligned magic at %d", i).isFalse();
      }
    }
  }

  @Test
  void theWriterCountsEveryAlignedMagicOfEveryRecord() {
    SeededProperty.check(200, TestData::magicHeavyRecords,
        RecordIORoundTripTest::writerCountsAlignedMagics);
  }

  private static void writerCountsAlignedMagics(List<byte[]> records) throws IOException {
    long aligned = 0;
    for (byte[] r : records) {
      for (int i = 0; i + 4 <= r.length; i += 4) {
        aligned += isMagic(r, i) ? 1 : 0;
      }
    }
    try (RecordIOWriter w = new RecordIOWriter(java.io.OutputStream.nullOutputStream())) {
      for (byte[] r : records) {
        w.write(r);
      }
      assertThat(w.splitMagicCount()).isEqualTo(aligned);
    }
  }

  @Test
  void seekingToAnyRecordOffsetReadsThatRecord() {
    SeededProperty.check(100, TestData::magicHeavyRecords, RecordIORoundTripTest::seekAndRead);
  }

  private static void seekAndRead(List<byte[]> records) throws IOException {
    TestData.Written w = TestData.write(records);
    try (RecordIOReader r = new RecordIOReader(new SeekableBytes(w.bytes()), "mem",
        w.bytes().length, 64)) {
      for (int i = records.size() - 1; i >= 0; i--) {
        r.seek(w.offsets().get(i));
        assertThat(r.next()).isEqualTo(records.get(i));
        assertThat(r.lastRecordOffset()).isEqualTo(w.offsets().get(i));
      }
    }
  }

  @Test
  void recordsLargerThanTheBufferAndTheUntrustedGrowthStepReadBack() throws IOException {
    java.util.Random random = new java.util.Random(7);
    byte[] big = new byte[3 * (1 << 20) + 5];
    random.nextBytes(big);
    System.arraycopy(TestData.MAGIC, 0, big, 1 << 20, 4); // split into two parts
    List<byte[]> records = List.of(new byte[3], big, TestData.ascii("after"));
    TestData.Written w = TestData.write(records);
    assertThat(TestData.parts(w.bytes())).hasSize(4);
    assertThat(readAll(new RecordIOReader(new ByteArrayInputStream(w.bytes()), "mem"),
        w.offsets())).containsExactlyElementsOf(records);
    assertThat(readAll(new RecordIOReader(new ByteArrayInputStream(w.bytes()), "mem",
        w.bytes().length, 4096), w.offsets())).containsExactlyElementsOf(records);
  }

  private static List<byte[]> readAll(RecordIOReader reader, List<Long> offsets)
      throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (reader) {
      while (true) {
        long at = reader.tell();
        byte[] r = reader.next();
        if (r == null) {
          break;
        }
        assertThat(at).isEqualTo(offsets.get(out.size()));
        assertThat(reader.lastRecordOffset()).isEqualTo(at);
        out.add(r);
      }
      assertThat(reader.next()).isNull();
    }
    return out;
  }

  private static boolean isMagic(byte[] b, int i) {
    return b[i] == 0x0A && b[i + 1] == 0x23 && b[i + 2] == (byte) 0xD7 && b[i + 3] == (byte) 0xCE;
  }

  /** An in-memory stream that is a Hadoop {@code Seekable}, like {@code FSDataInputStream}. */
  static final class SeekableBytes extends InputStream implements org.apache.hadoop.fs.Seekable {
    private final byte[] bytes;
    private int pos;

    SeekableBytes(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= bytes.length) {
        return len == 0 ? 0 : -1;
      }
      int n = Math.min(len, bytes.length - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void seek(long p) {
      pos = (int) p;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }
  }
}
