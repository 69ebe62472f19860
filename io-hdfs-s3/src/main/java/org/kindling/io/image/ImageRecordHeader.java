package org.kindling.io.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.kindling.tensor.FormatException;

/**
 * The header of an image record, MXNet's {@code IRHeader} / C++ {@code ImageRecordIO::Header}:
 * 24 bytes little-endian, {@code u32 flag, f32 label, u64 id, u64 id2}, followed when {@code
 * flag > 0} by {@code flag} float32 labels and then the content ({@code formats.md} §2).
 *
 * <p>{@link #pack} and {@link #unpack} follow Python's {@code mx.recordio.pack}/{@code unpack}: a
 * header with {@link #labels()} {@code == null} packs as {@code flag = 0} with the scalar label;
 * one with a label array packs as {@code flag = n, label = 0} with the n floats in front of the
 * content. The caller's {@code flag} is always recomputed. {@code id} and {@code id2} are
 * unsigned 64-bit values held in {@code long}s; {@code flag} is an unsigned 32-bit value.
 */
public final class ImageRecordHeader {
  /** Size of the fixed header in bytes. */
  public static final int BYTES = 24;

  private final int flag;
  private final float label;
  private final float[] labels;
  private final long id;
  private final long id2;

  /**
   * A header with explicit fields, as read from a record.
   *
   * @param flag number of float labels after the header (unsigned), 0 for a scalar label
   * @param label the scalar label field (meaningful when {@code flag == 0})
   * @param labels the label array, or {@code null}; when non-null its length must equal {@code
   *     flag}
   * @param id image id (unsigned 64-bit)
   * @param id2 high 64 bits of a 128-bit id, 0 in practice
   */
  public ImageRecordHeader(int flag, float label, float[] labels, long id, long id2) {
    if (labels != null && labels.length != flag) {
      throw new IllegalArgumentException(
          "flag " + Integer.toUnsignedString(flag) + " does not match " + labels.length
              + " labels");
    }
    this.flag = flag;
    this.label = label;
    this.labels = labels == null ? null : labels.clone();
    this.id = id;
    this.id2 = id2;
  }

  /** A single-label header: packs with {@code flag = 0}. */
  public static ImageRecordHeader of(float label, long id, long id2) {
    return new ImageRecordHeader(0, label, null, id, id2);
  }

  /** A multi-label header: packs with {@code flag = labels.length} and {@code label = 0}. */
  public static ImageRecordHeader ofLabels(float[] labels, long id, long id2) {
    Objects.requireNonNull(labels, "labels");
    return new ImageRecordHeader(labels.length, 0f, labels, id, id2);
  }

  /** Number of float labels after the header; 0 for a scalar label. */
  public int flag() {
    return flag;
  }

  /** The scalar label field. Do not rely on it when {@code flag > 0} (writers differ). */
  public float label() {
    return label;
  }

  /** A copy of the label array, or {@code null} for a scalar-label header. */
  public float[] labels() {
    return labels == null ? null : labels.clone();
  }

  /** The image id. */
  public long id() {
    return id;
  }

  /** The high 64 bits of the id. */
  public long id2() {
    return id2;
  }

  /**
   * Packs {@code header} and {@code content} into one record payload, as Python's {@code
   * mx.recordio.pack(header, s)}.
   */
  public static byte[] pack(ImageRecordHeader header, byte[] content) {
    Objects.requireNonNull(content, "content");
    int n = header.labels == null ? 0 : header.labels.length;
    long size = (long) BYTES + 4L * n + content.length;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("packed record of " + size + " bytes is too large");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(n);
    b.putFloat(header.labels == null ? header.label : 0f);
    b.putLong(header.id);
    b.putLong(header.id2);
    for (int i = 0; i < n; i++) {
      b.putFloat(header.labels[i]);
    }
    b.put(content);
    return b.array();
  }

  /**
   * Unpacks a record payload, as Python's {@code mx.recordio.unpack(s)}; the content is not copied.
   *
   * @throws FormatException if the record is shorter than the header or than its {@code flag}
   *     labels
   */
  public static ImageRecord unpack(byte[] record) throws FormatException {
    return unpack(record, "image record", -1);
  }

  /**
   * As {@link #unpack(byte[])}, naming {@code file} and {@code offset} (of the record) in errors.
   */
  public static ImageRecord unpack(byte[] record, String file, long offset)
      throws FormatException {
    return unpack(ByteBuffer.wrap(record), file, offset);
  }

  /**
   * Unpacks the record between {@code record}'s position and limit (for example a {@link
   * org.kindling.io.RecordView}'s payload) without copying it or moving the buffer's position: the
   * result's content is a view of {@code record}'s bytes, valid as long as they are.
   *
   * @throws FormatException naming {@code file} and {@code offset} if the record is shorter than
   *     the header or than its {@code flag} labels
   */
  public static ImageRecord unpack(ByteBuffer record, String file, long offset)
      throws FormatException {
    int length = record.remaining();
    if (length < BYTES) {
      throw new FormatException(file, offset, "image record of " + length
          + " bytes is shorter than the 24-byte header");
    }
    ByteBuffer b = record.slice().order(ByteOrder.LITTLE_ENDIAN);
    int flag = b.getInt();
    float label = b.getFloat();
    long id = b.getLong();
    long id2 = b.getLong();
    long n = Integer.toUnsignedLong(flag);
    if (n > (length - BYTES) / 4) {
      throw new FormatException(file, offset, "image record header flag " + n + " announces " + n
          + " float labels, but only " + (length - BYTES) + " bytes follow the header");
    }
    float[] labels = null;
    if (n > 0) {
      labels = new float[(int) n];
      for (int i = 0; i < n; i++) {
        labels[i] = b.getFloat();
      }
    }
    ImageRecordHeader header = new ImageRecordHeader(flag, label, labels, id, id2);
    return new ImageRecord(header, b.slice());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageRecordHeader h
        && flag == h.flag
        && Float.compare(label, h.label) == 0
        && Arrays.equals(labels, h.labels)
        && id == h.id
        && id2 == h.id2;
  }

  @Override
  public int hashCode() {
    return Objects.hash(flag, label, Arrays.hashCode(labels), id, id2);
  }

  @Override
  public String toString() {
    return "IRHeader(flag=" + Integer.toUnsignedString(flag) + ", label="
        + (labels == null ? Float.toString(label) : Arrays.toString(labels))
        + ", id=" + Long.toUnsignedString(id) + ", id2=" + Long.toUnsignedString(id2) + ")";
  }
}
