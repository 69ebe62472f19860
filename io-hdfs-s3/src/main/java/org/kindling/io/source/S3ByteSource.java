package org.kindling.io.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Ranged reads of one S3 object: each {@link #readFully} is one {@code GET} with a {@code Range}
 * header, read straight into the caller's buffer. The SDK client is shared and thread-safe, so
 * several reader threads issue GETs in parallel.
 */
final class S3ByteSource extends ListedSource {
  private final S3Client client;
  private final S3Location location;

  S3ByteSource(S3Client client, S3Location location, long size) {
    super(location.toString(), size);
    this.client = client;
    this.location = location;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length)
      throws IOException {
    if (length == 0) {
      return;
    }
    String what = "GET " + location + " bytes " + position + "-" + (position + length - 1);
    GetObjectRequest request = GetObjectRequest.builder().bucket(location.bucket())
        .key(location.key()).range("bytes=" + position + "-" + (position + length - 1)).build();
    ResponseInputStream<GetObjectResponse> in = S3Errors.call(what, () -> client.getObject(request));
    boolean complete = false;
    try {
      int n;
      try {
        n = in.readNBytes(buffer, offset, length);
      } catch (IOException e) {
        throw new IOException(what + ": " + e, e);
      }
      if (n < length) {
        throw truncated(position, length, position + n);
      }
      complete = in.response().contentLength() == null
          || in.response().contentLength() == length;
    } finally {
      if (!complete) {
        // Do not drain an unknown rest of the body to reuse the connection: drop it.
        in.abort();
      }
      in.close();
    }
  }

  @Override
  public boolean opensRanges() {
    return true;
  }

  /**
   * One GET of {@code bytes=position-(end-1)}, streamed: the sequential read that costs one
   * request per part instead of one per chunk. Closing it before its end aborts the connection
   * rather than draining an unknown rest of the body.
   */
  @Override
  public InputStream openRange(long position, long end) throws IOException {
    if (end <= position) {
      return InputStream.nullInputStream();
    }
    String what = "GET " + location + " bytes " + position + "-" + (end - 1);
    GetObjectRequest request = GetObjectRequest.builder().bucket(location.bucket())
        .key(location.key()).range("bytes=" + position + "-" + (end - 1)).build();
    ResponseInputStream<GetObjectResponse> response =
        S3Errors.call(what, () -> client.getObject(request));
    long length = end - position;
    return new FilterInputStream(response) {
      private long left = length;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        if (left > 0) {
          response.abort();
        }
        response.close();
      }
    };
  }

  @Override
  public void close() {
    // The client is shared by every source of the store.
  }
}
