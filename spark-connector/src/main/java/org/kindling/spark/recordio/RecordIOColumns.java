package org.kindling.spark.recordio;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a {@code format("recordio")} DataFrame.
 *
 * <p>With {@code header=true} (image records, {@code formats.md} §2): {@code id} (long, the
 * header's unsigned 64-bit id as its bit pattern), {@code label} (float: the scalar label, or the
 * first float label of a multi-label record), {@code labels} (array&lt;float&gt;: the float labels,
 * or the scalar label as a 1-array), {@code data} (binary: the content after the header and its
 * labels), {@code file} (string, the file's qualified path) and {@code offset} (long, the byte
 * offset of the record's first part in its file). With {@code header=false}: {@code data} (the
 * whole record), {@code file} and {@code offset}.
 */
public final class RecordIOColumns {
  public static final String ID = "id";
  public static final String LABEL = "label";
  public static final String LABELS = "labels";
  public static final String DATA = "data";
  public static final String FILE = "file";
  public static final String OFFSET = "offset";

  /** The schema of image records ({@code header=true}). */
  public static final StructType IMAGE_RECORDS = new StructType()
      .add(ID, DataTypes.LongType, false)
      .add(LABEL, DataTypes.FloatType, false)
      .add(LABELS, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(DATA, DataTypes.BinaryType, false)
      .add(FILE, DataTypes.StringType, false)
      .add(OFFSET, DataTypes.LongType, false);

  /** The schema of raw records ({@code header=false}). */
  public static final StructType RAW_RECORDS = new StructType()
      .add(DATA, DataTypes.BinaryType, false)
      .add(FILE, DataTypes.StringType, false)
      .add(OFFSET, DataTypes.LongType, false);

  private RecordIOColumns() {}

  /** The full schema for the {@code header} option. */
  public static StructType schema(boolean header) {
    return header ? IMAGE_RECORDS : RAW_RECORDS;
  }
}
