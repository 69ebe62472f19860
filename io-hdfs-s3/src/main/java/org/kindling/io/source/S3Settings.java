package org.kindling.io.source;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;

/**
 * How the native {@code s3://} client reaches its store, read from a Hadoop configuration (a Spark
 * job's {@code spark.hadoop.*} settings land there). Each {@code kindling.s3.*} key falls back to
 * the matching {@code fs.s3a.*} key, so one set of settings serves both {@code s3a://} and {@code
 * s3://}.
 *
 * <ul>
 *   <li>{@value #ENDPOINT_KEY} ({@code fs.s3a.endpoint}): endpoint of an S3-compatible store, e.g.
 *       {@code http://127.0.0.1:9000}; unset for AWS S3.
 *   <li>{@value #REGION_KEY} ({@code fs.s3a.endpoint.region}): signing region, default {@value
 *       #DEFAULT_REGION}.
 *   <li>{@value #PATH_STYLE_KEY} ({@code fs.s3a.path.style.access}): {@code host/bucket/key}
 *       addressing instead of {@code bucket.host/key}, as most S3-compatible stores need.
 *   <li>{@value #ACCESS_KEY_KEY}, {@value #SECRET_KEY_KEY}, {@value #SESSION_TOKEN_KEY} ({@code
 *       fs.s3a.access.key}, {@code secret.key}, {@code session.token}): explicit credentials;
 *       without them the SDK's default provider chain (environment, system properties, profile,
 *       container and instance roles) is used.
 *   <li>{@value #PART_BYTES_KEY}: multipart upload part size, default 8 MiB, at least 5 MiB.
 * </ul>
 *
 * <p>Request checksums are computed "when required" for a custom endpoint (S3-compatible stores
 * often reject the SDK's newer default trailing checksums) and "when supported" for AWS.
 */
public record S3Settings(String endpoint, String region, boolean pathStyle, String accessKey,
    String secretKey, String sessionToken, int partBytes) {
  public static final String ENDPOINT_KEY = "kindling.s3.endpoint";
  public static final String REGION_KEY = "kindling.s3.region";
  public static final String PATH_STYLE_KEY = "kindling.s3.path.style";
  public static final String ACCESS_KEY_KEY = "kindling.s3.access.key";
  public static final String SECRET_KEY_KEY = "kindling.s3.secret.key";
  public static final String SESSION_TOKEN_KEY = "kindling.s3.session.token";
  public static final String PART_BYTES_KEY = "kindling.s3.part.bytes";
  public static final String DEFAULT_REGION = "us-east-1";
  /** S3's smallest part (all but the last part of a multipart upload). */
  public static final int MIN_PART_BYTES = 5 << 20;
  public static final int DEFAULT_PART_BYTES = 8 << 20;

  public S3Settings {
    if (partBytes < MIN_PART_BYTES) {
      throw new IllegalArgumentException(PART_BYTES_KEY + " = " + partBytes
          + " is below S3's minimum part size " + MIN_PART_BYTES + " bytes (5 MiB)");
    }
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("set both " + ACCESS_KEY_KEY + " and " + SECRET_KEY_KEY
          + " (or fs.s3a.access.key and fs.s3a.secret.key), or neither to use the default"
          + " credential chain");
    }
  }

  /** The settings in {@code conf}. */
  public static S3Settings fromConf(Configuration conf) {
    String endpoint = get(conf, ENDPOINT_KEY, "fs.s3a.endpoint");
    String region = get(conf, REGION_KEY, "fs.s3a.endpoint.region");
    String pathStyle = get(conf, PATH_STYLE_KEY, "fs.s3a.path.style.access");
    return new S3Settings(endpoint, region == null ? DEFAULT_REGION : region,
        Boolean.parseBoolean(pathStyle),
        get(conf, ACCESS_KEY_KEY, "fs.s3a.access.key"),
        get(conf, SECRET_KEY_KEY, "fs.s3a.secret.key"),
        get(conf, SESSION_TOKEN_KEY, "fs.s3a.session.token"),
        conf.getInt(PART_BYTES_KEY, DEFAULT_PART_BYTES));
  }

  private static String get(Configuration conf, String key, String fallback) {
    String v = conf.getTrimmed(key);
    if (v == null || v.isEmpty()) {
      v = conf.getTrimmed(fallback);
    }
    return v == null || v.isEmpty() ? null : v;
  }

  /** The endpoint as a URI ({@code https://} assumed when it has no scheme), or null. */
  URI endpointUri() {
    if (endpoint == null) {
      return null;
    }
    return URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint);
  }

  /** Never prints the secret key or session token. */
  @Override
  public String toString() {
    return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle
        + ", credentials=" + (accessKey == null ? "default chain" : "explicit") + ", partBytes="
        + partBytes + "]";
  }
}
