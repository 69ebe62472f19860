package org.kindling.spark.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.testing.SeededProperty;

class RecordIOSourceReadTest {
  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = RecordIOFiles.spark("RecordIOSourceReadTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> load(String uri, int parts) {
    return spark.read().format("recordio").option("numPartitions", parts).load(uri);
  }

  @Test
  void imageRecordColumnsHoldTheHeaderTheContentAndTheLocation() throws IOException {
    byte[] a = ImageRecordHeader.pack(ImageRecordHeader.of(3f, 41, 0), new byte[] {1, 2, 3});
    byte[] b = ImageRecordHeader.pack(
        ImageRecordHeader.ofLabels(new float[] {0.5f, 7f}, -2, 0), new byte[] {9});
    Path file = RecordIOFiles.write(dir.resolve("columns.rec"), List.of(a, b));

    List<Row> rows = load(file.toString(), 1).collectAsList();

    assertThat(rows).hasSize(2);
    Row r0 = rows.get(0);
    assertThat(r0.getLong(r0.fieldIndex("id"))).isEqualTo(41L);
    assertThat(r0.getFloat(r0.fieldIndex("label"))).isEqualTo(3f);
    assertThat(r0.<Float>getList(r0.fieldIndex("labels"))).containsExactly(3f);
    assertThat((byte[]) r0.getAs("data")).containsExactly(1, 2, 3);
    assertThat(r0.<String>getAs("file")).endsWith("columns.rec").startsWith("file:");
    assertThat(r0.<Long>getAs("offset")).isZero();
    Row r1 = rows.get(1);
    assertThat(r1.<Long>getAs("id")).isEqualTo(-2L); // u64 0xFF..FE as its bit pattern
    assertThat(r1.<Float>getAs("label")).isEqualTo(0.5f);
    assertThat(r1.<Float>getList(r1.fieldIndex("labels"))).containsExactly(0.5f, 7f);
    assertThat((byte[]) r1.getAs("data")).containsExactly(9);
    assertThat(r1.<Long>getAs("offset")).isEqualTo(8L + a.length + (4 - a.length % 4) % 4);
  }

  @Test
  void rawRecordsAreWholePayloads() throws IOException {
    Path file = RecordIOFiles.write(dir.resolve("raw.rec"),
        List.of(new byte[] {5}, new byte[0], new byte[] {1, 2, 3, 4, 5, 6}));

    Dataset<Row> df = spark.read().format("recordio").option("header", "false")
        .load(file.toString());

    assertThat(df.columns()).containsExactly("data", "file", "offset");
    List<Row> rows = df.collectAsList();
    assertThat(rows).extracting(r -> ((byte[]) r.getAs("data")).length).containsExactly(1, 0, 6);
    assertThat(rows).extracting(r -> r.<Long>getAs("offset")).containsExactly(0L, 12L, 20L);
  }

  /** A data set of a few files of random sizes, read with random partition counts. */
  private record Case(List<Integer> recordsPerFile, int maxContent, List<Integer> partCounts,
      long seed) {}

  @Test
  void everyPartitionHoldsExactlyTheRecordsOfTheIoModulesPart() {
    SeededProperty.check(4, r -> new Case(
        List.of(r.nextInt(40), r.nextInt(3), 1 + r.nextInt(60)), 1 + r.nextInt(300),
        List.of(1 + r.nextInt(3), 3 + r.nextInt(8), 12 + r.nextInt(20)), r.nextLong()),
        c -> {
          Path sub = Files.createTempDirectory(dir, "case");
          List<LocatedRecord> expected = new ArrayList<>();
          List<String> files = new ArrayList<>();
          Random rnd = new Random(c.seed());
          for (int f = 0; f < c.recordsPerFile().size(); f++) {
            Path file = RecordIOFiles.write(sub.resolve("f" + f + ".rec"), RecordIOFiles
                .imageRecords(rnd, c.recordsPerFile().get(f), c.maxContent(), 1000L * f));
            expected.addAll(RecordIOFiles.readAll(file));
            files.add(file.toString());
          }
          String uri = String.join(";", files);
          for (int n : c.partCounts()) {
            Dataset<Row> df = load(uri, n).select("data", "file", "offset", "id");
            List<List<Row>> partitions = df.javaRDD().glom().collect();
            List<Row> all = new ArrayList<>();
            boolean empty = expected.isEmpty();
            assertThat(partitions).hasSize(empty ? 0 : n);
            for (int k = 0; k < partitions.size(); k++) {
              List<LocatedRecord> part = RecordIOFiles.part(uri, k, n);
              List<Row> rows = partitions.get(k);
              assertThat(rows).extracting(x -> x.<String>getAs("file") + "@" + x.getAs("offset"))
                  .as("part %d of %d", k, n).containsExactlyElementsOf(
                      part.stream().map(LocatedRecord::where).toList());
              all.addAll(rows);
            }
            // Every record exactly once, in file order, with the content RecordIOReader reads.
            assertThat(all).hasSize(expected.size());
            for (int i = 0; i < all.size(); i++) {
              Row row = all.get(i);
              LocatedRecord e = expected.get(i);
              assertThat(row.<Long>getAs("offset")).isEqualTo(e.fileOffset());
              byte[] content = ImageRecordHeader.unpack(e.payload()).content();
              assertThat((byte[]) row.getAs("data")).isEqualTo(content);
              assertThat(row.<Long>getAs("id"))
                  .isEqualTo(ImageRecordHeader.unpack(e.payload()).header().id());
            }
          }
        });
  }

