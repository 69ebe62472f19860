package org.kindling.io.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Atomic commit on S3 without a rename (which S3 would do as a copy and a delete): an object
 * smaller than one part is sent by a single PUT on commit; a larger one starts a multipart upload
 * when the first part fills, uploads each full part as it fills, and completes the upload on
 * commit. Until then S3 shows nothing under the key; {@link #close()} without a commit aborts the
 * upload, which discards the parts. {@link #prepare()} instead uploads the last part (however
 * small: S3 has no minimum size for the last part, so a small file becomes a one-part upload)
 * and leaves the upload uncompleted, as an {@link S3PendingUpload} for {@link
 * S3ByteStore#complete} to publish later. Memory: one part buffer.
 */
final class S3UploadOutput extends SingleCommitOutput {
  /** S3's limit on the parts of one upload. */
  private static final int MAX_PARTS = 10_000;

  private final S3Client client;
  private final S3Location location;
  private final RetryPolicy policy;
  private final byte[] part;
  private final WriteEndStream stream;
  private int filled;
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();
  private final List<Long> partSizes = new ArrayList<>();

  S3UploadOutput(S3Client client, S3Location location, int partBytes, RetryPolicy policy) {
    super(location.toString());
    this.client = client;
    this.location = location;
    this.policy = policy;
    this.part = new byte[partBytes];
    this.stream = new WriteEndStream(new PartStream(), location.toString());
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  void publish() throws IOException {
    boolean done = false;
    try {
      if (uploadId == null) {
        call("PUT " + location, () -> client.putObject(
            b -> b.bucket(location.bucket()).key(location.key()), body()));
      } else {
        uploadPart();
        call("completing the multipart upload of " + location, () ->
            client.completeMultipartUpload(b -> b.bucket(location.bucket()).key(location.key())
                .uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
      }
      done = true;
    } finally {
      if (!done) {
        abort();
      }
    }
  }

  @Override
  PendingFile store() throws IOException {
    boolean done = false;
    try {
      if (uploadId == null) {
        startUpload();
      }
      uploadPart();
      int n = parts.size();
      int[] numbers = new int[n];
      String[] etags = new String[n];
      long[] sizes = new long[n];
      for (int i = 0; i < n; i++) {
        numbers[i] = parts.get(i).partNumber();
        etags[i] = parts.get(i).eTag();
        sizes[i] = partSizes.get(i);
      }
      S3PendingUpload pending = new S3PendingUpload(location.bucket(), location.key(), uploadId,
          numbers, etags, sizes);
      done = true;
      return pending;
    } finally {
      if (!done) {
        abort();
      }
    }
  }

  @Override
  void discard() throws IOException {
    abort();
  }

  private void abort() throws IOException {
    if (uploadId != null) {
      String id = uploadId;
      uploadId = null;
      call("aborting the multipart upload of " + location, () -> client.abortMultipartUpload(
          b -> b.bucket(location.bucket()).key(location.key()).uploadId(id)));
    }
  }

  private void partFull() throws IOException {
    if (uploadId == null) {
      startUpload();
    }
    uploadPart();
  }

  private void startUpload() throws IOException {
    uploadId = call("starting a multipart upload of " + location, () ->
        client.createMultipartUpload(b -> b.bucket(location.bucket()).key(location.key())))
        .uploadId();
  }

  private void uploadPart() throws IOException {
    int number = parts.size() + 1;
    if (number > MAX_PARTS) {
      throw new IOException(location + ": more than " + MAX_PARTS + " parts of "
          + part.length + " bytes; raise " + S3Settings.PART_BYTES_KEY);
    }
    String etag = call("uploading part " + number + " of " + location, () -> client.uploadPart(
        b -> b.bucket(location.bucket()).key(location.key()).uploadId(uploadId)
            .partNumber(number), body())).eTag();
    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    partSizes.add((long) filled);
    filled = 0;
  }

  private RequestBody body() {
    return RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, filled), filled);
  }

  private <T> T call(String what, java.util.function.Supplier<T> call) throws IOException {
    return policy.call(what, () -> S3Errors.call(what, call));
  }

  /** Fills the part buffer, uploading it each time it is full. */
  private final class PartStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (finished()) {
        throw new IOException("output " + location + " was already committed or closed");
      }
      while (len > 0) {
        if (filled == part.length) {
          partFull();
        }
        int n = Math.min(len, part.length - filled);
        System.arraycopy(b, off, part, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }
  }
}
