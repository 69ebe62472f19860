package org.kindling.io.source;

import java.net.URI;
import org.apache.hadoop.fs.Path;

/**
 * A bucket and key parsed from {@code s3://bucket/key}; the key has no leading {@code /} and is
 * empty for the bucket itself.
 */
record S3Location(String bucket, String key) {

  static S3Location of(Path path) {
    URI uri = path.toUri();
    if (!"s3".equalsIgnoreCase(uri.getScheme()) || uri.getAuthority() == null
        || uri.getAuthority().isEmpty()) {
      throw new IllegalArgumentException("'" + path + "' is not an S3 URI of the form"
          + " s3://bucket/key");
    }
    String key = uri.getPath() == null ? "" : uri.getPath();
    while (key.startsWith("/")) {
      key = key.substring(1);
    }
    if (key.endsWith("/")) {
      key = key.substring(0, key.length() - 1);
    }
    return new S3Location(uri.getAuthority(), key);
  }

  /** The prefix under which the objects "inside" this location are listed. */
  String childPrefix() {
    return key.isEmpty() ? "" : key + "/";
  }

  Path path() {
    return new Path("s3://" + bucket + "/" + key);
  }

  /** The location of an object key in the same bucket. */
  S3Location withKey(String other) {
    return new S3Location(bucket, other);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
