package org.kindling.spark.recordio;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.tensor.FormatException;

/**
 * Turns records into rows of a (possibly pruned) {@link RecordIOColumns} schema. Only the
 * requested columns are built: without {@code data} no payload is copied, and with none of
 * {@code id}, {@code label}, {@code labels}, {@code data} the header is not parsed.
 */
final class RecordRows {
  private enum Column { ID, LABEL, LABELS, DATA, FILE, OFFSET }

  private final boolean header;
  private final Column[] columns;
  private final boolean needsHeader;
  private String lastFile;
  private UTF8String lastFileUtf8;

  /**
   * @param header whether records carry the image-record header
   * @param schema the columns to produce, a subset of {@link RecordIOColumns#schema(boolean)}
   */
  RecordRows(boolean header, StructType schema) {
    this.header = header;
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
      default -> throw new IllegalArgumentException("format(\"recordio\") has no column " + name);
    };
  }

  /**
   * The row of {@code r}.
   *
   * @throws FormatException naming the file and offset if the image-record header is corrupt
   */
  InternalRow toRow(LocatedRecord r) throws FormatException {
    ImageRecord rec = needsHeader
        ? ImageRecordHeader.unpack(r.payload(), r.file(), r.fileOffset()) : null;
    Object[] values = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      values[i] = switch (columns[i]) {
        case ID -> rec.header().id();
        case LABEL -> labels(rec.header())[0];
        case LABELS -> UnsafeArrayData.fromPrimitiveArray(labels(rec.header()));
        case DATA -> header ? rec.content() : r.payload();
        case FILE -> fileName(r.file());
        case OFFSET -> r.fileOffset();
      };
    }
    return new GenericInternalRow(values);
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
