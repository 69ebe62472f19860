package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.spark.Success$;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.source.AtomicOutput;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.split.PartHosts;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One RecordIO data set on the four stores of {@link FourStores} (local disk, HDFS, and an S3
 * server reached both through Hadoop's {@code s3a://} and Kindling's native {@code s3://}
 * client). Every store gives the same parts, record for record; writers leave nothing under the
 * final name unless they commit; {@code kindling recordio dump --part K/N} reads an {@code s3://}
 * list; {@code format("recordio")} reads the same rows from file, HDFS and s3a and writes to
 * HDFS, s3a and the native s3 store, also two appends into one directory at once. Corrupt input: {@link
 * CorruptInputIT}.
 */
class S3SourcesIT {
  private static final String ACCESS = FourStores.ACCESS;
  private static final String SECRET = FourStores.SECRET;
  private static final String BUCKET = FourStores.BUCKET;
  private static final HexFormat HEX = HexFormat.of();
  /** A write job's id in its part names. */
  private static final String JOB_ID =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private static Path work;
  private static FourStores stores;
  private static S3Client sdk;
  private static Configuration conf;
  private static String hdfsRoot;

  @BeforeAll
  static void start() throws Exception {
    work = TestDirs.fresh(Path.of("target", "s3-sources-it"));
    stores = FourStores.start(work);
    sdk = stores.sdk();
    conf = stores.conf();
    hdfsRoot = stores.hdfsRoot();
    Random random = new Random(2026);
    for (int f = 0; f < 4; f++) {
      stores.put("data/part-" + f + ".rec", recordFile(random, 150 + 60 * f));
    }
  }

  @AfterAll
  static void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  /** Records with magic words inside payloads and some records split across parts. */
  private static byte[] recordFile(Random random, int records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (RecordIOWriter w = new RecordIOWriter(bytes)) {
      for (int i = 0; i < records; i++) {
        byte[] payload = new byte[random.nextInt(0, 700)];
        random.nextBytes(payload);
        if (i % 3 == 0 && payload.length >= 12) {
          payload[4] = 0x0A;
          payload[5] = 0x23;
          payload[6] = (byte) 0xD7;
          payload[7] = (byte) 0xCE;
        }
        w.write(payload);
      }
    }
    return bytes.toByteArray();
  }

  /**
   * An s3a part is read from one GET, in order, with no HEAD of its own: the reader opens the
   * file with its listed length ({@code fs.option.openfile.length}), so the listing's status is
   * the only metadata request (before: a second HEAD per opened part). With s3a's defaults the
   * consuming thread reads the chunks itself, no reader thread ahead (decision 0083): chunks of
   * 8 KiB here, so the part is many positioned reads of the one stream, still one GET.
   */
  @Test
  void anS3aFileIsReadFromOneGetWithoutAHeadOfItsOwnOnTheConsumersThread() throws IOException {
    String uri = "s3a://" + BUCKET + "/data/part-3.rec";
    IOStatisticsSource fs = (IOStatisticsSource) FileSystem.get(java.net.URI.create(uri), conf);
    Configuration smallChunks = new Configuration(conf);
    smallChunks.setInt(ReadOptions.CHUNK_BYTES_KEY, 8192);
    Map<String, Long> before = new TreeMap<>(
        IOStatisticsSupport.snapshotIOStatistics(fs.getIOStatistics()).counters());
    RecordIOSplit split = RecordIOSplit.open(uri, smallChunks);
    long readersBefore = readerThreads();
    long readersWhileReading = -1;
    int records = 0;
    try (RecordIOPartReader part = split.openPart(0, 1)) {
      while (part.next() != null) {
        records++;
        if (records == 100) {
          readersWhileReading = readerThreads();
        }
      }
    }
    Map<String, Long> after =
        IOStatisticsSupport.snapshotIOStatistics(fs.getIOStatistics()).counters();
    java.util.function.ToLongFunction<String> made =
        k -> after.getOrDefault(k, 0L) - before.getOrDefault(k, 0L);
    assertThat(records).isEqualTo(150 + 60 * 3);
    assertThat(made.applyAsLong("action_http_get_request")).as("GETs").isEqualTo(1);
    assertThat(made.applyAsLong("action_http_head_request"))
        .as("HEADs: the listing's stat of the file, none for the open").isEqualTo(1);
    assertThat(made.applyAsLong("stream_read_seek_backward_operations")).isZero();
    assertThat(made.applyAsLong("stream_read_fully_operations")).as("positioned reads")
        .isGreaterThan(10);
    assertThat(readersWhileReading).as("reader threads started").isEqualTo(readersBefore);
  }

  /** Live reader threads of Kindling's prefetching streams (named {@code kindling-read-*}). */
  private static long readerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("kindling-read-")).count();
  }

  private static String localUri() {
    return stores.localRoot().resolve("data").toUri().toString();
  }

  @Test
  void fileHdfsS3aAndS3GiveTheSamePartsForSeveralN() throws IOException {
    List<String> uris = List.of(localUri(), hdfsRoot + "/data", "s3a://" + BUCKET + "/data",
        "s3://" + BUCKET + "/data");
    List<RecordIOSplit> splits = new ArrayList<>();
    for (String uri : uris) {
      splits.add(RecordIOSplit.open(uri, conf));
    }
    for (int n : new int[] {1, 3, 8}) {
      long total = 0;
      for (int k = 0; k < n; k++) {
        List<String> reference = part(splits.get(0), k, n);
        total += reference.size();
        for (int i = 1; i < splits.size(); i++) {
          assertThat(part(splits.get(i), k, n)).as("%s part %d/%d", uris.get(i), k, n)
              .isEqualTo(reference);
        }
      }
      assertThat(total).as("records in all %d parts", n).isEqualTo(150 + 210 + 270 + 330);
    }
    // no locality on S3 (s3a's file system reports localhost, which does not count)
    for (int i : new int[] {0, 2, 3}) {
      assertThat(PartHosts.of(splits.get(i), conf).hosts(splits.get(i), 0, 1)).as(uris.get(i))
          .isEmpty();
    }
  }

  /**
   * Training's shuffled read of a part on every store: the part's records once each; local files
   * read by record, HDFS, s3a and s3 by chunk ({@code auto}), and the chunked stores in the same
   * order for the same seed, since the chunks and the order depend on the offsets alone.
   */
  @Test
  void shuffledPartsHoldThePartsRecordsOnEveryStoreAndChunkedStoresAgreeOnTheOrder()
      throws IOException {
    List<String> uris = List.of(localUri(), hdfsRoot + "/data", "s3a://" + BUCKET + "/data",
        "s3://" + BUCKET + "/data");
    Configuration chunked = new Configuration(conf);
    chunked.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, 8192);
    chunked.setInt(ShuffledPartSource.WINDOW_KEY, 2);
    for (int n : new int[] {1, 3}) {
      for (int k = 0; k < n; k++) {
        List<String> reference = part(RecordIOSplit.open(uris.get(0), conf), k, n);
        List<String> chunkOrder = null;
        for (String uri : uris) {
          List<String> lines = new ArrayList<>();
          ShuffledPartSource.Mode mode;
          try (ShuffledPartSource s = ShuffledPartSource.open(RecordIOSplit.open(uri, chunked),
              k, n, 11, 0)) {
            mode = s.mode();
            for (LocatedRecord r = s.next(); r != null; r = s.next()) {
              lines.add(new org.apache.hadoop.fs.Path(r.file()).getName() + " " + r.fileOffset()
                  + " " + r.globalOffset() + " " + sha(r.payload()));
            }
          }
          assertThat(mode).as(uri).isEqualTo(uri.startsWith("file:")
              ? ShuffledPartSource.Mode.RECORD : ShuffledPartSource.Mode.CHUNK);
          assertThat(lines).as("%s part %d/%d", uri, k, n).isNotEqualTo(reference)
              .containsExactlyInAnyOrderElementsOf(reference);
          if (mode == ShuffledPartSource.Mode.CHUNK) {
            if (chunkOrder == null) {
              chunkOrder = lines;
            }
            assertThat(lines).as("%s part %d/%d in chunk order", uri, k, n)
                .isEqualTo(chunkOrder);
          }
        }
      }
    }
  }

  private static List<String> part(String uri, int k, int n) throws IOException {
    return part(RecordIOSplit.open(uri, conf), k, n);
  }

  /** One line per record: file name, in-file offset, global offset, payload hash. */
  private static List<String> part(RecordIOSplit split, int k, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    try (RecordIOPartReader reader = split.openPart(k, n)) {
      LocatedRecord r;
      while ((r = reader.next()) != null) {
        lines.add(new org.apache.hadoop.fs.Path(r.file()).getName() + " " + r.fileOffset() + " "
            + r.globalOffset() + " " + sha(r.payload()));
      }
    }
    return lines;
  }

  @Test
  void aFailedWriteLeavesNothingUnderTheFinalNameOnHdfsS3aAndS3() throws IOException {
    // On s3:// more than one 5 MiB part: a multipart upload, aborted or completed.
    byte[] large = new byte[(5 << 20) + 4096];
    new Random(1).nextBytes(large);
    for (String dir : List.of(hdfsRoot + "/out", "s3a://" + BUCKET + "/out",
        "s3://" + BUCKET + "/out")) {
      byte[] bytes = dir.startsWith("s3:") ? large : Arrays.copyOf(large, 100_000);
      org.apache.hadoop.fs.Path failed = new org.apache.hadoop.fs.Path(dir + "/failed.bin");
      try (AtomicOutput out = ByteStores.create(failed, conf)) {
        out.stream().write(bytes);
        // the job fails here: no commit
      }
      FileSystem fs = failed.toUri().getScheme().equals("s3") ? null : failed.getFileSystem(conf);
      if (fs != null) {
        assertThat(fs.exists(failed)).as(dir).isFalse();
      }
      org.apache.hadoop.fs.Path done = new org.apache.hadoop.fs.Path(dir + "/done.bin");
      try (AtomicOutput out = ByteStores.create(done, conf)) {
        out.stream().write(bytes);
        out.commit();
      }
      assertThat(sha(org.kindling.spark.HadoopFiles.readAll(done, conf))).as(dir)
          .isEqualTo(sha(bytes));
    }
    List<String> keys = sdk.listObjectsV2(b -> b.bucket(BUCKET).prefix("out/")).contents()
        .stream().map(o -> o.key()).toList();
    assertThat(keys).containsExactly("out/done.bin");
    assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    assertThat(new org.apache.hadoop.fs.Path(hdfsRoot + "/out").getFileSystem(conf)
        .listStatus(new org.apache.hadoop.fs.Path(hdfsRoot + "/out")))
        .extracting(s -> s.getPath().getName()).containsExactly("done.bin");
  }

  @Test
  void recordioDumpReadsAPartOfAnS3List() {
    String list = "s3://" + BUCKET + "/data/part-1.rec;s3://" + BUCKET + "/data/part-3.rec";
    Path data = stores.localRoot().resolve("data");
    String localList = data.resolve("part-1.rec") + ";" + data.resolve("part-3.rec");
    for (String kn : List.of("0/3", "2/3")) {
      CliRun s3 = CliRun.of("recordio", "dump", "--part", kn,
          "--conf", "kindling.s3.endpoint=" + stores.s3Endpoint(),
          "--conf", "kindling.s3.path.style=true",
          "--conf", "kindling.s3.access.key=" + ACCESS,
          "--conf", "kindling.s3.secret.key=" + SECRET, list);
      CliRun local = CliRun.of("recordio", "dump", "--part", kn, localList);
      assertThat(s3.code()).as(s3.err()).isZero();
      assertThat(local.code()).as(local.err()).isZero();
      assertThat(byName(s3.outLines())).isNotEmpty().isEqualTo(byName(local.outLines()));
      assertThat(s3.outLines()).allMatch(l -> l.split("\t")[1].startsWith("s3://" + BUCKET
          + "/data/part-"));
    }
  }

  /**
   * Dump lines with their file column cut to the file's name: the same record on two stores
   * gives the same line.
   */
  private static List<String> byName(List<String> dumpLines) {
    return dumpLines.stream().map(l -> {
      String[] cols = l.split("\t", -1);
      cols[1] = cols[1].substring(cols[1].lastIndexOf('/') + 1);
      return String.join("\t", cols);
    }).toList();
  }

  /**
   * {@code kindling recordio dump --part K/N} of one data set named across stores: a {@code ;}
   * list of an HDFS, an s3a, an s3 and a local file, and regular expressions over an s3 and an
   * HDFS directory, give the parts the same list of local files gives.
   */
  @Test
  void recordioDumpReadsListsAndPatternsAcrossStores() {
    Path data = stores.localRoot().resolve("data");
    String local = String.join(";", data.resolve("part-0.rec").toString(),
        data.resolve("part-1.rec").toString(), data.resolve("part-2.rec").toString(),
        data.resolve("part-3.rec").toString());
    String mixed = String.join(";", hdfsRoot + "/data/part-0.rec",
        "s3a://" + BUCKET + "/data/part-1.rec", "s3://" + BUCKET + "/data/part-2.rec",
        data.resolve("part-3.rec").toUri().toString());
    String s3Pattern = "s3://" + BUCKET + "/data/part-[0-3]\\.rec";
    String hdfsPattern = hdfsRoot + "/data/part-.*";
    List<String> settings = new ArrayList<>();
    conf.forEach(e -> {
      if (e.getKey().startsWith("fs.s3a.") || e.getKey().startsWith("kindling.")) {
        settings.addAll(List.of("--conf", e.getKey() + "=" + e.getValue()));
      }
    });
    for (String kn : List.of("0/4", "1/4", "3/4")) {
      CliRun reference = CliRun.of("recordio", "dump", "--part", kn, local);
      assertThat(reference.code()).as(reference.err()).isZero();
      assertThat(reference.outLines()).isNotEmpty();
      for (String uri : List.of(mixed, s3Pattern, hdfsPattern)) {
        List<String> args = new ArrayList<>(List.of("recordio", "dump", "--part", kn));
        args.addAll(settings);
        args.add(uri);
        CliRun dump = CliRun.of(args.toArray(new String[0]));
        assertThat(dump.code()).as(dump.err()).isZero();
        // the same records, each named by its own file on its own store
        assertThat(byName(dump.outLines())).as("%s part %s", uri, kn)
            .isEqualTo(byName(reference.outLines()));
      }
    }
  }

  /**
   * {@code kindling train} with its data and its checkpoints on {@code s3://}: the embedded Spark
   * session takes the S3 settings from {@code spark.hadoop.*} (system properties, as {@code
   * --conf} would set them), each task reads its byte range from S3.
   */
  @Test
  void kindlingTrainReadsItsDataFromS3AndCheckpointsThere() throws IOException {
    Path train = work.resolve("train.rec");
    Path test = work.resolve("test.rec");
    SyntheticRecords.write(train, 800, 64, 11);
    SyntheticRecords.write(test, 200, 64, 12);
    sdk.putObject(b -> b.bucket(BUCKET).key("train/train.rec"), RequestBody.fromFile(train));
    sdk.putObject(b -> b.bucket(BUCKET).key("train/test.rec"), RequestBody.fromFile(test));
    List<String> keys = List.of("spark.hadoop.kindling.s3.endpoint",
        "spark.hadoop.kindling.s3.path.style", "spark.hadoop.kindling.s3.access.key",
        "spark.hadoop.kindling.s3.secret.key");
    List<String> values = List.of(stores.s3Endpoint(), "true", ACCESS, SECRET);
    for (int i = 0; i < keys.size(); i++) {
      System.setProperty(keys.get(i), values.get(i));
    }
    CliRun trained;
    try {
      trained = CliRun.of("train", "--data", "s3://" + BUCKET + "/train/train.rec",
          "--val-data", "s3://" + BUCKET + "/train/test.rec", "--num-workers", "2",
          "--epochs", "2", "--batch-size", "32", "--input-shape", "64", "--hidden", "32",
          "--num-classes", "4", "--model-prefix", "s3://" + BUCKET + "/model/s3");
    } finally {
      keys.forEach(System::clearProperty);
    }
    assertThat(trained.code()).as(trained.err()).isZero();
    assertThat(trained.out()).startsWith("kindling: trained 2 epochs: train-accuracy ");
    List<String> written = sdk.listObjectsV2(b -> b.bucket(BUCKET).prefix("model/")).contents()
        .stream().map(o -> o.key()).toList();
    assertThat(written).contains("model/s3-symbol.json", "model/s3-0002.params",
        "model/s3-0002.states", "model/s3-history.csv")
        .noneMatch(k -> k.contains(".tmp"));
    assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
  }

  /**
   * {@code format("recordio")} over the data set on file, HDFS and s3a: the same rows in the same
   * partitions; a frame written to HDFS (staged, renamed) and to s3a (published in place) reads
   * back the same; a failed append to s3a leaves no part and no pending upload.
   */
  @Test
  void theRecordioDataSourceReadsAndWritesFileHdfsAndS3aAlike() {
    SparkSession spark = stores.spark("S3SourcesIT");
    try {
      List<String> local = rows(spark, localUri());
      assertThat(local).hasSize(150 + 210 + 270 + 330);
      assertThat(rows(spark, hdfsRoot + "/data")).isEqualTo(local);
      assertThat(rows(spark, "s3a://" + BUCKET + "/data")).isEqualTo(local);

      Dataset<Row> source = spark.read().format("recordio").option("header", "false")
          .option("numPartitions", 3).load(localUri());
      List<String> payloads = payloads(source);
      for (String out : List.of(hdfsRoot + "/ds-out", "s3a://" + BUCKET + "/ds-out")) {
        source.write().format("recordio").option("header", "false").save(out);
        assertThat(payloads(spark.read().format("recordio").option("header", "false")
            .load(out))).as(out).isEqualTo(payloads);
      }
      List<String> parts = List.of("_SUCCESS", "part-00000-ID.idx", "part-00000-ID.rec",
          "part-00001-ID.idx", "part-00001-ID.rec", "part-00002-ID.idx", "part-00002-ID.rec");
      List<String> s3Parts = s3Keys("ds-out/");
      assertThat(withoutIds(s3Parts)).isEqualTo(parts);
      org.apache.hadoop.fs.Path hdfsOut = new org.apache.hadoop.fs.Path(hdfsRoot + "/ds-out");
      assertThat(withoutIds(Arrays.stream(hdfsOut.getFileSystem(conf).listStatus(hdfsOut))
          .map(st -> st.getPath().getName()).toList())).isEqualTo(parts);

      // partition 1 fails at its last row, after partition 0 may have published part 3
      List<Row> bad = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        bad.add(RowFactory.create((Object) (i == 199 ? null : new byte[] {(byte) i})));
      }
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Dataset<Row> failing = spark.createDataFrame(jsc.parallelize(bad, 2),
          new StructType().add("data", DataTypes.BinaryType));
      assertThatThrownBy(() -> failing.write().format("recordio").option("header", "false")
          .mode(SaveMode.Append).save("s3a://" + BUCKET + "/ds-out"))
          .satisfies(e -> assertThat(Throwables.getStackTrace(e)).containsPattern(
              "part-00004-" + JOB_ID + "\\.rec, record 99: column data is null"));
      assertThat(s3Keys("ds-out/")).isEqualTo(s3Parts);
      assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      spark.stop();
    }
  }

  /**
   * {@code format("recordio")} to the native {@code s3://} store (no Hadoop file system reaches
   * it: the driver's directory work goes through the S3 byte store, the tasks prepare their parts
   * as multipart uploads that the job commit completes). The written objects are byte for byte the
   * files the same frame writes to local disk, and read back in order through {@code s3://} and
   * {@code s3a://}; {@code errorifexists} refuses the directory, {@code overwrite} replaces all of
   * it. An append whose task fails (after sending more than one multipart-upload part) leaves the
   * listing as it was and no pending upload: the failed task aborts its upload, the job aborts
   * the uploads its other task prepared and reported.
   */
  @Test
  void nativeS3WritesReadBackIdenticallyAndAFailedTaskLeavesNoObject() throws IOException {
    SparkSession spark = stores.spark("S3SourcesIT");
    try {
      Dataset<Row> source = spark.read().format("recordio").option("header", "false")
          .option("numPartitions", 3).load(localUri());
      List<String> inOrder = orderedPayloads(source);
      String out = "s3://" + BUCKET + "/native-out";
      source.write().format("recordio").option("header", "false").save(out);
      List<String> keys = s3Keys("native-out/");
      assertThat(withoutIds(keys)).containsExactly("_SUCCESS", "part-00000-ID.idx",
          "part-00000-ID.rec", "part-00001-ID.idx", "part-00001-ID.rec", "part-00002-ID.idx",
          "part-00002-ID.rec");
      Path reference = stores.localRoot().resolve("native-reference");
      source.write().format("recordio").option("header", "false").save(reference.toString());
      List<Path> localParts;
      try (var files = Files.list(reference)) {
        localParts = files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted()
            .toList();
      }
      List<String> s3Parts = keys.stream().filter(k -> k.startsWith("part-")).toList();
      assertThat(s3Parts).hasSameSizeAs(localParts);
      for (int i = 0; i < localParts.size(); i++) {
        String key = "native-out/" + s3Parts.get(i);
        assertThat(sdk.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).as(key)
            .isEqualTo(Files.readAllBytes(localParts.get(i)));
      }
      for (String uri : List.of(out, "s3a://" + BUCKET + "/native-out")) {
        assertThat(orderedPayloads(spark.read().format("recordio").option("header", "false")
            .load(uri))).as(uri).isEqualTo(inOrder);
      }
      assertThatThrownBy(() -> source.write().format("recordio").option("header", "false")
          .save(out)).hasStackTraceContaining("already exists");

      // partition 0 publishes its small part; partition 1 sends 64 KiB rows past the 5 MiB
      // part size (a multipart upload) and fails at its last row
      spark.sparkContext().hadoopConfiguration().set("kindling.s3.part.bytes",
          Integer.toString(5 << 20));
      List<Row> bad = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        bad.add(RowFactory.create((Object) (i == 199 ? null
            : i < 100 ? new byte[] {(byte) i} : new byte[64 << 10])));
      }
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Dataset<Row> failing = spark.createDataFrame(jsc.parallelize(bad, 2),
          new StructType().add("data", DataTypes.BinaryType));
      assertThatThrownBy(() -> failing.write().format("recordio").option("header", "false")
          .mode(SaveMode.Append).save(out))
          .satisfies(e -> assertThat(Throwables.getStackTrace(e)).containsPattern(
              "part-00004-" + JOB_ID + "\\.rec, record 99: column data is null"));
      assertThat(s3Keys("native-out/")).isEqualTo(keys);
      assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();

      source.coalesce(1).write().format("recordio").option("header", "false")
          .mode(SaveMode.Overwrite).save(out);
      assertThat(withoutIds(s3Keys("native-out/"))).containsExactly("_SUCCESS",
          "part-00000-ID.idx", "part-00000-ID.rec");
      assertThat(orderedPayloads(spark.read().format("recordio").option("header", "false")
          .load(out))).isEqualTo(inOrder);
    } finally {
      spark.sparkContext().hadoopConfiguration().unset("kindling.s3.part.bytes");
      spark.stop();
    }
  }

  /** The sha256 of every record's data, in the frame's order. */
  private static List<String> orderedPayloads(Dataset<Row> frame) {
    return frame.select(functions.sha2(functions.col("data"), 256)).collectAsList().stream()
        .map(r -> r.getString(0)).toList();
  }

  /**
   * Latches holding back the second partition of {@link #heldFrame}s, by name: a task's closure
   * is serialized, so it names its latch instead of capturing it (local mode: one JVM).
   */
  private static final Map<String, CountDownLatch> HELD = new ConcurrentHashMap<>();
  /** Latches the second partition of {@link #heldFrame}s counts down when it starts, by name. */
  private static final Map<String, CountDownLatch> HELD_STARTED = new ConcurrentHashMap<>();

  /**
   * A write to s3a goes through S3A's magic committer: a task that has finished (its task commit
   * done) leaves pending uploads and nothing under a final name while another task still runs;
   * the parts and {@code _SUCCESS} appear when the job commits, and no upload stays pending.
   */
  @Test
  void s3aPartsAppearOnlyWhenTheJobCommits() throws Exception {
    SparkSession spark = stores.spark("S3SourcesIT");
    try {
      CountDownLatch partition0Done = partitionZeroSucceeded(spark);
      Dataset<Row> frame = heldFrame(spark, (byte) 7, "commit");
      String out = "s3a://" + BUCKET + "/committed";

      CompletableFuture<Void> write = CompletableFuture.runAsync(() -> frame.write()
          .format("recordio").option("header", "false").save(out));
      try {
        assertThat(partition0Done.await(120, TimeUnit.SECONDS))
            .as("partition 0's task ended").isTrue();
        assertThat(s3Keys("committed/")).as("keys while partition 1 runs")
            .noneMatch(k -> k.startsWith("part-") || k.equals("_SUCCESS"));
        // partition 0's two files are written and pending; partition 1's are open
        assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET).prefix("committed/"))
            .uploads()).extracting(u -> u.key()).as("pending uploads, under the final names")
            .anyMatch(k -> k.matches("committed/part-00000-" + JOB_ID + "\\.rec"))
            .anyMatch(k -> k.matches("committed/part-00000-" + JOB_ID + "\\.idx"));
      } finally {
        HELD.get("commit").countDown();
      }
      write.get(120, TimeUnit.SECONDS);

      assertThat(withoutIds(s3Keys("committed/"))).containsExactly("_SUCCESS",
          "part-00000-ID.idx", "part-00000-ID.rec", "part-00001-ID.idx", "part-00001-ID.rec");
      assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
      assertThat(payloads(spark.read().format("recordio").option("header", "false").load(out)))
          .isEqualTo(payloads(frame));
    } finally {
      spark.stop();
    }
  }

  /**
   * A write to native {@code s3://} keeps every part invisible until the job commits: a task
   * that has finished leaves its {@code .rec} and {@code .idx} as multipart uploads in progress
   * and nothing under a final name while another task still runs; the job commit completes them
   * (parts and {@code _SUCCESS} appear, rows read back) and aborts an upload carrying the job's
   * id that no winning task reported (as a lost or losing task attempt leaves), but not another
   * job's upload in the same directory. The session serializes with Kryo: the uploads travel in
   * the task results, which Spark serializes with the configured serializer.
   */
  @Test
  void nativeS3PartsAppearOnlyWhenTheJobCommits() throws Exception {
    SparkSession spark = stores.spark("S3SourcesIT",
        Map.of("spark.serializer", "org.apache.spark.serializer.KryoSerializer"));
    String otherJob = "part-00000-00000000-0000-4000-8000-000000000000.rec";
    try {
      CountDownLatch partition0Done = partitionZeroSucceeded(spark);
      Dataset<Row> frame = heldFrame(spark, (byte) 9, "native commit");
      String out = "s3://" + BUCKET + "/native-committed";

      CompletableFuture<Void> write = CompletableFuture.runAsync(() -> frame.write()
          .format("recordio").option("header", "false").save(out));
      try {
        assertThat(partition0Done.await(120, TimeUnit.SECONDS))
            .as("partition 0's task ended").isTrue();
        assertThat(s3Keys("native-committed/")).as("objects while partition 1 runs").isEmpty();
        List<String> pending = pendingUploads("native-committed/");
        assertThat(pending).as("partition 0's uploads, in progress under the final names")
            .anyMatch(u -> u.matches("native-committed/part-00000-" + JOB_ID + "\\.rec .*"))
            .anyMatch(u -> u.matches("native-committed/part-00000-" + JOB_ID + "\\.idx .*"));
        // a lost attempt's upload of this job's part 1, and another job's upload
        String jobId = pending.get(0).replaceAll(".*part-00000-(" + JOB_ID + ").*", "$1");
        startUpload("native-committed/part-00001-" + jobId + ".rec");
        startUpload("native-committed/" + otherJob);
      } finally {
        HELD.get("native commit").countDown();
      }
      write.get(120, TimeUnit.SECONDS);

      assertThat(withoutIds(s3Keys("native-committed/"))).containsExactly("_SUCCESS",
          "part-00000-ID.idx", "part-00000-ID.rec", "part-00001-ID.idx", "part-00001-ID.rec");
      assertThat(pendingUploads("native-committed/")).as("only the other job's upload pending")
          .hasSize(1).allMatch(u -> u.startsWith("native-committed/" + otherJob + " "));
      assertThat(payloads(spark.read().format("recordio").option("header", "false").load(out)))
          .isEqualTo(payloads(frame));
    } finally {
      abortUploads("native-committed/");
      spark.stop();
    }
  }

  /**
   * A failed write to native {@code s3://} leaves no object and no upload of its own: partition
   * 0 has prepared its part (reported to the driver) and an attempt's stray upload carries the
   * job's id when partition 1 fails; the job's abort cancels both, and leaves another job's
   * upload in the same directory alone.
   */
  @Test
  void aFailedNativeS3WriteLeavesNoObjectAndNoUploadOfItsOwn() throws Exception {
    SparkSession spark = stores.spark("S3SourcesIT");
    String otherJob = "part-00001-00000000-0000-4000-8000-000000000001.idx";
    try {
      CountDownLatch partition0Done = partitionZeroSucceeded(spark);
      HELD.put("native fail", new CountDownLatch(1));
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Row> rows = new ArrayList<>(taggedRows(99, (byte) 13));
      rows.add(RowFactory.create((Object) null)); // partition 1's last row: its task fails
      Dataset<Row> frame = spark.createDataFrame(jsc.parallelize(rows, 2).map(r -> {
        if (TaskContext.getPartitionId() == 1) {
          HELD.get("native fail").await();
        }
        return r;
      }), new StructType().add("data", DataTypes.BinaryType));
      String out = "s3://" + BUCKET + "/native-failed";

      CompletableFuture<Void> write = CompletableFuture.runAsync(() -> frame.write()
          .format("recordio").option("header", "false").save(out));
      try {
        assertThat(partition0Done.await(120, TimeUnit.SECONDS))
            .as("partition 0's task ended").isTrue();
        List<String> pending = pendingUploads("native-failed/");
        assertThat(pending).as("partition 0's prepared uploads").hasSize(2);
        String jobId = pending.get(0).replaceAll(".*part-00000-(" + JOB_ID + ").*", "$1");
        startUpload("native-failed/part-00000-" + jobId + ".rec");
        startUpload("native-failed/" + otherJob);
      } finally {
        HELD.get("native fail").countDown();
      }
      assertThatThrownBy(() -> write.get(120, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(Throwables.getStackTrace(e)).containsPattern(
              "part-00001-" + JOB_ID + "\\.rec, record 49: column data is null"));

      assertThat(s3Keys("native-failed/")).isEmpty();
      assertThat(pendingUploads("native-failed/")).as("only the other job's upload pending")
          .hasSize(1).allMatch(u -> u.startsWith("native-failed/" + otherJob + " "));
    } finally {
      abortUploads("native-failed/");
      spark.stop();
    }
  }

  /** Starts a multipart upload of {@code key} with one small part, never completed. */
  private static void startUpload(String key) {
    String id = sdk.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    sdk.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(id).partNumber(1),
        RequestBody.fromBytes(new byte[] {1, 2, 3}));
  }

  /** Aborts every multipart upload in progress under {@code prefix}. */
  private static void abortUploads(String prefix) {
    for (var u : sdk.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads()) {
      sdk.abortMultipartUpload(b -> b.bucket(BUCKET).key(u.key()).uploadId(u.uploadId()));
    }
  }

  /**
   * Two jobs write into one s3a directory at once. While writer B has a committed task (its
   * uploads pending) and a task still running, writer A appends into the same directory and
   * fails: A's abort cancels only the uploads A's tasks recorded, so B's stay pending, B's job
   * commit then succeeds, and B's files hold B's rows. (S3A's own job cleanup would abort every
   * pending upload under the directory, B's too.)
   */
  @Test
  void aFailedJobAbortsOnlyItsOwnUploads() throws Exception {
    SparkSession spark = stores.spark("S3SourcesIT");
    try {
      CountDownLatch partition0Done = partitionZeroSucceeded(spark); // B's: A starts after it
      Dataset<Row> frameB = heldFrame(spark, (byte) 11, "writer B");
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Row> bad = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        bad.add(RowFactory.create((Object) (i == 59 ? null : new byte[] {(byte) i, 12})));
      }
      Dataset<Row> frameA = spark.createDataFrame(jsc.parallelize(bad, 2),
          new StructType().add("data", DataTypes.BinaryType));
      String out = "s3a://" + BUCKET + "/shared";

      CompletableFuture<Void> writeB = CompletableFuture.runAsync(() -> frameB.write()
          .format("recordio").option("header", "false").save(out));
      try {
        assertThat(partition0Done.await(120, TimeUnit.SECONDS))
            .as("writer B's partition 0 ended").isTrue();
        List<String> pendingOfB = pendingUploads("shared/");
        assertThat(pendingOfB).as("B's committed task's uploads")
            .anyMatch(u -> u.matches("shared/part-00000-" + JOB_ID + "\\.rec .*"))
            .anyMatch(u -> u.matches("shared/part-00000-" + JOB_ID + "\\.idx .*"));
        // A appends (its parts are numbered from 0 too: B's are not visible yet) and fails
        assertThatThrownBy(() -> frameA.write().format("recordio").option("header", "false")
            .mode(SaveMode.Append).save(out))
            .satisfies(e -> assertThat(Throwables.getStackTrace(e)).containsPattern(
                "part-00001-" + JOB_ID + "\\.rec, record 29: column data is null"));
        assertThat(pendingUploads("shared/")).as("pending uploads after A's abort")
            .isEqualTo(pendingOfB);
      } finally {
        HELD.get("writer B").countDown();
      }
      writeB.get(120, TimeUnit.SECONDS);

      assertThat(withoutIds(s3Keys("shared/"))).containsExactly("_SUCCESS",
          "part-00000-ID.idx", "part-00000-ID.rec", "part-00001-ID.idx", "part-00001-ID.rec");
      assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
      assertThat(payloads(spark.read().format("recordio").option("header", "false").load(out)))
          .isEqualTo(payloads(frameB));
    } finally {
      spark.stop();
    }
  }

  /**
   * Two jobs append into one directory at once, on local files, HDFS, s3a (magic committer) and
   * s3:// handed to S3A ({@code kindling.s3.native=false}, as on EMR; magic committer too):
   * append A has chosen its part numbers and holds a task while append B runs whole, so both
   * number their parts after the same existing part. Their names differ by the job's id; every
   * record of the first write and of both appends reads back exactly once (through the data
   * source, and through the io module's reader on each store, {@code s3://} too), and A's
   * commit replaces no file written before it.
   */
  @Test
  void twoConcurrentAppendsKeepEveryRecordOfBoth() throws Exception {
    SparkSession spark = stores.spark("S3SourcesIT");
    try {
      Dataset<Row> first = taggedFrame(spark, 30, (byte) 31, 1);
      Dataset<Row> frameB = taggedFrame(spark, 50, (byte) 33, 2);
      // s3:// handed to S3A, as on EMR: written through the magic committer under that scheme
      Map<String, String> s3ThroughS3a = Map.of(ByteStores.S3_NATIVE_KEY, "false", "fs.s3.impl",
          "org.apache.hadoop.fs.s3a.S3AFileSystem");
      for (String out : List.of(work.resolve("appends").toUri().toString(),
          hdfsRoot + "/appends", "s3a://" + BUCKET + "/appends",
          "s3://" + BUCKET + "/appends-s3")) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("header", "false"));
        if (out.startsWith("s3:")) {
          options.putAll(s3ThroughS3a);
          Configuration s3Conf = new Configuration(conf);
          s3ThroughS3a.forEach(s3Conf::set);
          org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(out);
          assertThat(dir.getFileSystem(s3Conf).hasPathCapability(dir,
              "fs.s3a.capability.magic.committer")).as("S3A's magic committer on s3://").isTrue();
        }
        first.write().format("recordio").options(options).save(out);
        String name = "append A to " + out;
        Dataset<Row> frameA = heldFrame(spark, (byte) 32, name);
        CompletableFuture<Void> appendA = CompletableFuture.runAsync(() -> frameA.write()
            .format("recordio").options(options).mode(SaveMode.Append).save(out));
        // the objects of an s3:// directory listed through s3a
        String listed = out.replaceFirst("^s3:", "s3a:");
        Map<String, String> beforeA;
        try {
          assertThat(HELD_STARTED.get(name).await(120, TimeUnit.SECONDS))
              .as("append A's job runs: its parts are numbered").isTrue();
          frameB.write().format("recordio").options(options).mode(SaveMode.Append).save(out);
          beforeA = partFiles(listed);
          assertThat(beforeA).as("%s: the first write's and B's parts; none of A's (staged or"
              + " pending) before its job commits", out).hasSize(6);
        } finally {
          HELD.get(name).countDown();
        }
        appendA.get(120, TimeUnit.SECONDS);

        Map<String, String> files = partFiles(listed);
        assertThat(withoutIds(files.keySet())).as(out).containsExactly(
            "part-00000-ID.idx", "part-00000-ID.rec",
            "part-00001-ID.idx", "part-00001-ID.idx", "part-00001-ID.rec", "part-00001-ID.rec",
            "part-00002-ID.idx", "part-00002-ID.idx", "part-00002-ID.rec", "part-00002-ID.rec");
        assertThat(files).as("%s: the files before A's commit, unchanged", out)
            .containsAllEntriesOf(beforeA);
        List<String> expected = new ArrayList<>(payloads(first));
        expected.addAll(payloads(frameA));
        expected.addAll(payloads(frameB));
        Collections.sort(expected);
        assertThat(payloads(spark.read().format("recordio").option("header", "false")
            .load(out))).as(out).isEqualTo(expected);
        // an S3 directory read both through s3a and through the native s3:// client
        for (String uri : new java.util.LinkedHashSet<>(List.of(out, listed,
            out.replaceFirst("^s3a:", "s3:")))) {
          assertThat(part(uri, 0, 1).stream().map(line -> line.substring(line.lastIndexOf(' ')
              + 1)).sorted().toList()).as(uri).isEqualTo(expected);
        }
      }
      assertThat(sdk.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    } finally {
      spark.stop();
    }
  }

  /** The {@code part-*} files in the directory {@code uri}: name to sha256 of its bytes. */
  private static Map<String, String> partFiles(String uri) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
    Map<String, String> files = new TreeMap<>();
    for (var s : dir.getFileSystem(conf).listStatus(dir)) {
      if (s.getPath().getName().startsWith("part-")) {
        files.put(s.getPath().getName(),
            sha(org.kindling.spark.HadoopFiles.readAll(s.getPath(), conf)));
      }
    }
    return files;
  }

  /** {@code names} sorted, each write job's id shown as {@code ID}. */
  private static List<String> withoutIds(java.util.Collection<String> names) {
    return names.stream().map(n -> n.replaceAll(JOB_ID, "ID")).sorted().toList();
  }

  /** A latch counted down when partition 0 of a task set of {@code spark} succeeds. */
  private static CountDownLatch partitionZeroSucceeded(SparkSession spark) {
    CountDownLatch done = new CountDownLatch(1);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().index() == 0 && end.reason() == Success$.MODULE$) {
          done.countDown();
        }
      }
    });
    return done;
  }

  /**
   * 100 rows {@code {i, tag}} in 2 partitions, whose second partition counts down {@code
   * HELD_STARTED.get(name)} when it starts and then waits until {@code HELD.get(name)} is
   * counted down (both latches made here).
   */
  private static Dataset<Row> heldFrame(SparkSession spark, byte tag, String name) {
    HELD.put(name, new CountDownLatch(1));
    HELD_STARTED.put(name, new CountDownLatch(1));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(taggedRows(100, tag), 2).map(r -> {
      if (TaskContext.getPartitionId() == 1) {
        HELD_STARTED.get(name).countDown();
        HELD.get(name).await();
      }
      return r;
    }), new StructType().add("data", DataTypes.BinaryType));
  }

  /** {@code n} rows {@code {i, tag}} in {@code partitions} partitions. */
  private static Dataset<Row> taggedFrame(SparkSession spark, int n, byte tag, int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(taggedRows(n, tag), partitions),
        new StructType().add("data", DataTypes.BinaryType));
  }

  /** Rows {@code {i, tag}}, {@code i < n}: one binary column, distinct for distinct tags. */
  private static List<Row> taggedRows(int n, byte tag) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create((Object) new byte[] {(byte) i, tag}));
    }
    return rows;
  }

  /** The multipart uploads pending under {@code prefix}, as "key uploadId", sorted. */
  private static List<String> pendingUploads(String prefix) {
    return sdk.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads().stream()
        .map(u -> u.key() + " " + u.uploadId()).sorted().toList();
  }

  /** Each row as "partition file offset sha256(data)", in partition and file order. */
  private static List<String> rows(SparkSession spark, String uri) {
    return spark.read().format("recordio").option("header", "false").option("numPartitions", 3)
        .load(uri).select(functions.spark_partition_id(),
            functions.substring_index(functions.col("file"), "/", -1), functions.col("offset"),
            functions.sha2(functions.col("data"), 256))
        .collectAsList().stream().map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2) + " "
            + r.get(3)).toList();
  }

  /** The sorted sha256 of every record's data. */
  private static List<String> payloads(Dataset<Row> frame) {
    return frame.select(functions.sha2(functions.col("data"), 256)).collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
  }

  /** The names of the objects under {@code prefix}, sorted, less s3a's directory marker. */
  private static List<String> s3Keys(String prefix) {
    return sdk.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .map(o -> o.key().substring(prefix.length())).filter(k -> !k.isEmpty()).sorted()
        .toList();
  }

  private static String sha(byte[] bytes) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
