package org.kindling.spark.recordio;

import java.nio.ByteBuffer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.RecordView;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.tensor.FormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns records into rows of a (possibly pruned) {@link RecordIOColumns} schema. Only the
 * requested columns are built: without {@code data} no payload is copied, with none of {@code
 * id}, {@code label}, {@code labels}, {@code data}, {@code image} the header is not parsed, and
 * without {@code image} nothing is decoded.
 */
final class RecordRows {
  private static final Logger LOG = LoggerFactory.getLogger(RecordRows.class);

  private enum Column { ID, LABEL, LABELS, DATA, FILE, OFFSET, IMAGE }

  private final boolean header;
  private final boolean dropInvalid;
  private final Column[] columns;
  private final boolean needsHeader;
  private String lastFile;
  private UTF8String lastFileUtf8;
  private long dropped;

  /**
   * @param options the source's options ({@code header}, {@code dropInvalid})
   * @param schema the columns to produce, a subset of {@link RecordIOColumns#schema(
   *     RecordIOOptions)}
   */
  RecordRows(RecordIOOptions options, StructType schema) {
    this.header = options.header();
    this.dropInvalid = options.dropInvalid();
    StructField[] fields = schema.fields();
    this.columns = new Column[fields.length];
    boolean parse = false;
    for (int i = 0; i < fields.length; i++) {
      columns[i] = column(fields[i].name());
      parse |= header && columns[i] != Column.FILE && columns[i] != Column.OFFSET;
    }
    this.needsHeader = parse;
  }

  private static Column column(String name) {
    return switch (name) {
      case RecordIOColumns.ID -> Column.ID;
      case RecordIOColumns.LABEL -> Column.LABEL;
      case RecordIOColumns.LABELS -> Column.LABELS;
      case RecordIOColumns.DATA -> Column.DATA;
      case RecordIOColumns.FILE -> Column.FILE;
      case RecordIOColumns.OFFSET -> Column.OFFSET;
      case RecordIOColumns.IMAGE -> Column.IMAGE;
      default -> throw new IllegalArgumentException("a RecordIO source has no column " + name);
    };
  }

  /** The records this object left out so far ({@code dropInvalid}). */
  long dropped() {
    return dropped;
  }

  /**
   * The row of {@code r}, or null if it is invalid and {@code dropInvalid} leaves it out. The
   * row holds no reference to the view's bytes (Spark keeps rows past the next record): {@code
   * data} is copied out of it, and only that column copies.
   *
   * @throws FormatException naming the file and offset if the image-record header is corrupt
   *     or the image does not decode (unless {@code dropInvalid})
   */
  InternalRow toRow(RecordView r) throws FormatException {
    try {
      ImageRecord rec = needsHeader
          ? ImageRecordHeader.unpack(r.payload(), r.file(), r.fileOffset()) : null;
      Object[] values = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] = switch (columns[i]) {
          case ID -> rec.header().id();
          case LABEL -> labels(rec.header())[0];
          case LABELS -> UnsafeArrayData.fromPrimitiveArray(labels(rec.header()));
          case DATA -> header ? rec.content() : r.copy().payload();
          case FILE -> fileName(r.file());
          case OFFSET -> r.fileOffset();
          case IMAGE -> image(r, rec);
        };
      }
      return new GenericInternalRow(values);
    } catch (FormatException e) {
      if (!dropInvalid) {
        throw e;
      }
      dropped++;
      LOG.warn("dropInvalid: leaving out {} ({} left out in this partition so far)",
          e.getMessage(), dropped);
      return null;
    }
  }

  /** Spark's image struct of the record's decoded content. */
  private InternalRow image(RecordView r, ImageRecord rec) throws FormatException {
    ImageCodec.Pixels px;
    try {
      px = decode(rec);
    } catch (IllegalArgumentException e) {
      throw new FormatException(r.file(), r.fileOffset(), "image record id "
          + Long.toUnsignedString(rec.header().id()) + ": " + e.getMessage() + (dropInvalid ? ""
          : "; set option dropInvalid=true to leave such records out"));
    }
    // OpenCV's type CV_8UC(n) is CV_8U (0) + ((n - 1) << 3): 0, 16, 24 for 1, 3, 4 channels
    int mode = (px.channels() - 1) << 3;
    return new GenericInternalRow(new Object[] {
        UTF8String.fromString(r.file() + "@" + r.fileOffset()), px.height(), px.width(),
        px.channels(), mode, px.data()});
  }

  /** Decodes the content where it lies when the view is of an array (a read chunk), else a copy. */
  private static ImageCodec.Pixels decode(ImageRecord rec) {
    ByteBuffer c = rec.contentView();
    if (c.hasArray()) {
      return ImageCodec.decode(c.array(), c.arrayOffset() + c.position(), c.remaining());
    }
    byte[] content = rec.content();
    return ImageCodec.decode(content, 0, content.length);
  }

  /** The float labels, or the scalar label as a 1-array (MXNet: flag 0 means one label). */
  private static float[] labels(ImageRecordHeader h) {
    return h.flag() == 0 ? new float[] {h.label()} : h.labels();
  }

  private UTF8String fileName(String file) {
    if (!file.equals(lastFile)) {
      lastFile = file;
      lastFileUtf8 = UTF8String.fromString(file);
    }
    return lastFileUtf8;
  }
}
