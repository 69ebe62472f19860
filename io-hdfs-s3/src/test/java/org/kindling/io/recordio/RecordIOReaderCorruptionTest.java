package org.kindling.io.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.kindling.io.TestData.ascii;
import static org.kindling.io.TestData.concat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

class RecordIOReaderCorruptionTest {

  /** A raw part with any cflag and length field, padded to 4. */
  static byte[] part(int cflag, int lengthField, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + ((data.length + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(RecordIO.MAGIC).putInt(cflag << 29 | lengthField).put(data);
    return b.array();
  }

  static byte[] part(int cflag, byte[] data) {
    return part(cflag, data.length, data);
  }

  private static FormatException readAllExpectingError(byte[] file, boolean knownLength) {
    RecordIOReader r = new RecordIOReader(new ByteArrayInputStream(file), "bad.rec",
        knownLength ? file.length : -1, 64);
    return catchThrowableOfType(FormatException.class, () -> {
      while (r.next() != null) {
        // keep reading until the error
      }
    });
  }

  @Test
  void aBadMagicNamesTheFileAndTheOffsetOfThePart() {
    byte[] file = TestData.write(List.of(ascii("first"), ascii("second"))).bytes();
    file[16] = 0x55; // second record's magic at 16
    FormatException e = readAllExpectingError(file, true);
    assertThat(e).isNotNull();
    assertThat(e.file()).isEqualTo("bad.rec");
    assertThat(e.offset()).isEqualTo(16);
    assertThat(e).hasMessageContaining("bad magic").hasMessageContaining("bad.rec");
  }

  @Test
  void aTruncatedHeaderIsAnError() {
    byte[] file = Arrays.copyOf(TestData.write(List.of(ascii("abcd"), ascii("efgh"))).bytes(), 17);
    for (boolean known : new boolean[] {true, false}) {
      FormatException e = readAllExpectingError(file, known);
      assertThat(e.offset()).isEqualTo(12);
      assertThat(e).hasMessageContaining("truncated part header");
    }
  }

  @Test
  void aTruncatedPayloadIsAnErrorAtThePart() {
    byte[] file = Arrays.copyOf(TestData.write(List.of(new byte[100])).bytes(), 60);
    FormatException unknown = readAllExpectingError(file, false);
    assertThat(unknown.offset()).isZero();
    assertThat(unknown).hasMessageContaining("truncated part");
    FormatException known = readAllExpectingError(file, true);
    assertThat(known.offset()).isZero();
    assertThat(known).hasMessageContaining("runs past the end of the file (size 60)");
  }

  @Test
  void aHugeLengthFieldIsRejectedAgainstTheFileLengthBeforeAllocating() {
    byte[] file = concat(part(0, (1 << 29) - 1, new byte[0]), new byte[8]);
    FormatException e = readAllExpectingError(file, true);
    assertThat(e.offset()).isZero();
    assertThat(e).hasMessageContaining("part length 536870911");
  }

  @Test
  void aHugeLengthFieldOnAPlainStreamFailsAtTheEndOfTheDataWithoutAllocatingIt() {
    // Many corrupt parts in a row: if each allocated its declared 512 MiB the test would run out
    // of memory long before the end.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(part(0, (1 << 29) - 1, new byte[0]));
    out.writeBytes(new byte[2000]);
    FormatException e = readAllExpectingError(out.toByteArray(), false);
    assertThat(e.offset()).isZero();
    assertThat(e).hasMessageContaining("truncated part");
  }

  @Test
  void aMiddleOrLastPartWithoutAFirstPartIsAnError() {
    for (int cflag : new int[] {2, 3}) {
      byte[] file = concat(part(0, ascii("ok")), part(cflag, ascii("orphan")));
      FormatException e = readAllExpectingError(file, true);
      assertThat(e.offset()).isEqualTo(12);
      assertThat(e).hasMessageContaining("cflag " + cflag).hasMessageContaining("no first part");
    }
  }

  @Test
  void aWholeOrFirstPartInsideASplitRecordIsAnError() {
    for (int cflag : new int[] {0, 1}) {
      byte[] file = concat(part(1, ascii("abcd")), part(2, ascii("efgh")), part(cflag, ascii("x")));
      FormatException e = readAllExpectingError(file, true);
      assertThat(e.offset()).isEqualTo(24);
      assertThat(e).hasMessageContaining("inside the split record that began at offset 0");
    }
  }

  @Test
  void theFileEndingInsideASplitRecordIsAnError() {
    byte[] file = concat(part(1, ascii("abcd")), part(2, ascii("efgh")));
    FormatException e = readAllExpectingError(file, true);
    assertThat(e.offset()).isEqualTo(24);
    assertThat(e).hasMessageContaining("ends inside the split record that began at offset 0");
  }

  @Test
  void aCflagAboveThreeIsAnError() {
    byte[] file = part(5, ascii("abcd"));
    FormatException e = readAllExpectingError(file, true);
    assertThat(e).hasMessageContaining("invalid cflag 5");
  }

  @Test
  void seekingBackwardsOnAPlainStreamOrToAnUnalignedOffsetIsRefused() throws IOException {
    byte[] file = TestData.write(List.of(new byte[200], ascii("b"))).bytes();
    try (RecordIOReader r = new RecordIOReader(new ByteArrayInputStream(file), "f", file.length,
        64)) {
      r.seek(208);
      assertThat(r.next()).isEqualTo(ascii("b"));
      assertThatThrownBy(() -> r.seek(0)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> r.seek(6)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> r.seek(file.length + 4))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Where to cut the file, which byte to change and to what, and whether its length is known. */
  record Damage(int cut, int flipAt, byte flipTo, boolean knownLength) {}

  @Test
  void anyTruncationOrByteCorruptionGivesRecordsOrAFormatExceptionNeverAnythingElse() {
    SeededProperty.check(300,
        r -> new Damage(r.nextInt(0, 10_001), r.nextInt(0, 10_001), (byte) r.nextInt(),
            r.nextBoolean()),
        d -> readDamaged(d.cut(), d.flipAt(), d.flipTo(), d.knownLength()));
  }

  private static void readDamaged(int cut, int flipAt, byte flipTo, boolean knownLength) {
    byte[] good = TestData.write(List.of(ascii("alpha"),
        concat(ascii("ABCD"), TestData.MAGIC, TestData.MAGIC, ascii("EFGHI")), new byte[0],
        concat(TestData.MAGIC, new byte[37]), ascii("omega"))).bytes();
    byte[] bad = Arrays.copyOf(good, cut % (good.length + 1));
    if (bad.length > 0) {
      bad[flipAt % bad.length] = flipTo;
    }
    RecordIOReader r = new RecordIOReader(new ByteArrayInputStream(bad), "bad.rec",
        knownLength ? bad.length : -1, 64);
    try {
      int records = 0;
      while (r.next() != null) {
        records++;
        assertThat(records).isLessThanOrEqualTo(bad.length / 8);
      }
    } catch (FormatException e) {
      assertThat(e.offset()).isBetween(0L, (long) bad.length);
      assertThat(e.offset() % 4).isZero();
    } catch (IOException e) {
      throw new AssertionError("expected FormatException, got " + e, e);
    }
  }
}
