package org.kindling.io.image;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An unpacked image record: its header and a view of the content bytes that follow the header
 * (and the label array, if any) inside the original record payload. The content is not copied:
 * when the payload is a {@link org.kindling.io.RecordView}'s borrowed buffer, this record is
 * valid exactly as long as that view.
 */
public final class ImageRecord {
  private final ImageRecordHeader header;
  /** The content: position 0, limit its length; never moved, so absolute reads only. */
  private final ByteBuffer content;

  ImageRecord(ImageRecordHeader header, ByteBuffer content) {
    this.header = Objects.requireNonNull(header, "header");
    this.content = content;
  }

  /** The header. */
  public ImageRecordHeader header() {
    return header;
  }

  /** A copy of the content (encoded image or raw pixels). */
  public byte[] content() {
    byte[] out = new byte[content.limit()];
    content.get(0, out);
    return out;
  }

  /**
   * The content without a copy: a buffer from position 0 to its length over the record's own
   * bytes (an array when the record was read from one), valid as long as they are; not to be
   * modified.
   */
  public ByteBuffer contentView() {
    return content.duplicate();
  }

  /** Number of content bytes. */
  public int contentLength() {
    return content.limit();
  }

  /** Content byte {@code i} as an unsigned value in {@code [0, 255]}. */
  public int contentByte(int i) {
    Objects.checkIndex(i, contentLength());
    return content.get(i) & 0xFF;
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
      dst[dstOffset + i] = (content.get(i) & 0xFF) * scale;
    }
  }

  @Override
  public String toString() {
    return "ImageRecord[" + header + ", " + contentLength() + " content bytes]";
  }
}
