package org.kindling.io.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An unpacked image record: its header and a view of the content bytes that follow the header
 * (and the label array, if any) inside the original record payload.
 */
public final class ImageRecord {
  private final ImageRecordHeader header;
  private final byte[] record;
  private final int contentOffset;

  ImageRecord(ImageRecordHeader header, byte[] record, int contentOffset) {
    this.header = Objects.requireNonNull(header, "header");
    this.record = record;
    this.contentOffset = contentOffset;
  }

  /** The header. */
  public ImageRecordHeader header() {
    return header;
  }

  /** A copy of the content (encoded image or raw pixels). */
  public byte[] content() {
    return Arrays.copyOfRange(record, contentOffset, record.length);
  }

  /** Number of content bytes. */
  public int contentLength() {
    return record.length - contentOffset;
  }

  /** Content byte {@code i} as an unsigned value in {@code [0, 255]}. */
  public int contentByte(int i) {
    Objects.checkIndex(i, contentLength());
    return record[contentOffset + i] & 0xFF;
  }

  /**
   * Copies the content into {@code dst[dstOffset ...]} as floats {@code (byte & 0xFF) * scale}.
   *
   * @throws IndexOutOfBoundsException if {@code dst} has no room for {@link #contentLength()}
   *     values
   */
  public void contentToFloats(float scale, float[] dst, int dstOffset) {
    int n = contentLength();
    Objects.checkFromIndexSize(dstOffset, n, dst.length);
    for (int i = 0; i < n; i++) {
      dst[dstOffset + i] = (record[contentOffset + i] & 0xFF) * scale;
    }
  }

  @Override
  public String toString() {
    return "ImageRecord[" + header + ", " + contentLength() + " content bytes]";
  }
}
