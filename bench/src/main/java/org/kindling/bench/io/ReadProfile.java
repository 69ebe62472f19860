package org.kindling.bench.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.kindling.io.RecordView;
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
 * Where the CPU of an HDFS or s3a read goes (issue 9): a raw sequential read and RecordIO part
 * reads (views) of the same file from a MiniDFSCluster, or from s3proxy through s3a, in this JVM,
 * taking turns round after round, with each read's CPU split by thread: the server's (HDFS:
 * DataXceiver, PacketResponder; s3proxy: its Jetty threads), Kindling's reader threads ({@code
 * kindling-read-*}), the consuming thread ({@code main}), the JVM's GC and JIT compiler threads and
 * the rest. Thread CPU is polled every 20 ms (and before and after each read), so a thread that
 * ends between polls loses at most 20 ms.
 *
 * <p>usage: {@code ReadProfile [megabytes (default 128)] [rounds (default 7)] [hdfs|s3a|s3
 * (default hdfs)]}; {@code -Dvariants=pread:8:2,stream:8} (the default: {@code
 * pread:8:2,stream:4:4,stream:4} on HDFS, {@code pread:4:1:4,pread:4:1:0} on s3a, {@code
 * stream:4:4,stream:4:0} on s3) lists the RecordIO reads ({@code <MiB>} or {@code <KiB>k}): {@code
 * pread:<MiB>:<threads>[:<queue>]}
 * positioned reads ({@code kindling.io.read.sequential} false: the reads before decision 0067),
 * {@code stream:<MiB>[:<queue>]} one sequential stream ({@code queue} 0: no reader thread, the
 * consumer reads each chunk, decision 0078). The raw read is the file system's own stream in
 * 4 MiB reads; on S3 (s3a and s3) one plain SDK {@code GetObject} of the object, the reference of
 * the ratios, and on s3a also S3A's own stream.
 */
public final class ReadProfile {
  private static final String[] GROUPS = {"server", "reader", "consumer", "gc+jit", "other"};
  private static final String ACCESS = "bench-access";
  private static final String SECRET = "bench-secret";

