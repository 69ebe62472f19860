package org.kindling.bench.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.kindling.bench.MachineInfo;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordView;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.source.S3Settings;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
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
 *   <li>records/s, MB/s and process CPU per GB of a {@link RecordIOSplit} part reader over one
 *       {@code .rec} of image-sized records (20-200 KB) from a local file, from HDFS (a
 *       MiniDFSCluster in this JVM) and from S3 (s3proxy in this JVM, through the native {@code
 *       s3://} store and through Hadoop's {@code s3a://}), each next to a raw sequential read of the same bytes from the same store in the
 *       same run (Hadoop's stream; one AWS SDK {@code GetObject}), for several read variants
 *       (records copied out or views; chunk sizes; on S3 one sequential GET or parallel ranged
 *       GETs); best of 3 passes after a warm-up pass;
 *   <li>{@link RecordCopyCost}: the CPU per record of the training task's one record copy;
 *   <li>{@link LenetLatency}: LeNet training steps with and without 50 ms per ranged read, read in
 *       file order through each prefetch setting;
 *   <li>{@link TaskReadLatency}: LeNet training steps with 0 and 50 ms per request, read as a
 *       training task reads by default on a remote store (shuffled, in chunks).
 * </ul>
 *
 * <p>usage: {@code IoBench [megabytes (default 128)] [lenet steps per run (default 60; 0: no
 * LeNet rows, neither {@link LenetLatency}'s nor {@link TaskReadLatency}'s, whose runs are whole
 * epochs)]}
 */
public final class IoBench {
  private static final int RAW_BUFFER = 4 << 20;
  private static final int PASSES = 5;
  /**
   * Reads of the file per local measurement: one read from the page cache takes tens of
   * milliseconds, shorter than the scheduling noise of a loaded machine.
   */
  private static final int LOCAL_REPEAT = 8;
  private static final String ACCESS = "bench-access";
  private static final String SECRET = "bench-secret";

  private IoBench() {}

  public static void main(String[] args) throws Exception {
    // s3proxy does not check the SDK's default CRC trailers (s3a's client reads these properties)
    System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
    System.setProperty("aws.responseChecksumValidation", "WHEN_REQUIRED");
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
    System.out.println("- read options: each store's defaults (ReadOptions.forFile), unless set"
        + " by -Dkindling.io.read.*: " + readConf().getPropsWithPrefix("kindling.io.read."));
    System.out.println();
    System.out.println("Best of " + PASSES + " passes after a warm-up pass; every pass reads"
        + " raw, then each RecordIO variant (local file: each measurement reads the file "
        + LOCAL_REPEAT + " times); CPU is the process's CPU time per GB read (servers in this JVM"
        + " included), a cost measure less sensitive to the machine's load than MB/s.");
    System.out.println();
    System.out.println("| store | read | records/s | MB/s | RecordIO / raw | CPU s/GB |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    Configuration local = readConf();
    compare("local file", () -> rawRead(() -> FileSystem.getLocal(local).open(
            new org.apache.hadoop.fs.Path(rec.toUri()))),
        rec.toUri().toString(), variants(local, rec.toUri().toString(), false), LOCAL_REPEAT);
    hdfs(dir, rec);
    s3(rec);
    System.out.println();
    RecordCopyCost.run(dir, rec);
    if (steps > 0) {
      System.out.println();
      LenetLatency.run(dir, steps);
      System.out.println();
      TaskReadLatency.run(dir);
    }
    System.out.println();
    System.out.println("- load average after: " + loadAverage());
  }

  /** A raw read of the same bytes as a RecordIO read. */
  private interface RawRead {
    ReadRate run() throws IOException;
  }

  /**
   * One way of reading the file through a part reader: read options (as configuration) and
   * whether records are copied out ({@code next()}) or handed out as views ({@code nextView()}).
   */
  private record Variant(String label, Configuration conf, boolean views) {}

  /**
   * The variants measured on every store: records and views with the store's default read
   * options (the configured ones, if any), views with 1, 4, 8 and 16 MiB chunks; where the store
   * opens sequential ranges ({@code ranged}: s3://, HDFS) also views with the other read-ahead
   * (queue 0 where the default reads ahead, 4 where it does not; decision 0078) and views from
   * ranged reads on
   * reader threads ({@code kindling.io.read.sequential} false: S3's parallel GETs, Hadoop's
   * positioned reads) of 4, 8 and 16 MiB.
   */
  private static List<Variant> variants(Configuration base, String uri, boolean ranged) {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(uri);
    String defaults = "default: " + describe(ReadOptions.forFile(file, base), ranged);
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("records (next), " + defaults, base, false));
    v.add(new Variant("views (nextView), " + defaults, base, true));
    for (int mib : new int[] {1, 4, 8, 16}) {
      Configuration c = new Configuration(base);
      c.setInt(ReadOptions.CHUNK_BYTES_KEY, mib << 20);
      v.add(new Variant("views, " + describe(ReadOptions.forFile(file, c), ranged), c, true));
    }
    if (ranged) {
      // the other side of decision 0078: no read-ahead (the consumer reads the one stream, as
      // the raw read does) where the store's default reads ahead (s3://), else a reader thread
      // four chunks ahead (HDFS's reads of decision 0067)
      Configuration other = new Configuration(base);
      boolean readsAhead = ReadOptions.forFile(file, base).queueChunks() > 0;
      other.setInt(ReadOptions.QUEUE_CHUNKS_KEY, readsAhead ? 0
          : ReadOptions.DEFAULT_QUEUE_CHUNKS);
      v.add(new Variant("views, " + describe(ReadOptions.forFile(file, other), true)
          + (readsAhead ? " (no read-ahead)" : " (a reader thread ahead)"), other, true));
      for (int mib : new int[] {4, 8, 16}) {
        Configuration c = new Configuration(base);
        c.setInt(ReadOptions.CHUNK_BYTES_KEY, mib << 20);
        c.setBoolean(ReadOptions.SEQUENTIAL_KEY, false);
        v.add(new Variant("views, " + describe(ReadOptions.forFile(file, c), true), c, true));
      }
    }
    return v;
  }

  /**
   * @param streams whether the store opens ranges ({@code s3://}, HDFS), which {@link
   *     ReadOptions#sequential()} then reads as one request or stream
   */
  private static String describe(ReadOptions o, boolean streams) {
    return (o.chunkBytes() >> 10) + " KiB chunks, "
        + (streams && o.sequential() ? "one sequential request" : o.threads()
            + " threads of ranged reads") + ", queue " + o.queueChunks();
  }

  /** Prints the raw row and one row per variant; returns the best raw read. */
  private static ReadRate compare(String store, RawRead raw, String uri, List<Variant> variants,
      int repeat) throws IOException {
    ReadRate bestRaw = null;
    ReadRate[] best = new ReadRate[variants.size()];
    for (int p = 0; p <= PASSES; p++) {
      ReadRate r = null;
      for (int k = 0; k < repeat; k++) {
        r = raw.run().plus(r);
      }
      ReadRate[] got = new ReadRate[variants.size()];
      for (int i = 0; i < variants.size(); i++) {
        for (int k = 0; k < repeat; k++) {
          got[i] = recordRead(uri, variants.get(i)).plus(got[i]);
        }
      }
      if (p > 0) {
        bestRaw = r.best(bestRaw);
        for (int i = 0; i < best.length; i++) {
          best[i] = got[i].best(best[i]);
        }
      }
    }
    System.out.printf(Locale.ROOT, "| %s | raw sequential read | - | %.0f | | %.2f |%n", store,
        bestRaw.megabytesPerSecond(), bestRaw.cpuSecondsPerGigabyte());
    for (int i = 0; i < best.length; i++) {
      System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %.2f |%n", store,
          variants.get(i).label(), best[i].recordsPerSecond(), best[i].megabytesPerSecond(),
          best[i].megabytesPerSecond() / bestRaw.megabytesPerSecond(),
          best[i].cpuSecondsPerGigabyte());
    }
    return bestRaw;
  }

  /** Opens a raw read's stream (its open is part of the read, as a RecordIO read's is). */
  private interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * Opens a stream and reads it to its end in 4 MiB reads; closes it. The clock starts before the
   * open, as a RecordIO read's clock starts before its split is opened: the raw read's metadata
   * request (HDFS: the block locations; S3: the GET's response head) counts, as the RecordIO
   * read's do.
   */
  private static ReadRate rawRead(Opener opener) throws IOException {
    byte[] buf = new byte[RAW_BUFFER];
    ReadRate.Clock clock = ReadRate.start();
    long n = 0;
    try (InputStream in = opener.open()) {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        n += r;
      }
    }
    return clock.stop(0, n);
  }

  /** Every record of part 0 of 1 of {@code uri}, through the split's part reader. */
  private static ReadRate recordRead(String uri, Variant v) throws IOException {
    ReadRate.Clock clock = ReadRate.start();
    RecordIOSplit split = RecordIOSplit.open(uri, v.conf());
    long n = 0;
    try (RecordIOPartReader part = split.openPart(0, 1)) {
      if (v.views()) {
        for (RecordView r = part.nextView(); r != null; r = part.nextView()) {
          n++;
        }
      } else {
        for (LocatedRecord r = part.next(); r != null; r = part.next()) {
          n++;
        }
      }
    }
    return clock.stop(n, split.totalBytes());
  }

  /**
   * A one-datanode MiniDFSCluster under {@code dir/dfs}, every address on 127.0.0.1, up and
   * active; the caller shuts it down.
   */
  static MiniDFSCluster loopbackHdfs(Path dir, Configuration conf) throws IOException {
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile())
        .numDataNodes(1).build();
    cluster.waitActive();
    return cluster;
  }

  /** Copies the local file {@code rec} to {@code /data.rec} of {@code fs}. */
  static org.apache.hadoop.fs.Path copyIn(FileSystem fs, Path rec) throws IOException {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path("/data.rec");
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(rec.toUri()), target);
    return target;
  }

  private static void hdfs(Path dir, Path rec) throws IOException {
    Configuration conf = readConf();
    MiniDFSCluster cluster = IoBench.loopbackHdfs(dir, conf);
    try {
      FileSystem fs = cluster.getFileSystem();
      org.apache.hadoop.fs.Path target = IoBench.copyIn(fs, rec);
      String uri = fs.getUri() + "/data.rec";
      compare("HDFS (MiniDFSCluster, 1 datanode)", () -> rawRead(() -> fs.open(target)), uri,
          variants(conf, uri, true), 1);
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
      String store = "S3 (s3proxy, transient store)";
      ReadRate raw = compare(store, () -> rawRead(() -> client.getObject(
          b -> b.bucket("bench").key("data.rec"))), "s3://bench/data.rec",
          variants(conf, "s3://bench/data.rec", true), 1);
      // The server's cost per request, without Kindling: the SDK's ranged GETs, one at a time.
      long size = Files.size(rec);
      ReadRate ranged = null;
      for (int p = 0; p <= PASSES; p++) {
        ReadRate.Clock clock = ReadRate.start();
        byte[] buf = new byte[RAW_BUFFER];
        for (long at = 0; at < size; at += RAW_BUFFER) {
          String range = "bytes=" + at + "-" + (Math.min(size, at + RAW_BUFFER) - 1);
          try (InputStream in = client.getObject(
              b -> b.bucket("bench").key("data.rec").range(range))) {
            in.readNBytes(buf, 0, buf.length);
          }
        }
        ReadRate r = clock.stop(0, size);
        ranged = p == 0 ? null : r.best(ranged);
      }
      System.out.printf(Locale.ROOT, "| %s | SDK ranged GETs of 4 MiB, one at a time (no"
          + " Kindling) | - | %.0f | %.2f | %.2f |%n", store, ranged.megabytesPerSecond(),
          ranged.megabytesPerSecond() / raw.megabytesPerSecond(), ranged.cpuSecondsPerGigabyte());
      // The same object through Hadoop's s3a (positioned reads of an S3AInputStream), against
      // the same plain SDK GET.
      Configuration s3a = readConf();
      s3a.set("fs.s3a.endpoint", endpoint.toString());
      s3a.set("fs.s3a.endpoint.region", "us-east-1");
      s3a.setBoolean("fs.s3a.path.style.access", true);
      s3a.setBoolean("fs.s3a.connection.ssl.enabled", false);
      s3a.set("fs.s3a.access.key", ACCESS);
      s3a.set("fs.s3a.secret.key", SECRET);
      String s3aUri = "s3a://bench/data.rec";
      List<Variant> s3aVariants = variants(s3a, s3aUri, false);
      // the other side of decision 0083: one reader thread four chunks ahead where the default
      // has the consumer read (or none where the default reads ahead)
      Configuration otherQueue = new Configuration(s3a);
      boolean readsAhead = ReadOptions.forFile(new org.apache.hadoop.fs.Path(s3aUri), s3a)
          .queueChunks() > 0;
      otherQueue.setInt(ReadOptions.QUEUE_CHUNKS_KEY, readsAhead ? 0
          : ReadOptions.DEFAULT_QUEUE_CHUNKS);
      s3aVariants.add(new Variant("views, " + describe(ReadOptions.forFile(
          new org.apache.hadoop.fs.Path(s3aUri), otherQueue), false)
          + (readsAhead ? " (no read-ahead)" : " (a reader thread ahead)"), otherQueue, true));
      for (int mib : new int[] {4, 16}) {
        Configuration twoThreads = new Configuration(s3a);
        twoThreads.setInt(ReadOptions.CHUNK_BYTES_KEY, mib << 20);
        twoThreads.setInt(ReadOptions.THREADS_KEY, 2);
        s3aVariants.add(new Variant("views, " + describe(ReadOptions.forFile(
            new org.apache.hadoop.fs.Path(s3aUri), twoThreads), false), twoThreads, true));
      }
      compare("S3 through s3a (hadoop-aws; s3proxy)", () -> rawRead(() -> client.getObject(
          b -> b.bucket("bench").key("data.rec"))), s3aUri, s3aVariants, 1);
    } finally {
      proxy.afterEach();
    }
  }

  /** Records of 20-200 KB of random bytes (JPEG-sized) until {@code bytes} are written. */
  static Path writeImageSized(Path file, long bytes) throws IOException {
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
        ReadOptions.QUEUE_CHUNKS_KEY, ReadOptions.SEQUENTIAL_KEY)) {
      String value = System.getProperty(key);
      if (value != null) {
        conf.set(key, value);
      }
    }
    return conf;
  }

  /** Removes the data and the MiniDFSCluster's directories (hundreds of MB). */
  static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }
}
