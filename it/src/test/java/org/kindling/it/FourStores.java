package org.kindling.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The four stores a data set can live on, each a real server started here: the local disk, HDFS
 * (MiniDFSCluster, 32 KiB blocks so parts cross block boundaries), and an S3 server (s3proxy,
 * one bucket) reached through Hadoop's {@code s3a://} and Kindling's native {@code s3://}
 * client. One Hadoop configuration reaches all four.
 */
final class FourStores implements AutoCloseable {
  static final String ACCESS = "it-access";
  static final String SECRET = "it-secret";
  static final String BUCKET = "kindling-it";

  private final Path work;
  private final MiniDFSCluster hdfs;
  private final S3ProxyJunitCore s3proxy;
  private final S3Client sdk;
  private final Configuration conf;
  private final String hdfsRoot;

  private FourStores(Path work, MiniDFSCluster hdfs, S3ProxyJunitCore s3proxy, S3Client sdk) {
    this.work = work;
    this.hdfs = hdfs;
    this.s3proxy = s3proxy;
    this.sdk = sdk;
    this.hdfsRoot = "hdfs://localhost:" + hdfs.getNameNodePort() + "/kindling";
    this.conf = new Configuration(hdfs.getConfiguration(0));
    // one set of fs.s3a.* settings serves s3a:// and (through the fallbacks) s3://
    conf.set("fs.s3a.endpoint", s3proxy.getUri().toString());
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.setBoolean("fs.s3a.path.style.access", true);
    conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
    conf.set("fs.s3a.access.key", ACCESS);
    conf.set("fs.s3a.secret.key", SECRET);
    conf.setBoolean("fs.s3a.multiobjectdelete.enable", false);
    conf.setInt("fs.s3a.attempts.maximum", 1);
    conf.setInt("kindling.s3.part.bytes", 5 << 20); // S3's smallest part
    conf.setInt("kindling.io.read.chunk.bytes", 32 << 10); // several ranged reads per part
  }

  /** Starts HDFS and s3proxy, keeping the local files and HDFS's storage under {@code work}. */
  static FourStores start(Path work) throws IOException {
    // s3proxy answers neither the SDK's default trailing checksums nor multi-object deletes.
    System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
    System.setProperty("aws.responseChecksumValidation", "WHEN_REQUIRED");
    Configuration dfs = new Configuration();
    dfs.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
    dfs.setLong("dfs.blocksize", 32 << 10);
    dfs.setLong("dfs.namenode.fs-limits.min-block-size", 512);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(dfs).numDataNodes(1).build();
    S3ProxyJunitCore s3proxy = null;
    try {
      hdfs.waitActive();
      s3proxy = new S3ProxyJunitCore.Builder().withCredentials(ACCESS, SECRET)
          .withBlobStoreProvider("transient").build();
      s3proxy.beforeEach();
      S3Client sdk = S3Client.builder().endpointOverride(s3proxy.getUri())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(ACCESS, SECRET)))
          .forcePathStyle(true)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
      sdk.createBucket(b -> b.bucket(BUCKET));
      return new FourStores(work, hdfs, s3proxy, sdk);
    } catch (Exception e) {
      if (s3proxy != null) {
        s3proxy.afterEach();
      }
      hdfs.shutdown();
      throw e instanceof IOException io ? io : new IOException("cannot start s3proxy", e);
    }
  }

  /**
   * Writes {@code bytes} as {@code key} (a relative path) on every store.
   *
   * @return its URIs: local file, HDFS, s3a, s3 (the last two one object)
   */
  List<String> put(String key, byte[] bytes) throws IOException {
    Path local = work.resolve("local").resolve(key);
    Files.createDirectories(local.getParent());
    Files.write(local, bytes);
    org.apache.hadoop.fs.Path onHdfs = new org.apache.hadoop.fs.Path(hdfsRoot + "/" + key);
    try (FSDataOutputStream out = onHdfs.getFileSystem(conf).create(onHdfs, true)) {
      out.write(bytes);
    }
    sdk.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    return uris(key);
  }

  /** The URIs of {@code key} (a relative path) on every store: local, HDFS, s3a, s3. */
  List<String> uris(String key) {
    return List.of(work.resolve("local").resolve(key).toUri().toString(), hdfsRoot + "/" + key,
        "s3a://" + BUCKET + "/" + key, "s3://" + BUCKET + "/" + key);
  }

  /** The local directory that holds {@link #put}'s local copies. */
  Path localRoot() {
    return work.resolve("local");
  }

  /** {@code hdfs://localhost:PORT/kindling}, where {@link #put} writes on HDFS. */
  String hdfsRoot() {
    return hdfsRoot;
  }

  /** A configuration that reaches every store (s3:// through the fs.s3a.* fallbacks). */
  Configuration conf() {
    return conf;
  }

  /** An SDK client of the S3 server. */
  S3Client sdk() {
    return sdk;
  }

  /** The S3 server's endpoint. */
  String s3Endpoint() {
    return s3proxy.getUri().toString();
  }

  /** A {@code local[2]} session on loopback whose Hadoop configuration reaches every store. */
  SparkSession spark(String appName) {
    return spark(appName, java.util.Map.of());
  }

  /** {@link #spark(String)} with more Spark settings ({@code spark.serializer}, ...). */
  SparkSession spark(String appName, java.util.Map<String, String> settings) {
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName(appName)
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false");
    settings.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    conf.forEach(e -> {
      if (e.getKey().startsWith("fs.s3a.") || e.getKey().startsWith("kindling.")) {
        spark.sparkContext().hadoopConfiguration().set(e.getKey(), e.getValue());
      }
    });
    return spark;
  }

  @Override
  public void close() {
    try {
      sdk.close();
      s3proxy.afterEach();
    } finally {
      hdfs.shutdown();
      // Hadoop caches FileSystems per scheme and authority: an s3a:// bucket of the next test
      // class would otherwise get this class's instance, bound to the closed server's endpoint
      closeFileSystems();
    }
  }

  private static void closeFileSystems() {
    try {
      org.apache.hadoop.fs.FileSystem.closeAll();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot close the cached file systems", e);
    }
  }
}
