package org.kindling.tensor.io;

import java.nio.ByteBuffer;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The tail of a row_sparse or csr record (formats.md §3.2, §3.4), read and turned into a dense
 * array: Kindling computes on dense arrays only.
 *
 * <p>Every structural field is checked before the dense array is allocated; indices are
 * checked while they are scattered. Duplicate indices (invalid in MXNet) are not rejected: the
 * later value wins. A dense form above {@link #MAX_DENSE_BYTES} is refused, because a sparse
 * record's size says nothing about its dense size and a corrupt shape must not allocate
 * gigabytes.
 */
final class SparseRecords {
  /** Largest dense form of a sparse array that will be materialized: 1 GiB. */
  static final long MAX_DENSE_BYTES = 1L << 30;

  private SparseRecords() {}

  /** Reads from the context field on; see the class comment. */
  static NDArray readTail(ByteCursor c, int stype, int[] storageShape, int[] shape)
      throws FormatException {
    int structAt = c.position();
    DType t = ArrayRecords.contextAndType(c);
    int numAux = stype == ArrayRecords.STYPE_ROW_SPARSE ? 1 : 2;
    DType[] auxTypes = new DType[numAux];
    int[][] auxShapes = new int[numAux][];
    for (int i = 0; i < numAux; i++) {
      int at = c.position();
      int flag = c.i32("aux type flag");
      if (flag != DType.INT32.flag() && flag != DType.INT64.flag()) {
        throw c.error(at, "aux array " + i + " has type flag " + flag
            + "; sparse indices must be int32 (4) or int64 (6)");
      }
      auxTypes[i] = DType.fromFlag(flag);
      auxShapes[i] = ArrayRecords.tshape(c, "aux shape", false);
    }
    if (stype == ArrayRecords.STYPE_ROW_SPARSE) {
      checkRowSparse(c, structAt, storageShape, shape, auxShapes[0]);
    } else {
      checkCsr(c, structAt, storageShape, shape, auxShapes);
    }
    long denseBytes = denseBytes(shape, t);
    if (denseBytes > MAX_DENSE_BYTES) {
      throw c.error(structAt, "sparse array of shape " + Shape.tupleString(shape) + " "
          + t.numpyName() + " would need " + (denseBytes < 0 ? "more than 2^63" : denseBytes)
          + " bytes as a dense array; at most " + MAX_DENSE_BYTES + " are allowed");
    }
    int n = ArrayRecords.dataBytes(c, storageShape, t, "sparse values");
    ByteBuffer values = c.take(n, "sparse values");
    ByteBuffer[] aux = new ByteBuffer[numAux];
    int[] auxAt = new int[numAux];
    for (int i = 0; i < numAux; i++) {
      auxAt[i] = c.position();
      int len = ArrayRecords.dataBytes(c, auxShapes[i], auxTypes[i], "aux data " + i);
      aux[i] = c.take(len, "aux data " + i);
    }
    NDArray dense = NDArray.zeros(ArrayRecords.shape(c, structAt, shape), t);
    ByteBuffer out = dense.byteBuffer();
    if (stype == ArrayRecords.STYPE_ROW_SPARSE) {
      scatterRows(c, shape, t, values, new Index(aux[0], auxTypes[0], auxAt[0]), out);
    } else {
      scatterCsr(c, shape, t, values, new Index(aux[0], auxTypes[0], auxAt[0]),
          new Index(aux[1], auxTypes[1], auxAt[1]), storageShape[0], out);
    }
    return dense;
  }

  /** row_sparse: storage {@code (nnz_rows, shape[1:]...)}, one index per stored row. */
  private static void checkRowSparse(
      ByteCursor c, int at, int[] storage, int[] shape, int[] idxShape) throws FormatException {
    boolean ok = shape.length >= 1 && storage.length == shape.length && storage[0] <= shape[0];
    for (int i = 1; ok && i < shape.length; i++) {
      ok = storage[i] == shape[i];
    }
    if (!ok) {
      throw c.error(at, "row_sparse storage shape " + Shape.tupleString(storage)
          + " does not fit shape " + Shape.tupleString(shape)
          + " (expected (stored rows, shape[1:]...))");
    }
    if (idxShape.length != 1 || idxShape[0] != storage[0]) {
      throw c.error(at, "row_sparse index shape " + Shape.tupleString(idxShape)
          + " does not match " + storage[0] + " stored rows");
    }
  }

  /** csr: 2-D shape, storage {@code (nnz,)}, indptr {@code (rows+1,)}, idx {@code (nnz,)}. */
  private static void checkCsr(
      ByteCursor c, int at, int[] storage, int[] shape, int[][] aux) throws FormatException {
    if (shape.length != 2 || storage.length != 1) {
      throw c.error(at, "csr needs a 2-D shape and a 1-D storage shape, got "
          + Shape.tupleString(shape) + " and " + Shape.tupleString(storage));
    }
    if (aux[0].length != 1 || aux[0][0] != (long) shape[0] + 1) {
      throw c.error(at, "csr indptr shape " + Shape.tupleString(aux[0])
          + " should be (" + ((long) shape[0] + 1) + ",) for " + shape[0] + " rows");
    }
    if (aux[1].length != 1 || aux[1][0] != storage[0]) {
      throw c.error(at, "csr index shape " + Shape.tupleString(aux[1])
          + " should be (" + storage[0] + ",) for " + storage[0] + " stored values");
    }
  }

  /** Bytes of the dense form, or -1 if that overflows a long. */
  private static long denseBytes(int[] shape, DType t) {
    long n = t.byteSize();
    for (int d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    for (int d : shape) {
      if (n > Long.MAX_VALUE / d) {
        return -1;
      }
      n *= d;
    }
    return n;
  }

  private static void scatterRows(
      ByteCursor c, int[] shape, DType t, ByteBuffer values, Index idx, ByteBuffer out)
      throws FormatException {
    long rowBytes = t.byteSize();
    for (int i = 1; i < shape.length; i++) {
      rowBytes *= shape[i]; // bounded by the dense size checked above
    }
    int stored = idx.count();
    for (int r = 0; r < stored; r++) {
      long row = idx.get(r);
      if (row < 0 || row >= shape[0]) {
        throw c.error(idx.offsetOf(r), "row_sparse row index " + row + " is outside [0, "
            + shape[0] + ")");
      }
      copy(values, r * rowBytes, out, row * rowBytes, rowBytes);
    }
  }

  private static void scatterCsr(ByteCursor c, int[] shape, DType t, ByteBuffer values,
      Index indptr, Index idx, int nnz, ByteBuffer out) throws FormatException {
    int rows = shape[0];
    int cols = shape[1];
    if (indptr.get(0) != 0) {
      throw c.error(indptr.offsetOf(0), "csr indptr[0] is " + indptr.get(0) + ", not 0");
    }
    for (int r = 0; r < rows; r++) {
      long from = indptr.get(r);
      long to = indptr.get(r + 1);
      if (to < from || to > nnz) {
        throw c.error(indptr.offsetOf(r + 1), "csr indptr[" + (r + 1) + "] is " + to
            + "; it must lie in [indptr[" + r + "] = " + from + ", " + nnz + "]");
      }
    }
    if (indptr.get(rows) != nnz) {
      throw c.error(indptr.offsetOf(rows), "csr indptr[" + rows + "] is " + indptr.get(rows)
          + ", not the " + nnz + " stored values");
    }
    int size = t.byteSize();
    for (int r = 0; r < rows; r++) {
      for (long j = indptr.get(r), end = indptr.get(r + 1); j < end; j++) {
        long col = idx.get((int) j);
        if (col < 0 || col >= cols) {
          throw c.error(idx.offsetOf((int) j), "csr column index " + col + " is outside [0, "
              + cols + ")");
        }
        copy(values, j * size, out, ((long) r * cols + col) * size, size);
      }
    }
  }

  private static void copy(ByteBuffer src, long from, ByteBuffer dst, long to, long n) {
    dst.put((int) to, src, (int) from, (int) n);
  }

  /** An int32 or int64 index array inside the file, with the offsets of its elements. */
  private record Index(ByteBuffer data, DType type, int fileOffset) {
    int count() {
      return data.capacity() / type.byteSize();
    }

    long get(int i) {
      return type == DType.INT64 ? data.getLong(i * 8) : data.getInt(i * 4);
    }

    long offsetOf(int i) {
      return fileOffset + (long) i * type.byteSize();
    }
  }
}
