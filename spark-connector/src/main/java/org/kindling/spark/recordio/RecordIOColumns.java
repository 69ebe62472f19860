package org.kindling.spark.recordio;

import org.apache.spark.ml.image.ImageSchema;
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
 *
 * <p>{@code format("mxnet-image")}: {@code image} (Spark's {@code ImageSchema} struct, as {@code
 * format("image")} gives it: {@code origin} = {@code <file>@<offset>} of the record, {@code
 * height}, {@code width}, {@code nChannels} 1, 3 or 4, {@code mode} = OpenCV's type {@code
 * CV_8UC1/3/4}, {@code data} = the decoded pixels row by row, channels in OpenCV's order, BGR(A)),
 * then {@code id}, {@code label} and {@code labels} as above.
 */
public final class RecordIOColumns {
  public static final String ID = "id";
  public static final String LABEL = "label";
  public static final String LABELS = "labels";
  public static final String DATA = "data";
  public static final String FILE = "file";
  public static final String OFFSET = "offset";
  public static final String IMAGE = "image";

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

  /** The schema of decoded images ({@code format("mxnet-image")}). */
  public static final StructType DECODED_IMAGES = new StructType()
      .add(IMAGE, ImageSchema.columnSchema(), false)
      .add(ID, DataTypes.LongType, false)
      .add(LABEL, DataTypes.FloatType, false)
      .add(LABELS, DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private RecordIOColumns() {}

  /** The full schema for the {@code header} option. */
  public static StructType schema(boolean header) {
    return header ? IMAGE_RECORDS : RAW_RECORDS;
  }

  /** The full schema of a source with {@code options}. */
  public static StructType schema(RecordIOOptions options) {
    return options.images() ? DECODED_IMAGES : schema(options.header());
  }
}
