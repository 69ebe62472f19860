package org.kindling.spark.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.IndexedRecordIOReader;

class RecordIOSourceWriteTest {
  /** A write job's id in its file names. */
  private static final String JOB_ID =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final StructType LABELLED = new StructType()
      .add("id", DataTypes.IntegerType)
      .add("label", DataTypes.DoubleType)
      .add("labels", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("data", DataTypes.BinaryType);

  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = RecordIOFiles.spark("RecordIOSourceWriteTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Row i: id 100+i, label i%4, three labels on every fifth row, i+1 content bytes. */
  private static Dataset<Row> frame(int rows, int partitions) {
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      byte[] data = new byte[i + 1];
      new Random(i).nextBytes(data);
      List<Double> labels = i % 5 == 4 ? List.of(1.0 * i, 2.0, 3.5) : null;
      list.add(RowFactory.create(100 + i, (double) (i % 4), labels, data));
    }
    return spark.createDataFrame(list, LABELLED).repartition(partitions);
  }

  /** The record MXNet's pack makes of {@link #frame}'s row i. */
  private static byte[] packed(int i, byte[] data) {
    ImageRecordHeader h = i % 5 == 4
        ? ImageRecordHeader.ofLabels(new float[] {i, 2f, 3.5f}, 100 + i, 0)
        : ImageRecordHeader.of(i % 4, 100 + i, 0);
    return ImageRecordHeader.pack(h, data);
  }

  /** The file names in {@code d}, sorted, with the write job's id shown as {@code ID}. */
  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString().replaceAll(JOB_ID, "ID")).sorted().toList();
    }
  }

  /** The distinct job ids in the part names in {@code d}. */
  private static java.util.Set<String> ids(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> PartName.parse(p.getFileName().toString())).filter(n -> n != null)
          .map(PartName::jobId).collect(java.util.stream.Collectors.toSet());
    }
  }

  /** The file of part {@code number} ({@code .rec} or {@code .idx}) in {@code d}. */
  private static Path part(Path d, int number, String ext) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      List<Path> found = s.filter(p -> p.getFileName().toString()
          .matches(String.format("part-%05d-%s\\%s", number, JOB_ID, ext))).toList();
      assertThat(found).as("part %d%s in %s", number, ext, d).hasSize(1);
      return found.get(0);
    }
  }

  @Test
  void eachPartitionBecomesARecAndAnIdxThatMxnetStyleReadersRead() throws IOException {
    Path out = dir.resolve("round");
    Dataset<Row> df = frame(23, 3);
    List<Row> source = df.collectAsList(); // the written order, partition by partition

    df.write().format("recordio").save(out.toString());

    assertThat(names(out)).containsExactly("_SUCCESS", "part-00000-ID.idx", "part-00000-ID.rec",
        "part-00001-ID.idx", "part-00001-ID.rec", "part-00002-ID.idx", "part-00002-ID.rec");
    assertThat(ids(out)).as("one job id in every name").hasSize(1);
    List<byte[]> written = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      Path rec = part(out, p, ".rec");
      Path idx = part(out, p, ".idx");
      List<LocatedRecord> records = RecordIOFiles.readAll(rec);
      try (IndexedRecordIOReader reader = IndexedRecordIOReader.open(
          new org.apache.hadoop.fs.Path(idx.toUri()), new org.apache.hadoop.fs.Path(rec.toUri()),
          new Configuration())) {
        assertThat(reader.keys()).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
          long id = ImageRecordHeader.unpack(records.get(i).payload()).header().id();
          assertThat(reader.keys().get(i)).isEqualTo(Long.toString(id));
          assertThat(reader.read(id)).isEqualTo(records.get(i).payload());
        }
      }
      records.forEach(r -> written.add(r.payload()));
    }
    assertThat(written).hasSize(23);
    for (int i = 0; i < 23; i++) {
      Row row = source.get(i);
      int n = row.getInt(0) - 100;
      assertThat(written.get(i)).isEqualTo(packed(n, (byte[]) row.getAs("data")));
    }

    List<Row> back = spark.read().format("recordio").load(out.toString())
        .select("id", "label", "data").collectAsList();
    assertThat(back).extracting(r -> r.getLong(0))
        .containsExactlyElementsOf(source.stream().map(r -> (long) r.getInt(0)).toList());
  }

  @Test
  void aReadFrameWritesBackByteForByte() throws IOException {
    Path in = RecordIOFiles.write(Files.createDirectory(dir.resolve("in")).resolve("a.rec"),
        RecordIOFiles.imageRecords(new Random(4), 30, 90, 7));
    Path out = dir.resolve("copy");

    spark.read().format("recordio").option("numPartitions", 4).load(in.toString())
        .write().format("recordio").save(out.toString());

    List<byte[]> original = RecordIOFiles.readAll(in).stream().map(LocatedRecord::payload)
        .toList();
    List<byte[]> copied = spark.read().format("recordio").option("header", "false")
        .load(out.toString()).select("data").collectAsList().stream()
        .map(r -> (byte[]) r.get(0)).toList();
    assertThat(copied).hasSize(original.size());
    for (int i = 0; i < original.size(); i++) {
      assertThat(copied.get(i)).as("record %d", i).isEqualTo(original.get(i));
    }
  }

  @Test
  void saveModesActAsSparksFileSources() throws IOException {
    Path out = dir.resolve("modes");
    frame(6, 2).write().format("recordio").save(out.toString());

    assertThatThrownBy(() -> frame(3, 1).write().format("recordio").save(out.toString()))
        .hasStackTraceContaining("already exists");
    byte[] before = Files.readAllBytes(part(out, 1, ".rec"));
    frame(3, 1).write().format("recordio").mode(SaveMode.Ignore).save(out.toString());
    assertThat(Files.readAllBytes(part(out, 1, ".rec"))).isEqualTo(before);

    frame(4, 1).write().format("recordio").mode(SaveMode.Append).save(out.toString());
    assertThat(names(out)).contains("part-00002-ID.rec", "part-00002-ID.idx")
        .doesNotContain("part-00003-ID.rec");
    assertThat(ids(out)).as("the first job's id and the append's").hasSize(2);
    assertThat(spark.read().format("recordio").load(out.toString()).count()).isEqualTo(10);

    frame(5, 1).write().format("recordio").mode(SaveMode.Overwrite).save(out.toString());
    assertThat(names(out)).containsExactly("_SUCCESS", "part-00000-ID.idx", "part-00000-ID.rec");
    assertThat(spark.read().format("recordio").load(out.toString()).count()).isEqualTo(5);
  }

  @Test
  void aFailedWriteLeavesNoPartialOrCommittedFile() throws IOException {
    Path out = dir.resolve("failed");
    frame(4, 1).write().format("recordio").save(out.toString());
    List<String> before = names(out);
    // Partition 0 (part 1) holds 501 good rows; partition 1 (part 2) fails at its last.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1003; i++) {
      rows.add(RowFactory.create(i, 1.0, null, i == 1002 ? null : new byte[] {(byte) i}));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> bad = spark.createDataFrame(jsc.parallelize(rows, 2), LABELLED);

    assertThatThrownBy(() -> bad.write().format("recordio").mode(SaveMode.Append)
        .save(out.toString()))
        .satisfies(e -> assertThat(Throwables.getStackTrace(e)).containsPattern(
            "part-00002-" + JOB_ID + "\\.rec, record 501: column data is null"));
    assertThat(names(out)).isEqualTo(before);
  }

  /**
   * A directory written before part names carried the job's id ({@code part-NNNNN.rec}) is
   * read, and an append numbers its parts after the old ones, so they are read after them.
   */
  @Test
  void aDirectoryOfOldPartNamesIsReadAndAppendedAfter() throws IOException {
    Path out = dir.resolve("old-names");
    frame(4, 1).write().format("recordio").save(out.toString());
    for (String ext : List.of(".rec", ".idx")) {
      Files.move(part(out, 0, ext), out.resolve("part-00000" + ext));
    }
    assertThat(names(out)).containsExactly("_SUCCESS", "part-00000.idx", "part-00000.rec");

    frame(7, 1).write().format("recordio").mode(SaveMode.Append).save(out.toString());

    assertThat(names(out)).containsExactly("_SUCCESS", "part-00000.idx", "part-00000.rec",
        "part-00001-ID.idx", "part-00001-ID.rec");
    List<Long> ids = spark.read().format("recordio").option("numPartitions", 1)
        .load(out.toString()).select("id").collectAsList().stream().map(r -> r.getLong(0))
        .toList();
    assertThat(ids).hasSize(11);
    assertThat(ids.subList(0, 4)).containsExactlyInAnyOrder(100L, 101L, 102L, 103L);
    assertThat(ids.subList(4, 11)).containsExactlyInAnyOrder(100L, 101L, 102L, 103L, 104L,
        105L, 106L);
  }

  @Test
  void rawRecordsWriteTheDataColumnAsIs() {
    Path out = dir.resolve("raw");
    List<Row> rows = List.of(RowFactory.create((Object) new byte[] {1, 2, 3}),
        RowFactory.create((Object) new byte[0]));
    StructType schema = new StructType().add("data", DataTypes.BinaryType);
    spark.createDataFrame(rows, schema).coalesce(1).write().format("recordio")
        .option("header", "false").save(out.toString());

    List<Row> back = spark.read().format("recordio").option("header", "false")
        .load(out.toString()).collectAsList();
    assertThat(back).extracting(r -> ((byte[]) r.getAs("data")).length).containsExactly(3, 0);
  }

  @Test
  void framesThatCannotBeWrittenAreRefusedNamingTheColumn() {
    StructType noData = new StructType().add("label", DataTypes.FloatType);
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(1f)), noData);
    assertThatThrownBy(() -> df.write().format("recordio").save(dir.resolve("x").toString()))
        .hasStackTraceContaining("writes a column data (binary), but the frame has only label");
    assertThatThrownBy(() -> frame(2, 1).write().format("recordio").option("header", "false")
        .save(dir.resolve("y").toString()))
        .hasStackTraceContaining("column label cannot be written with option header=false");
    StructType stringLabel = new StructType().add("label", DataTypes.StringType)
        .add("data", DataTypes.BinaryType);
    Dataset<Row> df2 = spark.createDataFrame(
        List.of(RowFactory.create("cat", new byte[1])), stringLabel);
    assertThatThrownBy(() -> df2.write().format("recordio").save(dir.resolve("z").toString()))
        .hasStackTraceContaining("column label must be numeric, not string");
  }
}