  private ReadProfile() {}

  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    String store = args.length > 2 ? args[2] : "hdfs";
    Path dir = Files.createTempDirectory("kindling-read-profile");
    try {
      Path rec = dir.resolve("data.rec");
      IoBench.writeImageSized(rec, (long) megabytes << 20);
      if (store.equals("s3a") || store.equals("s3")) {
        s3(rec, rounds, store);
      } else {
        hdfs(dir, rec, rounds);
      }
    } finally {
      IoBench.deleteTree(dir);
    }
  }

  private record Variant(String label, Configuration conf) {}

  private static void hdfs(Path dir, Path rec, int rounds) throws Exception {
    Configuration conf = new Configuration();
    MiniDFSCluster cluster = IoBench.loopbackHdfs(dir, conf);
    try {
      FileSystem fs = cluster.getFileSystem();
      org.apache.hadoop.fs.Path target = IoBench.copyIn(fs, rec);
      profile(List.of(new Variant("raw sequential read, 4 MiB reads", null)),
          List.of(() -> fs.open(target)), fs.getFileStatus(target).getLen(),
          fs.getUri() + "/data.rec", conf, rounds, "pread:8:2,stream:4:4,stream:4");
    } finally {
      cluster.shutdown();
    }
  }

  /**
   * s3proxy in this JVM, read through Hadoop's s3a ({@code store} "s3a") or Kindling's native
   * store ({@code "s3"}); the reference read is one plain SDK {@code GetObject} of the object
   * (issue 9's yardstick), and s3a also gets a row for S3A's own stream. {@code -Ds3a.conf=k=v;k=v}
   * adds s3a settings to every s3a read (an input stream type, a read policy).
   */
  private static void s3(Path rec, int rounds, String store) throws Exception {
    System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
    System.setProperty("aws.responseChecksumValidation", "WHEN_REQUIRED");
    S3ProxyJunitCore proxy = new S3ProxyJunitCore.Builder().withCredentials(ACCESS, SECRET)
        .withBlobStoreProvider("transient").build();
    proxy.beforeEach();
    try (S3Client client = S3Client.builder().endpointOverride(proxy.getUri())
        .region(Region.US_EAST_1).forcePathStyle(true)
        // s3proxy does not check the SDK's default CRC trailers
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS, SECRET)))
        .build()) {
      client.createBucket(b -> b.bucket("bench"));
      client.putObject(b -> b.bucket("bench").key("data.rec"), RequestBody.fromFile(rec));
      long size = Files.size(rec);
      List<Variant> raws = new ArrayList<>();
      raws.add(new Variant("raw: one SDK GetObject, 4 MiB reads", null));
      Opener sdk = () -> client.getObject(b -> b.bucket("bench").key("data.rec"));
      List<Opener> opens = new ArrayList<>(List.of(sdk));
      Configuration conf = new Configuration();
      if (store.equals("s3a")) {
        conf.set("fs.s3a.endpoint", proxy.getUri().toString());
        conf.set("fs.s3a.endpoint.region", "us-east-1");
        conf.setBoolean("fs.s3a.path.style.access", true);
        conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
        conf.set("fs.s3a.access.key", ACCESS);
        conf.set("fs.s3a.secret.key", SECRET);
        for (String kv : System.getProperty("s3a.conf", "").split(";")) {
          if (!kv.isBlank()) {
            String[] f = kv.split("=", 2);
            conf.set(f[0].strip(), f[1].strip());
          }
        }
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path("s3a://bench/data.rec");
        // the cached instance: the one RecordIOSplit.open finds for the same configuration
        FileSystem fs = FileSystem.get(target.toUri(), conf);
        raws.add(new Variant("raw: S3A's stream (fs.open), 4 MiB reads", null));
        opens.add(() -> fs.open(target));
        profile(raws, opens, size, target.toString(), conf, rounds,
            "pread:4:1:4,pread:4:1:0");
      } else {
        conf.set(S3Settings.ENDPOINT_KEY, proxy.getUri().toString());
        conf.setBoolean(S3Settings.PATH_STYLE_KEY, true);
        conf.set(S3Settings.ACCESS_KEY_KEY, ACCESS);
        conf.set(S3Settings.SECRET_KEY_KEY, SECRET);
        profile(raws, opens, size, "s3://bench/data.rec", conf, rounds, "stream:4:4,stream:4:0");
      }
    } finally {
      proxy.afterEach();
    }
  }

  /** Opens the stream of a raw read (inside its clock: the open is part of the read). */
  private interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * @param raws the raw reads' rows (conf null), the first the reference of the ratios
   * @param opens the raw reads' streams, one per row of {@code raws}
   */
  private static void profile(List<Variant> raws, List<Opener> opens, long size, String uri,
      Configuration conf, int rounds, String defaultVariants) throws Exception {
    ThreadCpu cpu = new ThreadCpu();
    try {
      List<Variant> variants = new ArrayList<>(raws);
      for (String v : System.getProperty("variants", defaultVariants).split(",")) {
        String[] f = v.split(":");
        Configuration c = new Configuration(conf);
        // <MiB>, or <KiB>k
        String chunk = f[1].endsWith("k") ? f[1].substring(0, f[1].length() - 1) + " KiB"
            : f[1] + " MiB";
        c.setInt(ReadOptions.CHUNK_BYTES_KEY, f[1].endsWith("k")
            ? Integer.parseInt(f[1].substring(0, f[1].length() - 1)) << 10
            : Integer.parseInt(f[1]) << 20);
        boolean stream = f[0].equals("stream");
        c.setBoolean(ReadOptions.SEQUENTIAL_KEY, stream);
        String label;
        if (stream) {
          label = "views, one sequential stream, " + chunk + " chunks";
          if (f.length > 2) {
            c.setInt(ReadOptions.QUEUE_CHUNKS_KEY, Integer.parseInt(f[2]));
          }
          // the queue given, else the store's default (HDFS: 0 since decision 0078)
          int queue = ReadOptions.forFile(new org.apache.hadoop.fs.Path(uri), c).queueChunks();
          label += queue == 0 ? ", no read-ahead (consumer reads)" : ", queue " + queue;
        } else {
          c.setInt(ReadOptions.THREADS_KEY, Integer.parseInt(f[2]));
          label = "views, positioned reads on " + f[2] + " threads, " + chunk + " chunks";
          if (f.length > 3) {
            c.setInt(ReadOptions.QUEUE_CHUNKS_KEY, Integer.parseInt(f[3]));
          }
          int queue = ReadOptions.forFile(new org.apache.hadoop.fs.Path(uri), c).queueChunks();
          label += queue == 0 ? ", no read-ahead (consumer reads)" : ", queue " + queue;
        }
        variants.add(new Variant(label, c));
      }
      System.out.println("- store: " + uri + ", " + size + " bytes");
      System.out.println("- load average before: " + IoBench.loadAverage());
      Map<String, List<double[]>> got = new LinkedHashMap<>();
      for (Variant v : variants) {
        got.put(v.label(), new ArrayList<>());
      }
      for (int round = 0; round <= rounds; round++) {
        for (int i = 0; i < variants.size(); i++) {
          // rotate the order each round so no variant always follows the same one
          Variant v = variants.get((i + round) % variants.size());
          cpu.poll();
          Map<String, Long> before = cpu.byGroup();
          long cpu0 = ReadRate.processCpuNanos();
          long t0 = System.nanoTime();
          if (v.conf() == null) {
            rawRead(opens.get(raws.indexOf(v)).open());
          } else {
            viewRead(uri, v.conf());
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          double processCpu = (ReadRate.processCpuNanos() - cpu0) / 1e9;
          cpu.poll();
          Map<String, Long> after = cpu.byGroup();
          double gb = size / 1e9;
          double[] row = new double[3 + GROUPS.length];
          row[0] = size / seconds / (1 << 20);
          row[1] = processCpu / gb;
          for (int g = 0; g < GROUPS.length; g++) {
            row[2 + g] = (after.getOrDefault(GROUPS[g], 0L) - before.getOrDefault(GROUPS[g], 0L))
                / 1e9 / gb;
            row[2 + GROUPS.length] += row[2 + g];
          }
          if (round > 0) {
            got.get(v.label()).add(row);
          }
        }
      }
      System.out.println("- load average after: " + IoBench.loadAverage());
      System.out.printf(Locale.ROOT, "- %d rounds after a warm-up round, the variants taking"
          + " turns (order rotated each round); medians; CPU s/GB by thread%n%n", rounds);
      // the process's CPU clock ticks by 10 ms (0.075 s/GB of 128 MB); the threads' sum by ns
      System.out.println("| read | MB/s | / raw | CPU s/GB (process) | threads' sum | server"
          + " | reader threads | consumer | GC + JIT | other |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      double rawMb = 0;
      for (Map.Entry<String, List<double[]>> e : got.entrySet()) {
        double[] med = medians(e.getValue());
        if (rawMb == 0) {
          rawMb = med[0];
        }
        System.out.printf(Locale.ROOT,
            "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", e.getKey(),
            med[0], med[0] / rawMb, med[1], med[7], med[2], med[3], med[4], med[5], med[6]);
      }
      System.out.println();
      System.out.println("Threads by CPU over the whole run (digits as N): " + cpu.top(10));
      System.out.println();
      System.out.println("Per round MB/s:");
      for (Map.Entry<String, List<double[]>> e : got.entrySet()) {
        StringBuilder b = new StringBuilder("- " + e.getKey() + ":");
        for (double[] r : e.getValue()) {
          b.append(String.format(Locale.ROOT, " %.0f", r[0]));
        }
        System.out.println(b);
      }
    } finally {
      cpu.stop();
    }
  }

  private static double[] medians(List<double[]> rows) {
    double[] m = new double[rows.get(0).length];
    for (int c = 0; c < m.length; c++) {
      double[] col = new double[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        col[r] = rows.get(r)[c];
      }
      Arrays.sort(col);
      int n = col.length;
      m[c] = n % 2 == 1 ? col[n / 2] : (col[n / 2 - 1] + col[n / 2]) / 2;
    }
    return m;
  }

  private static void rawRead(InputStream in) throws IOException {
    byte[] buf = new byte[4 << 20];
    try (in) {
      while (in.read(buf) >= 0) {
        // count nothing: the size is known
      }
    }
  }

  private static void viewRead(String uri, Configuration conf) throws IOException {
    RecordIOSplit split = RecordIOSplit.open(uri, conf);
    try (RecordIOPartReader part = split.openPart(0, 1)) {
      for (RecordView r = part.nextView(); r != null; r = part.nextView()) {
        // views only: what training reads where records do not cross threads
      }
    }
  }

  /**
   * Every thread's CPU time, polled from {@code /proc/self/task/<tid>/schedstat} (nanoseconds on
   * the CPU) with its name from {@code comm}: the latest value seen per thread and the group its
   * name put it in, so the CPU of threads that end between two reads is still counted, and the
   * JVM's own threads (GC, JIT compilers) are counted too.
   */
  private static final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    private final Map<String, Long> latest = new HashMap<>();
    private final Map<String, String> group = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    ThreadCpu() {
      poller = new Thread(() -> {
        while (running) {
          poll();
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "thread-cpu-poller");
      poller.setDaemon(true);
      poller.start();
    }

    synchronized void poll() {
      try (var tasks = Files.list(TASKS)) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          String tid = task.getFileName().toString();
          try {
            long ns = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
            // A thread may rename itself (a DataXceiver names its client and operation once
            // it has one): a name that says what the thread is replaces one that does not.
            if (!group.containsKey(tid) || group.get(tid).equals("other")) {
              String name = Files.readString(task.resolve("comm")).strip();
              String g = groupOf(name);
              if (!group.containsKey(tid) || !g.equals("other")) {
                names.put(tid, name);
                group.put(tid, g);
              }
            }
            latest.put(tid, ns);
          } catch (IOException | RuntimeException e) {
            // the thread ended while being read: its last poll counts
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    synchronized Map<String, Long> byGroup() {
      Map<String, Long> sums = new HashMap<>();
      for (Map.Entry<String, Long> e : latest.entrySet()) {
        sums.merge(group.get(e.getKey()), e.getValue(), Long::sum);
      }
      return sums;
    }

    /** The threads that took the most CPU in all, as name (group): seconds. */
    synchronized String top(int n) {
      Map<String, Long> byName = new HashMap<>();
      for (Map.Entry<String, Long> e : latest.entrySet()) {
        byName.merge(names.get(e.getKey()).replaceAll("[0-9]+", "N") + " ("
            + group.get(e.getKey()) + ")", e.getValue(), Long::sum);
      }
      return byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue()
          .reversed()).limit(n).map(e -> String.format(Locale.ROOT, "%s: %.2f s", e.getKey(),
              e.getValue() / 1e9)).collect(java.util.stream.Collectors.joining("; "));
    }

    void stop() throws InterruptedException {
      running = false;
      poller.interrupt();
      poller.join();
    }

    private static String groupOf(String name) {
      if (name.startsWith("kindling-read")) {
        return "reader";
      }
      if (name.equals("java")) {
        return "consumer"; // the main thread keeps the launcher's name
      }
      if (name.startsWith("DataXceiver") || name.startsWith("PacketResponder")
          || name.startsWith("S3Proxy-Jetty") || name.startsWith("qtp")) {
        return "server";
      }
      if (name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("C1 ")
          || name.startsWith("C2 ") || name.equals("VM Thread")) {
        return "gc+jit";
      }
      return "other";
    }
  }
}
