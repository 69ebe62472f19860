package org.kindling.tensor.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * One NDArray record of an MXNet file (formats.md §3.2, §3.3): reads V3, V2, V1 and the legacy
 * layout, writes V2 (V3 where V2 cannot express the array).
 */
final class ArrayRecords {
  static final int MAGIC_V1 = 0xF993FAC8;
  static final int MAGIC_V2 = 0xF993FAC9;
  static final int MAGIC_V3 = 0xF993FACA;
  /** MXNet's own limit on dimensions is far below this; more means a corrupt field. */
  static final int MAX_NDIM = 32;

  static final int STYPE_DENSE = 0;
  static final int STYPE_ROW_SPARSE = 1;
  static final int STYPE_CSR = 2;

  private static final int DEV_CPU = 1;

  private ArrayRecords() {}

  // ---------------------------------------------------------------------------------------
  // reading

  /** Reads one record at the cursor, dispatching on its first u32 (§3.3). */
  static NDArray read(ByteCursor c) throws FormatException {
    int start = c.position();
    int magic = c.u32AsInt("array magic");
    switch (magic) {
      case MAGIC_V2:
        return readCurrent(c, false);
      case MAGIC_V3:
        return readCurrent(c, true);
      case MAGIC_V1:
        return readV1(c);
      default:
        return readLegacy(c, start, magic);
    }
  }

  /** V2/V3: magic, stype, [storage shape], shape, context, type flag, [aux], data, [aux data]. */
  private static NDArray readCurrent(ByteCursor c, boolean v3) throws FormatException {
    int at = c.position();
    int stype = c.i32("storage type");
    if (stype != STYPE_DENSE && stype != STYPE_ROW_SPARSE && stype != STYPE_CSR) {
      throw c.error(at, "unknown storage type " + stype + " (0 dense, 1 row_sparse, 2 csr)");
    }
    if (v3 && stype != STYPE_DENSE) {
      throw c.error(at, "a V3 (numpy-shape) array must be dense, but its storage type is "
          + stype);
    }
    int[] storageShape = stype == STYPE_DENSE ? null : tshape(c, "storage shape", false);
    int[] shape = tshape(c, "shape", v3);
    if (shape == null || (!v3 && shape.length == 0)) {
      return none(); // V3 ndim -1 or V2 ndim 0: MXNet's "none" array; the record ends here
    }
    if (stype == STYPE_DENSE) {
      return denseTail(c, shape);
    }
    return SparseRecords.readTail(c, stype, storageShape, shape);
  }

  /** V1: magic, TShape with i64 dims, context, type flag, data. */
  private static NDArray readV1(ByteCursor c) throws FormatException {
    int[] shape = tshape(c, "shape", false);
    return shape.length == 0 ? none() : denseTail(c, shape);
  }

  /** Legacy: the first u32 was ndim; u32 dims, context, type flag, data. */
  private static NDArray readLegacy(ByteCursor c, int start, int ndimWord)
      throws FormatException {
    long ndim = Integer.toUnsignedLong(ndimWord);
    if (ndim > MAX_NDIM) {
      throw c.error(start, String.format(
          "unknown array magic 0x%08X: not V1/V2/V3 (0xF993FAC8..0xF993FACA) and too large to be"
              + " the ndim of a legacy array (at most %d)", ndimWord, MAX_NDIM));
    }
    c.need(4 * ndim, "legacy shape dims");
    int[] dims = new int[(int) ndim];
    for (int i = 0; i < dims.length; i++) {
      int at = c.position();
      long d = Integer.toUnsignedLong(c.u32AsInt("legacy dim"));
      if (d > Integer.MAX_VALUE) {
        throw c.error(at, "dimension " + i + " is " + d + ", more than an NDArray can hold");
      }
      dims[i] = (int) d;
    }
    return dims.length == 0 ? none() : denseTail(c, dims);
  }

