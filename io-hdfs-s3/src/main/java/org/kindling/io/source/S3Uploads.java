package org.kindling.io.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The multipart uploads in progress under an {@code s3://bucket/prefix}, listed and aborted: the
 * way out for the uploads a native {@code s3://} write leaves pending when both its executor and
 * its driver die (decision 0061), as Hadoop's {@code hadoop s3guard uploads -list/-abort} is for
 * s3a. The prefix is a key prefix, as in S3's own listing: {@code s3://b/out} also matches {@code
 * out2/x}; {@code s3://b/out/} only what lies under {@code out/}.
 *
 * <p>Uses the native store's client and retry policy ({@code kindling.s3.*}, {@code
 * kindling.io.retry.*} settings).
 */
public final class S3Uploads {
  private final S3Client client;
  private final RetryPolicy policy;

  S3Uploads(S3Client client, RetryPolicy policy) {
    this.client = client;
    this.policy = policy;
  }

  /** The uploads of the native store configured by {@code conf}. */
  public static S3Uploads fromConf(Configuration conf) {
    return S3ByteStore.of(S3Settings.fromConf(conf), RetryPolicy.fromConf(conf)).uploads();
  }

  /**
   * One multipart upload in progress.
   *
   * @param bucket its bucket
   * @param key the key it will publish when completed
   * @param uploadId its upload id
   * @param initiated when it was started (as the server reports it)
   */
  public record Upload(String bucket, String key, String uploadId, Instant initiated) {
    /** {@code s3://bucket/key}. */
    public String uri() {
      return "s3://" + bucket + "/" + key;
    }
  }

  /**
   * Every upload in progress whose key starts with the prefix of {@code prefixUri}, started
   * before {@code startedBefore} (all if null), by key, then start (S3's order, which not every
   * S3-compatible server keeps).
   *
   * @param prefixUri {@code s3://bucket} or {@code s3://bucket/key-prefix}
   * @throws IllegalArgumentException if {@code prefixUri} is not of that form
   */
  public List<Upload> list(String prefixUri, Instant startedBefore) throws IOException {
    URI uri = parse(prefixUri);
    String bucket = uri.getAuthority();
    String prefix = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
    List<Upload> out = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    do {
      String k = keyMarker;
      String i = idMarker;
      ListMultipartUploadsResponse page = call("listing the multipart uploads under "
          + prefixUri, () -> client.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)
              .keyMarker(k).uploadIdMarker(i)));
      for (MultipartUpload u : page.uploads()) {
        if (startedBefore == null || (u.initiated() != null
            && u.initiated().isBefore(startedBefore))) {
          out.add(new Upload(bucket, u.key(), u.uploadId(), u.initiated()));
        }
      }
      boolean more = Boolean.TRUE.equals(page.isTruncated());
      keyMarker = more ? page.nextKeyMarker() : null;
      idMarker = more ? page.nextUploadIdMarker() : null;
    } while (keyMarker != null);
    out.sort(Comparator.comparing(Upload::key).thenComparing(Upload::initiated,
        Comparator.nullsLast(Comparator.naturalOrder())));
    return out;
  }

  /**
   * Aborts {@code upload}: its parts are deleted and it can no longer be completed.
   *
   * @return false if it was already gone (completed or aborted meanwhile)
   */
  public boolean abort(Upload upload) throws IOException {
    try {
      call("aborting the multipart upload " + upload.uploadId() + " of " + upload.uri(),
          () -> client.abortMultipartUpload(b -> b.bucket(upload.bucket()).key(upload.key())
              .uploadId(upload.uploadId())));
      return true;
    } catch (FileNotFoundException gone) {
      return false; // NoSuchUpload
    }
  }

  private static URI parse(String prefixUri) {
    try {
      URI uri = new URI(prefixUri);
      if ("s3".equalsIgnoreCase(uri.getScheme()) && uri.getAuthority() != null
          && !uri.getAuthority().isEmpty()) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, in the same words
    }
    throw new IllegalArgumentException("'" + prefixUri + "' is not an S3 prefix of the form"
        + " s3://bucket or s3://bucket/key-prefix");
  }

  private <T> T call(String what, Supplier<T> call) throws IOException {
    return policy.call(what, () -> S3Errors.call(what, call));
  }
}
