package org.kindling.spark.recordio;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.kindling.io.image.ImageRecordHeader;

/**
 * Packs one row of the write projection ({@code data} binary, then with a header {@code label}
 * float, {@code labels} array&lt;float&gt;, {@code id} long, each possibly null) into a record, as
 * MXNet's {@code mx.recordio.pack}: a non-empty {@code labels} of two or more values gives a
 * multi-label header ({@code flag = n}); one value, or {@code label}, a scalar-label header
 * ({@code flag = 0}), which MXNet's iterators read the same as a 1-label array; nothing gives
 * label 0. A missing {@code id} packs as 0.
 */
final class RecordPacker implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean header;

  /** @param header whether records get MXNet's image-record header */
  RecordPacker(boolean header) {
    this.header = header;
  }

  /**
   * The record of {@code row}.
   *
   * @throws IllegalArgumentException naming {@code where} if {@code data} or a label is null
   */
  byte[] pack(InternalRow row, String where) {
    if (row.isNullAt(0)) {
      throw new IllegalArgumentException(where + ": column data is null; every written record "
          + "needs its bytes (filter out or fill the null rows)");
    }
    byte[] data = row.getBinary(0);
    if (!header) {
      return data;
    }
    long id = row.isNullAt(3) ? 0 : row.getLong(3);
    float[] labels = row.isNullAt(2) ? null : floats(row.getArray(2), where);
    ImageRecordHeader h;
    if (labels != null && labels.length > 1) {
      h = ImageRecordHeader.ofLabels(labels, id, 0);
    } else if (labels != null && labels.length == 1) {
      h = ImageRecordHeader.of(labels[0], id, 0);
    } else {
      h = ImageRecordHeader.of(row.isNullAt(1) ? 0f : row.getFloat(1), id, 0);
    }
    return ImageRecordHeader.pack(h, data);
  }

  /** The {@code .idx} key of {@code row}: its id if it has one, else its ordinal in the file. */
  long key(InternalRow row, long ordinal) {
    return header && !row.isNullAt(3) ? row.getLong(3) : ordinal;
  }

  private static float[] floats(ArrayData a, String where) {
    float[] out = new float[a.numElements()];
    for (int i = 0; i < out.length; i++) {
      if (a.isNullAt(i)) {
        throw new IllegalArgumentException(where + ": labels[" + i + "] is null; MXNet labels "
            + "are float32 values (fill or drop the null)");
      }
      out[i] = a.getFloat(i);
    }
    return out;
  }
}
