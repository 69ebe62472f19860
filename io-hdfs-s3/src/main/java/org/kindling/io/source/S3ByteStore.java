package org.kindling.io.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The native {@code s3://bucket/key} store on the AWS SDK v2: HEAD and LIST for {@link #stat} and
 * {@link #list} (a key prefix followed by {@code /} is a directory, as in s3a), ranged GETs for
 * reads, and {@link S3UploadOutput} for atomic writes, which may also be prepared as uncompleted
 * multipart uploads ({@link S3PendingUpload}) that {@link #complete} publishes later. Every call goes through the {@link
 * RetryPolicy}; the SDK's own retries are off so one policy decides. Clients are built once per
 * distinct {@link S3Settings} and shared for the life of the JVM (they pool connections).
 */
public final class S3ByteStore implements ByteStore {
  /** Connections per client: enough for the reader threads of several parts at once. */
  private static final int MAX_CONNECTIONS = 64;
  private static final Map<S3Settings, S3Client> CLIENTS = new ConcurrentHashMap<>();

  private final S3Client client;
  private final S3Settings settings;
  private final RetryPolicy policy;

  private S3ByteStore(S3Client client, S3Settings settings, RetryPolicy policy) {
    this.client = client;
    this.settings = settings;
    this.policy = policy;
  }

  /** The store for {@code settings}, sharing the client of earlier stores with equal settings. */
  public static S3ByteStore of(S3Settings settings, RetryPolicy policy) {
    return new S3ByteStore(CLIENTS.computeIfAbsent(settings, S3ByteStore::newClient), settings,
        policy);
  }

  private static S3Client newClient(S3Settings s) {
    AwsCredentialsProvider credentials;
    if (s.accessKey() != null) {
      credentials = StaticCredentialsProvider.create(s.sessionToken() == null
          ? AwsBasicCredentials.create(s.accessKey(), s.secretKey())
          : AwsSessionCredentials.create(s.accessKey(), s.secretKey(), s.sessionToken()));
    } else {
      credentials = DefaultCredentialsProvider.builder().build();
    }
    boolean custom = s.endpoint() != null;
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(s.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(s.pathStyle())
        .requestChecksumCalculation(custom ? RequestChecksumCalculation.WHEN_REQUIRED
            : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(custom ? ResponseChecksumValidation.WHEN_REQUIRED
            : ResponseChecksumValidation.WHEN_SUPPORTED)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS));
    if (custom) {
      b.endpointOverride(s.endpointUri());
    }
    return b.build();
  }

  @Override
  public Path qualify(Path path) {
    return S3Location.of(path).path();
  }

  @Override
  public StoreEntry stat(Path path) throws IOException {
    S3Location at = S3Location.of(path);
    if (at.key().isEmpty()) {
      return StoreEntry.directory(at.path());
    }
    try {
      HeadObjectResponse head = call("HEAD " + at,
          () -> client.headObject(b -> b.bucket(at.bucket()).key(at.key())));
      return StoreEntry.file(at.path(), head.contentLength());
    } catch (FileNotFoundException e) {
      ListObjectsV2Response any = call("LIST " + at + "/", () -> client.listObjectsV2(
          b -> b.bucket(at.bucket()).prefix(at.childPrefix()).maxKeys(1)));
      return any.hasContents() && !any.contents().isEmpty() ? StoreEntry.directory(at.path())
          : null;
    }
  }

  /** One HEAD: no LIST for a missing key, as a directory is not a file anyway. */
  @Override
  public StoreEntry file(Path path) throws IOException {
    S3Location at = S3Location.of(path);
    if (at.key().isEmpty()) {
      return null;
    }
    try {
      HeadObjectResponse head = call("HEAD " + at,
          () -> client.headObject(b -> b.bucket(at.bucket()).key(at.key())));
      return StoreEntry.file(at.path(), head.contentLength());
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  @Override
  public List<StoreEntry> list(Path dir) throws IOException {
    S3Location at = S3Location.of(dir);
    String prefix = at.childPrefix();
    List<StoreEntry> out = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListObjectsV2Response page = call("LIST " + at + "/", () -> client.listObjectsV2(b -> b
          .bucket(at.bucket()).prefix(prefix).delimiter("/").continuationToken(next)));
      for (S3Object o : page.contents()) {
        if (!o.key().equals(prefix)) { // a "directory marker" object is not a file
          out.add(StoreEntry.file(at.withKey(o.key()).path(), o.size()));
        }
      }
      for (CommonPrefix p : page.commonPrefixes()) {
        out.add(StoreEntry.directory(at.withKey(p.prefix()).path()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    if (out.isEmpty() && stat(dir) == null) {
      throw new FileNotFoundException(at + ": no such object or prefix");
    }
    return out;
  }

  @Override
  public void delete(Path path) throws IOException {
    S3Location at = S3Location.of(path);
    call("DELETE " + at, () -> client.deleteObject(b -> b.bucket(at.bucket()).key(at.key())));
  }

  @Override
  public ByteSource open(StoreEntry file) {
    return new S3ByteSource(client, S3Location.of(file.path()), file.size());
  }

  @Override
  public AtomicOutput create(Path path) {
    S3Location at = S3Location.of(path);
    if (at.key().isEmpty()) {
      throw new IllegalArgumentException("output " + path + " names a bucket, not an object");
    }
    return new S3UploadOutput(client, at, settings.partBytes(), policy);
  }

  @Override
  public boolean publishesInPlace(Path path) {
    return true;
  }

  @Override
  public boolean completesPrepared(Path path) {
    return true;
  }

  @Override
  public void complete(PendingFile file) throws IOException {
    S3PendingUpload u = upload(file);
    if (!u.hasParts()) {
      throw new IllegalArgumentException(u + ": its parts are unknown (found by a listing), so"
          + " it can only be aborted");
    }
    S3Location at = u.location();
    call("completing " + u, () -> client.completeMultipartUpload(b -> b.bucket(at.bucket())
        .key(at.key()).uploadId(u.uploadId()).multipartUpload(m -> m.parts(u.completedParts()))));
  }

  @Override
  public void abort(PendingFile file) throws IOException {
    S3PendingUpload u = upload(file);
    S3Location at = u.location();
    try {
      call("aborting " + u, () -> client.abortMultipartUpload(b -> b.bucket(at.bucket())
          .key(at.key()).uploadId(u.uploadId())));
    } catch (FileNotFoundException gone) {
      // NoSuchUpload: already aborted or completed
    }
  }

  @Override
  public List<PendingFile> pending(Path dir, String namePrefix) throws IOException {
    S3Location at = S3Location.of(dir);
    String parent = at.childPrefix();
    String prefix = parent + namePrefix;
    List<PendingFile> out = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    do {
      String k = keyMarker;
      String i = idMarker;
      ListMultipartUploadsResponse page = call("listing the multipart uploads under " + at
          + "/" + namePrefix, () -> client.listMultipartUploads(b -> b.bucket(at.bucket())
              .prefix(prefix).keyMarker(k).uploadIdMarker(i)));
      for (MultipartUpload u : page.uploads()) {
        if (u.key().indexOf('/', parent.length()) < 0) { // directly inside dir
          out.add(S3PendingUpload.listed(at.withKey(u.key()), u.uploadId()));
        }
      }
      boolean more = Boolean.TRUE.equals(page.isTruncated());
      keyMarker = more ? page.nextKeyMarker() : null;
      idMarker = more ? page.nextUploadIdMarker() : null;
    } while (keyMarker != null);
    return out;
  }

  /** The multipart uploads in progress in this store's buckets, to list and abort. */
  S3Uploads uploads() {
    return new S3Uploads(client, policy);
  }

  private S3PendingUpload upload(PendingFile file) {
    if (file instanceof S3PendingUpload u) {
      return u;
    }
    throw new IllegalArgumentException(file + " was not prepared on an S3 store");
  }

  private <T> T call(String what, Supplier<T> call) throws IOException {
    return policy.call(what, () -> S3Errors.call(what, call));
  }

  @Override
  public String toString() {
    return "S3ByteStore[" + settings + "]";
  }
}
