package org.kindling.io.source;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-JVM S3 server (s3proxy, transient store) with one bucket, and a plain SDK client (public:
 * other modules' tests take it from this module's test jar).
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS = "kindling-access";
  public static final String SECRET = "kindling-secret";

  final S3ProxyJunitCore proxy;
  public final S3Client client;
  public final String bucket;

  public S3TestServer(String bucket) throws Exception {
    this.bucket = bucket;
    proxy = new S3ProxyJunitCore.Builder().withCredentials(ACCESS, SECRET)
        .withBlobStoreProvider("transient").build();
    proxy.beforeEach();
    client = S3Client.builder().endpointOverride(proxy.getUri()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS, SECRET)))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
    client.createBucket(b -> b.bucket(bucket));
  }

  public URI endpoint() {
    return proxy.getUri();
  }

  /** A configuration for the native s3:// store against {@code endpoint}, fast retries. */
  Configuration conf(URI endpoint) {
    Configuration conf = new Configuration(false);
    conf.set(S3Settings.ENDPOINT_KEY, endpoint.toString());
    conf.setBoolean(S3Settings.PATH_STYLE_KEY, true);
    conf.set(S3Settings.ACCESS_KEY_KEY, ACCESS);
    conf.set(S3Settings.SECRET_KEY_KEY, SECRET);
    conf.setInt(S3Settings.PART_BYTES_KEY, S3Settings.MIN_PART_BYTES);
    conf.setLong(RetryPolicy.BASE_MS_KEY, 1);
    conf.setLong(RetryPolicy.MAX_MS_KEY, 4);
    return conf;
  }

  Configuration conf() {
    return conf(endpoint());
  }

  void put(String key, byte[] bytes) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  boolean exists(String key) {
    return client.listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents().stream()
        .anyMatch(o -> o.key().equals(key));
  }

  int uploadsInProgress() {
    return client.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
  }

  String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public void close() {
    client.close();
    proxy.afterEach();
  }
}
