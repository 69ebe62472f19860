package org.kindling.io.recordio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.testing.MxnetFixtures;

/** Reads {@code dmlc-sample.rec}, written by dmlc-core, and writes it again byte for byte. */
class DmlcSampleFixtureTest {
  private static final Path SAMPLE = MxnetFixtures.path("dmlc-sample.rec");

  private static byte[] expectedContent(int k) {
    return TestData.ascii((k + "\n").repeat(10));
  }

  @Test
  void readsTheTenRecordsAtTheirDocumentedOffsets() throws Exception {
    List<Long> offsets = new ArrayList<>();
    List<byte[]> records = new ArrayList<>();
    try (RecordIOReader r = RecordIOReader.open(
        new org.apache.hadoop.fs.Path(SAMPLE.toUri()), new Configuration())) {
      assertThat(r.fileLength()).isEqualTo(532);
      byte[] rec;
      while ((rec = r.next()) != null) {
        offsets.add(r.lastRecordOffset());
        records.add(rec);
      }
      assertThat(r.tell()).isEqualTo(532);
    }
    assertThat(offsets).containsExactly(0L, 52L, 104L, 156L, 208L, 260L, 312L, 364L, 416L, 468L);
    for (int i = 0; i < records.size(); i++) {
      int k = i + 1;
      ImageRecord img = ImageRecordHeader.unpack(records.get(i));
      assertThat(img.header()).isEqualTo(ImageRecordHeader.of(k % 2, k, 0));
      assertThat(img.header().flag()).isZero();
      assertThat(img.content()).isEqualTo(expectedContent(k));
    }
  }

  @Test
  void packingAndWritingTheSameRecordsReproducesTheFileByteForByte() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RecordIOWriter w = new RecordIOWriter(out)) {
      for (int k = 1; k <= 10; k++) {
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(k % 2, k, 0), expectedContent(k)));
      }
    }
    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(SAMPLE));
  }

  @Test
  void allPartsAreWholeRecords() throws Exception {
    assertThat(TestData.parts(Files.readAllBytes(SAMPLE)))
        .extracting(TestData.Part::cflag)
        .containsOnly(0)
        .hasSize(10);
  }
}