  /**
   * A TShape: i32 ndim then ndim i64 dims. Returns null for ndim -1 when {@code unknownOk}
   * (V3's unknown shape).
   */
  static int[] tshape(ByteCursor c, String what, boolean unknownOk) throws FormatException {
    int at = c.position();
    int ndim = c.i32(what + " ndim");
    if (ndim == -1 && unknownOk) {
      return null;
    }
    if (ndim < 0 || ndim > MAX_NDIM) {
      throw c.error(at, what + " has ndim " + ndim + " (expected 0.." + MAX_NDIM + ")");
    }
    c.need(8L * ndim, what + " dims");
    int[] dims = new int[ndim];
    for (int i = 0; i < ndim; i++) {
      int dimAt = c.position();
      long d = c.i64(what + " dim");
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw c.error(dimAt, "dimension " + i + " of the " + what + " is " + d
            + " (expected 0.." + Integer.MAX_VALUE + ")");
      }
      dims[i] = (int) d;
    }
    return dims;
  }

  /** Context (ignored: arrays load on the CPU, as MXNet does without a GPU) and type flag. */
  static DType contextAndType(ByteCursor c) throws FormatException {
    c.i32("dev_type");
    c.i32("dev_id");
    int at = c.position();
    int flag = c.i32("type flag");
    if (!DType.isKnownFlag(flag)) {
      throw c.error(at, "unknown type flag " + flag + " (known: 0..12, mshadow TypeFlag)");
    }
    return DType.fromFlag(flag);
  }

  private static NDArray denseTail(ByteCursor c, int[] dims) throws FormatException {
    DType t = contextAndType(c);
    int at = c.position();
    int n = dataBytes(c, dims, t, "data of shape " + Shape.tupleString(dims));
    Shape shape = shape(c, at, dims);
    return NDArray.ofBytes(c.take(n, "array data"), t, shape);
  }

  /**
   * Bytes of {@code prod(dims)} elements of {@code t}, checked against the bytes left before
   * anything is multiplied out, so a corrupt dimension can neither overflow nor allocate.
   */
  static int dataBytes(ByteCursor c, int[] dims, DType t, String what) throws FormatException {
    for (int d : dims) {
      if (d == 0) {
        return 0;
      }
    }
    long limit = c.remaining() / t.byteSize();
    long count = 1;
    for (int d : dims) {
      count *= d; // count <= limit < 2^31 before, d < 2^31: no overflow
      if (count > limit) {
        throw c.error(c.position(), "truncated: " + what + " " + t.numpyName() + " needs more"
            + " than the " + c.remaining() + " bytes that remain");
      }
    }
    return (int) (count * t.byteSize());
  }

  /** A {@link Shape}, whose element count must fit a long even with a zero dimension. */
  static Shape shape(ByteCursor c, int at, int[] dims) throws FormatException {
    try {
      return Shape.of(dims);
    } catch (ArithmeticException e) {
      throw c.error(at, "shape " + Shape.tupleString(dims) + " has too many elements");
    }
  }

  /**
   * MXNet's "none" array (a V2/V1/legacy record with ndim 0, a V3 record with ndim -1) holds no
   * data and no type; it becomes an empty float32 array of shape {@code (0,)}.
   */
  private static NDArray none() {
    return NDArray.zeros(Shape.of(0));
  }

  // ---------------------------------------------------------------------------------------
  // writing

  /**
   * Writes {@code a} as one dense record, after waiting for pending writes to it. V2 where it
   * can express the array; V3 for 0-d scalars and arrays with a zero dimension, which V2 (and
   * MXNet outside numpy mode) would read as "none".
   */
  static void write(DataOutputStream out, NDArray a) throws IOException {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("big-endian hosts are not supported");
    }
    a.waitToRead();
    Shape s = a.shape();
    boolean v3 = s.ndim() == 0 || s.size() == 0;
    out.writeInt(Integer.reverseBytes(v3 ? MAGIC_V3 : MAGIC_V2));
    out.writeInt(Integer.reverseBytes(STYPE_DENSE));
    out.writeInt(Integer.reverseBytes(s.ndim()));
    for (int i = 0; i < s.ndim(); i++) {
      out.writeLong(Long.reverseBytes(s.get(i)));
    }
    out.writeInt(Integer.reverseBytes(DEV_CPU));
    out.writeInt(0); // dev_id
    out.writeInt(Integer.reverseBytes(a.dtype().flag()));
    ByteBuffer data = a.byteBuffer();
    byte[] chunk = new byte[Math.min(data.remaining(), 1 << 16)];
    while (data.hasRemaining()) {
      int n = Math.min(chunk.length, data.remaining());
      data.get(chunk, 0, n);
      out.write(chunk, 0, n);
    }
  }
}