  @Test
  void pathsListsDirectoriesAndPatternsNameTheSameRecords() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("set"));
    Random rnd = new Random(5);
    Path a = RecordIOFiles.write(sub.resolve("a.rec"), RecordIOFiles.imageRecords(rnd, 7, 50, 0));
    Path b = RecordIOFiles.write(sub.resolve("b.rec"), RecordIOFiles.imageRecords(rnd, 5, 50, 7));
    List<Long> ids = List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);

    assertThat(ids(spark.read().format("recordio").load(a.toString(), b.toString())))
        .isEqualTo(ids);
    assertThat(ids(load(a + ";" + b, 3))).isEqualTo(ids);
    assertThat(ids(load(sub.toString(), 2))).isEqualTo(ids);
    assertThat(ids(load(sub.resolve("[ab]\\.rec").toString(), 4))).isEqualTo(ids);
    assertThat(ids(load(sub.toUri().toString(), 1))).isEqualTo(ids);
  }

  private static List<Long> ids(Dataset<Row> df) {
    return df.select("id").collectAsList().stream().map(r -> r.getLong(0)).toList();
  }

  @Test
  void thePartitionCountFollowsMaxPartitionBytesByDefault() throws IOException {
    Path file = RecordIOFiles.write(dir.resolve("sized.rec"),
        RecordIOFiles.imageRecords(new Random(2), 40, 200, 0));
    long size = Files.size(file);
    String key = "spark.sql.files.maxPartitionBytes";
    spark.conf().set(key, "1000");
    try {
      Dataset<Row> df = spark.read().format("recordio").load(file.toString());
      assertThat(df.javaRDD().getNumPartitions()).isEqualTo((int) ((size + 999) / 1000));
      assertThat(df.count()).isEqualTo(40);
    } finally {
      spark.conf().unset(key);
    }
  }

  /**
   * Rows are built from views of the read chunks: with 1 KiB chunks and a one-chunk queue the
   * chunks are recycled many times per partition, and every row still holds its own record's
   * bytes (a row that kept a view would show a later record's bytes).
   */
  @Test
  void rowsReadFromRecycledChunksHoldTheirOwnRecordsBytes() throws IOException {
    List<byte[]> records = RecordIOFiles.imageRecords(new Random(31), 300, 300, 0);
    Path file = RecordIOFiles.write(dir.resolve("recycled.rec"), records);

    for (String header : List.of("true", "false")) {
      List<Row> rows = spark.read().format("recordio").option("numPartitions", 3)
          .option("header", header).option("kindling.io.read.chunk.bytes", 1024)
          .option("kindling.io.read.queue.chunks", 1).load(file.toString())
          .select("data").collectAsList();
      assertThat(rows).hasSize(records.size());
      for (int i = 0; i < records.size(); i++) {
        byte[] want = header.equals("true")
            ? ImageRecordHeader.unpack(records.get(i)).content() : records.get(i);
        assertThat((byte[]) rows.get(i).getAs("data")).as("record %d, header %s", i, header)
            .isEqualTo(want);
      }
    }
  }

  @Test
  void withoutHeaderColumnsNoHeaderIsParsed() throws IOException {
    // Records too short for the 24-byte header: only the location columns can be read.
    Path file = RecordIOFiles.write(dir.resolve("short.rec"),
        List.of(new byte[] {1, 2}, new byte[] {3}));
    Dataset<Row> df = load(file.toString(), 1);

    assertThat(df.select("offset", "file").collectAsList())
        .extracting(r -> r.getLong(0)).containsExactly(0L, 12L);
    assertThatThrownBy(() -> df.select("label").collectAsList())
        .hasStackTraceContaining("short.rec at byte offset 0")
        .hasStackTraceContaining("shorter than the 24-byte header");
  }

  @Test
  void aCorruptRecordIsReportedWithItsFileAndOffset() throws IOException {
    Path file = RecordIOFiles.write(dir.resolve("corrupt.rec"),
        RecordIOFiles.imageRecords(new Random(9), 6, 40, 0));
    byte[] bytes = Files.readAllBytes(file);
    long second = RecordIOFiles.readAll(file).get(1).fileOffset();
    bytes[(int) second] ^= 0x55; // break the second record's magic
    Files.write(file, bytes);

    assertThatThrownBy(() -> load(file.toString(), 1).collectAsList())
        .hasStackTraceContaining("corrupt.rec at byte offset " + second);
  }

  @Test
  void badOptionsAndMissingInputsAreNamed() {
    assertThatThrownBy(() -> load(dir.resolve("nothing.rec").toString(), 1).collectAsList())
        .hasStackTraceContaining("nothing.rec");
    assertThatThrownBy(() -> spark.read().format("recordio").option("numPartitions", "0")
        .load(dir.toString())).hasStackTraceContaining("numPartitions='0'");
    assertThatThrownBy(() -> spark.read().format("recordio").option("header", "yes")
        .load(dir.toString())).hasStackTraceContaining("header='yes'");
  }
}
