package org.kindling.bench.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.kindling.bench.MachineInfo;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.source.S3Settings;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.engine.Engines;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * RecordIO read throughput and hidden storage latency (issue 9's goals). Prints a Markdown
 * section:
 *
 * <ul>
 *   <li>records/s and MB/s of a {@link RecordIOSplit} part reader over one {@code .rec} of
 *       image-sized records (20-200 KB) from a local file, from HDFS (a MiniDFSCluster in this
 *       JVM) and from S3 (s3proxy in this JVM, the native {@code s3://} store), each next to a raw
 *       sequential read of the same bytes from the same store in the same run (Hadoop's stream;
 *       the AWS SDK's {@code GetObject}); passes alternate raw/RecordIO, best of 3 after a
 *       warm-up pass;
 *   <li>LeNet training steps (batch 64, the task's reading stack: part reader, {@link
 *       PrefetchingRecordSource}, {@link RawImageRecordIter}) on 28x28 raw records read from
 *       {@code file://} and from {@code delayed://} ({@link DelayedFileSystem}: 50 ms before every
 *       ranged read), runs alternating, for each of the prefetch settings given.
 * </ul>
 *
 * <p>usage: {@code IoBench [megabytes (default 128)] [lenet steps per run (default 60; 0: no
 * LeNet rows)]}
 */
public final class IoBench {
  private static final int RAW_BUFFER = 4 << 20;
  private static final int PASSES = 3;
  private static final int LENET_BATCH = 64;
  private static final int LENET_RECORDS = 5120;
  private static final int LENET_ROUNDS = 3;
  private static final String ACCESS = "bench-access";
  private static final String SECRET = "bench-secret";

  private IoBench() {}

  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    Path dir = Files.createTempDirectory("kindling-io-bench");
    try {
      run(dir, megabytes, steps);
    } finally {
      deleteTree(dir);
    }
  }

  private static void run(Path dir, int megabytes, int steps) throws Exception {
    Path rec = writeImageSized(dir.resolve("data.rec"), (long) megabytes << 20);
    System.out.println("- machine: " + MachineInfo.line());
    System.out.println("- load average before: " + loadAverage());
    System.out.printf(Locale.ROOT, "- data: one .rec of %.1f MB, %d records of 20-200 KB%n",
        Files.size(rec) / 1048576.0, countRecords(rec));
    System.out.println("- read options: " + ReadOptions.fromConf(readConf()));
    System.out.println();
    System.out.println("| store | read | records/s | MB/s | RecordIO / raw |");
    System.out.println("|---|---|---:|---:|---:|");
    Configuration local = readConf();
    compare("local file", () -> rawRead(FileSystem.getLocal(local).open(
            new org.apache.hadoop.fs.Path(rec.toUri()))),
        rec.toUri().toString(), local);
    hdfs(dir, rec);
    s3(rec);
    if (steps > 0) {
      System.out.println();
      latency(dir, steps);
    }
    System.out.println();
    System.out.println("- load average after: " + loadAverage());
  }

  /** A raw read of the same bytes as a RecordIO read. */
  private interface RawRead {
    ReadRate run() throws IOException;
  }

  private static void compare(String store, RawRead raw, String uri, Configuration conf)
      throws IOException {
    ReadRate bestRaw = null;
    ReadRate bestRec = null;
    for (int p = 0; p <= PASSES; p++) {
      ReadRate r = raw.run();
      ReadRate c = recordRead(uri, conf);
      if (p > 0) {
        bestRaw = r.best(bestRaw);
        bestRec = c.best(bestRec);
      }
    }
    System.out.printf(Locale.ROOT, "| %s | raw sequential read | - | %.0f | |%n", store,
        bestRaw.megabytesPerSecond());
    System.out.printf(Locale.ROOT, "| %s | RecordIO part reader | %.0f | %.0f | %.2f |%n", store,
        bestRec.recordsPerSecond(), bestRec.megabytesPerSecond(),
        bestRec.megabytesPerSecond() / bestRaw.megabytesPerSecond());
  }

  /** Reads {@code in} to its end in 4 MiB reads; closes it. */
  private static ReadRate rawRead(InputStream in) throws IOException {
    byte[] buf = new byte[RAW_BUFFER];
    long t0 = System.nanoTime();
    long n = 0;
    try (in) {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        n += r;
      }
    }
    return new ReadRate(0, n, (System.nanoTime() - t0) / 1e9);
  }

  /** Every record of part 0 of 1 of {@code uri}, through the split's part reader. */
  private static ReadRate recordRead(String uri, Configuration conf) throws IOException {
    long t0 = System.nanoTime();
    RecordIOSplit split = RecordIOSplit.open(uri, conf);
    long n = 0;
    try (RecordIOPartReader part = split.openPart(0, 1)) {
      for (LocatedRecord r = part.next(); r != null; r = part.next()) {
        n++;
      }
    }
    return new ReadRate(n, split.totalBytes(), (System.nanoTime() - t0) / 1e9);
  }

  private static void hdfs(Path dir, Path rec) throws IOException {
    Configuration conf = readConf();
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile())
        .numDataNodes(1).build();
    try {
      cluster.waitActive();
      FileSystem fs = cluster.getFileSystem();
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path("/data.rec");
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(rec.toUri()), target);
      String uri = fs.getUri() + "/data.rec";
      compare("HDFS (MiniDFSCluster, 1 datanode)", () -> rawRead(fs.open(target)), uri,
          conf);
    } finally {
      cluster.shutdown();
    }
  }

  private static void s3(Path rec) throws Exception {
    S3ProxyJunitCore proxy = new S3ProxyJunitCore.Builder().withCredentials(ACCESS, SECRET)
        .withBlobStoreProvider("transient").build();
    proxy.beforeEach();
    URI endpoint = proxy.getUri();
    try (S3Client client = S3Client.builder().endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS, SECRET)))
        .forcePathStyle(true)
        // s3proxy does not check the SDK's default CRC trailers: checksums only when required
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build()) {
      client.createBucket(b -> b.bucket("bench"));
      client.putObject(b -> b.bucket("bench").key("data.rec"), RequestBody.fromFile(rec));
      Configuration conf = readConf();
      conf.set(S3Settings.ENDPOINT_KEY, endpoint.toString());
      conf.setBoolean(S3Settings.PATH_STYLE_KEY, true);
      conf.set(S3Settings.ACCESS_KEY_KEY, ACCESS);
      conf.set(S3Settings.SECRET_KEY_KEY, SECRET);
      compare("S3 (s3proxy, transient store)", () -> rawRead(client.getObject(
          b -> b.bucket("bench").key("data.rec"))), "s3://bench/data.rec",
          conf);
    } finally {
      proxy.afterEach();
    }
  }

  /** LeNet step times without and with 50 ms per ranged read, per prefetch setting. */
  private static void latency(Path dir, int steps) throws IOException {
    Path rec = writeRaw28(dir.resolve("lenet.rec"));
    System.out.printf(Locale.ROOT, "LeNet training steps, batch %d, on %d 28x28 raw records"
        + " (%.1f MB; a pass is %d steps), %d steps per run after 5 warm-up steps, runs"
        + " alternating without/with delay, %d rounds; ms/step is the median over the rounds:%n%n",
        LENET_BATCH, LENET_RECORDS, Files.size(rec) / 1048576.0, LENET_RECORDS / LENET_BATCH,
        steps, LENET_ROUNDS);
    System.out.println("| prefetch (chunk, reader threads, queue chunks) | requests per pass |"
        + " ms/step, no delay | ms/step, 50 ms per request | with / without |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (ReadOptions o : List.of(new ReadOptions(ReadOptions.DEFAULT_CHUNK_BYTES,
            ReadOptions.DEFAULT_THREADS, ReadOptions.DEFAULT_QUEUE_CHUNKS),
        new ReadOptions(64 << 10, 2, 4), new ReadOptions(16 << 10, 4, 8))) {
      double[] plain = new double[LENET_ROUNDS];
      double[] delayed = new double[LENET_ROUNDS];
      for (int round = 0; round < LENET_ROUNDS; round++) {
        plain[round] = lenetStepMs(rec.toUri().toString(), o, steps);
        delayed[round] = lenetStepMs("delayed://" + rec.toUri().getPath(), o, steps);
      }
      double a = median(plain);
      double b = median(delayed);
      System.out.printf(Locale.ROOT, "| %d KiB, %d, %d | %d | %.1f (%s) | %.1f (%s) | %.3f |%n",
          o.chunkBytes() >> 10, o.threads(), o.queueChunks(),
          (Files.size(rec) + o.chunkBytes() - 1) / o.chunkBytes(), a, list(plain), b,
          list(delayed), b / a);
    }
  }

  private static double lenetStepMs(String uri, ReadOptions o, int steps) throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.delayed.impl", DelayedFileSystem.class.getName());
    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, o.chunkBytes());
    conf.setInt(ReadOptions.THREADS_KEY, o.threads());
    conf.setInt(ReadOptions.QUEUE_CHUNKS_KEY, o.queueChunks());
    RecordIOSplit split = RecordIOSplit.open(uri, conf);
    try (DataIter data = RawImageRecordIter.builder(new PrefetchingRecordSource(
            split.openPart(0, 1)), Shape.of(1, 28, 28), LENET_BATCH).scale(1f / 255).build();
        Module module = new Module(Zoo.get("lenet", 10, Shape.of(1, 28, 28)))) {
      module.bind(Shape.of(LENET_BATCH, 1, 28, 28), Shape.of(LENET_BATCH), true);
      module.initParams(new Xavier(42));
      module.initOptimizer(null, SGD.builder().learningRate(0.05f).momentum(0.9f)
          .rescaleGrad(1f / LENET_BATCH).build());
      train(module, data, 5);
      Engines.get().waitAll();
      long t0 = System.nanoTime();
      train(module, data, steps);
      Engines.get().waitAll();
      return (System.nanoTime() - t0) / 1e6 / steps;
    }
  }

  private static void train(Module module, DataIter data, int steps) throws IOException {
    for (int s = 0; s < steps; s++) {
      DataBatch next = data.next();
      if (next == null) {
        data.reset();
        next = data.next();
      }
      try (DataBatch batch = next) {
        module.forwardBackward(batch);
        module.update();
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String list(double[] v) {
    List<String> s = new ArrayList<>();
    for (double x : v) {
      s.add(String.format(Locale.ROOT, "%.1f", x));
    }
    return String.join(", ", s);
  }

  /** Records of 20-200 KB of random bytes (JPEG-sized) until {@code bytes} are written. */
  private static Path writeImageSized(Path file, long bytes) throws IOException {
    Random r = new Random(42);
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      long written = 0;
      while (written < bytes) {
        byte[] b = new byte[r.nextInt(20 << 10, 200 << 10)];
        r.nextBytes(b);
        w.write(b);
        written += b.length + 8;
      }
    }
    return file;
  }

  private static Path writeRaw28(Path file) throws IOException {
    Random r = new Random(7);
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < LENET_RECORDS; i++) {
        byte[] px = new byte[28 * 28];
        r.nextBytes(px);
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), px));
      }
    }
    return file;
  }

  private static long countRecords(Path rec) throws IOException {
    return RecordIOSplit.open(rec.toUri().toString(), new Configuration()).countRecords(0, 1)
        .records();
  }

  /**
   * A configuration with the read options of the throughput rows: the defaults, or the {@code
   * kindling.io.read.*} keys given as system properties ({@code -Dkindling.io.read.threads=1}).
   */
  private static Configuration readConf() {
    Configuration conf = new Configuration();
    for (String key : List.of(ReadOptions.CHUNK_BYTES_KEY, ReadOptions.THREADS_KEY,
        ReadOptions.QUEUE_CHUNKS_KEY)) {
      String value = System.getProperty(key);
      if (value != null) {
        conf.set(key, value);
      }
    }
    return conf;
  }

  /** Removes the data and the MiniDFSCluster's directories (hundreds of MB). */
  private static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }
}
