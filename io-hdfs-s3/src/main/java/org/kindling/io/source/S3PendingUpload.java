package org.kindling.io.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An S3 multipart upload started and filled but not completed: {@link S3ByteStore#complete}
 * publishes it (one request), {@link S3ByteStore#abort} discards its parts. The parts are kept as
 * plain arrays (number, ETag, size) so any serializer a Spark job uses carries them.
 */
final class S3PendingUpload implements PendingFile {
  private static final long serialVersionUID = 1L;

  private final String bucket;
  private final String key;
  private final String uploadId;
  private final int[] numbers;
  private final String[] etags;
  private final long[] sizes;

  /** An upload and its uploaded parts, in part-number order; none when found by a listing. */
  S3PendingUpload(String bucket, String key, String uploadId, int[] numbers, String[] etags,
      long[] sizes) {
    if (numbers.length != etags.length || numbers.length != sizes.length) {
      throw new IllegalArgumentException("parts of s3://" + bucket + "/" + key + ": "
          + numbers.length + " numbers, " + etags.length + " ETags, " + sizes.length + " sizes");
    }
    this.bucket = bucket;
    this.key = key;
    this.uploadId = uploadId;
    this.numbers = numbers.clone();
    this.etags = etags.clone();
    this.sizes = sizes.clone();
  }

  /** The upload {@code uploadId} of {@code at}, its parts unknown (to abort it). */
  static S3PendingUpload listed(S3Location at, String uploadId) {
    return new S3PendingUpload(at.bucket(), at.key(), uploadId, new int[0], new String[0],
        new long[0]);
  }

  S3Location location() {
    return new S3Location(bucket, key);
  }

  String uploadId() {
    return uploadId;
  }

  /** True if the parts are known: it can be completed. */
  boolean hasParts() {
    return numbers.length > 0;
  }

  /** The parts as the request that completes the upload lists them. */
  List<CompletedPart> completedParts() {
    List<CompletedPart> parts = new ArrayList<>(numbers.length);
    for (int i = 0; i < numbers.length; i++) {
      parts.add(CompletedPart.builder().partNumber(numbers[i]).eTag(etags[i]).build());
    }
    return parts;
  }

  @Override
  public Path path() {
    return location().path();
  }

  @Override
  public long size() {
    return hasParts() ? Arrays.stream(sizes).sum() : -1;
  }

  @Override
  public String toString() {
    return "the multipart upload " + uploadId + " of " + location() + " (" + numbers.length
        + " part(s), " + size() + " bytes)";
  }
}
