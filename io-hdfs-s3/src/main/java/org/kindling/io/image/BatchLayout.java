package org.kindling.io.image;

import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;

/**
 * The arrays of a batch of image rows, as MXNet's image iterators lay them out: {@code data} of
 * shape {@code (batch, example...)} and {@code softmax_label} of shape {@code (batch,)}, or
 * {@code (batch, labelWidth)} when {@code labelWidth > 1}, both float32. Rows are filled in
 * plain float arrays, then wrapped into a {@link DataBatch}.
 */
final class BatchLayout {
  private final int batchSize;
  private final int rowSize;
  private final int labelWidth;
  private final Shape dataShape;
  private final Shape labelShape;

  /**
   * Checks the sizes, naming them as the iterator's API does.
   *
   * @throws IllegalArgumentException naming the parameter if the batch size or the label width
   *     is below 1, or a batch does not fit in one array
   */
  static void check(int batchSize, String batchName, int labelWidth, String labelName,
      Shape example) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(batchName + " " + batchSize + " must be at least 1");
    }
    if (labelWidth < 1) {
      throw new IllegalArgumentException(labelName + " " + labelWidth + " must be at least 1");
    }
    if ((long) batchSize * example.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a batch of " + batchSize + " x " + example
          + " does not fit in one array");
    }
  }

  /** Sizes already {@linkplain #check checked}. */
  BatchLayout(int batchSize, Shape example, int labelWidth) {
    this.batchSize = batchSize;
    this.rowSize = example.intSize();
    this.labelWidth = labelWidth;
    int[] dims = example.dims();
    int[] batchDims = new int[dims.length + 1];
    batchDims[0] = batchSize;
    System.arraycopy(dims, 0, batchDims, 1, dims.length);
    this.dataShape = Shape.of(batchDims);
    this.labelShape = labelWidth == 1 ? Shape.of(batchSize) : Shape.of(batchSize, labelWidth);
  }

  int rowSize() {
    return rowSize;
  }

  List<DataDesc> provideData() {
    return List.of(new DataDesc(DataDesc.DEFAULT_DATA_NAME, dataShape, DType.FLOAT32));
  }

  List<DataDesc> provideLabel() {
    return List.of(new DataDesc(DataDesc.DEFAULT_LABEL_NAME, labelShape, DType.FLOAT32));
  }

  /** Zeroed values of a whole batch: {@code batch * rowSize}. */
  float[] newData() {
    return new float[Math.multiplyExact(batchSize, rowSize)];
  }

  /** Zeroed labels of a whole batch: {@code batch * labelWidth}. */
  float[] newLabels() {
    return new float[batchSize * labelWidth];
  }

  /** Copies one example's values and labels into row {@code row}. */
  void put(float[] data, float[] labels, int row, float[] rowData, float[] rowLabels) {
    System.arraycopy(rowData, 0, data, row * rowSize, rowSize);
    System.arraycopy(rowLabels, 0, labels, row * labelWidth, labelWidth);
  }

  /** The batch of these arrays, {@code pad} of whose rows are filler. */
  DataBatch batch(float[] data, float[] labels, int pad) {
    return new DataBatch(List.of(NDArray.of(data, dataShape)),
        List.of(NDArray.of(labels, labelShape)), pad);
  }
}
