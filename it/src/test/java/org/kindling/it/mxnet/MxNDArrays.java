package org.kindling.it.mxnet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * MXNet's NDArray file I/O ({@code MXNDArraySave}/{@code MXNDArrayLoad}, i.e. {@code mx.nd.save}
 * and {@code mx.nd.load}) on dense CPU arrays described by {@link Array}.
 *
 * <p>Element sizes come from this class's own copy of mshadow's type table, not from Kindling's
 * {@code DType}, so that a wrong entry there cannot hide behind the oracle.
 */
final class MxNDArrays {
  /** Bytes per element by mshadow type flag 0..12. */
  private static final int[] ELEMENT_BYTES = {4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2};
  /** The largest element size: the copy-out buffer is sized by it, whatever the flag. */
  private static final int MAX_ELEMENT_BYTES = 8;

  private MxNDArrays() {}

  /**
   * One dense array as MXNet sees it.
   *
   * @param shape the dimensions (empty for a 0-d scalar in numpy-shape mode)
   * @param typeFlag mshadow's type flag (0 float32, 1 float64, 2 float16, 3 uint8, ...)
   * @param data the raw little-endian element bytes in C order
   */
  record Array(int[] shape, int typeFlag, byte[] data) {
    long size() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public String toString() {
      return "Array" + Arrays.toString(shape) + " flag " + typeFlag + " (" + data.length
          + " bytes)";
    }
  }

  /**
   * A file as {@code MXNDArrayLoad} returns it.
   *
   * @param names the names (empty for a list file)
   * @param arrays the arrays in file order
   */
  record Loaded(List<String> names, List<Array> arrays) {}

  /** Bytes per element of an mshadow type flag. */
  static int elementBytes(int typeFlag) {
    return ELEMENT_BYTES[typeFlag];
  }

  /**
   * Creates MXNet arrays with the given contents and saves them with {@code MXNDArraySave}.
   *
   * @param names one per array, or empty for a list file
   */
  static void save(Path file, List<String> names, List<Array> arrays) {
    Mxnet mx = Mxnet.get();
    Pointer[] handles = new Pointer[arrays.size()];
    try {
      for (int i = 0; i < handles.length; i++) {
        handles[i] = create(mx, arrays.get(i));
      }
      String[] keys = names.isEmpty() ? null : names.toArray(new String[0]);
      mx.check(mx.api().MXNDArraySave(file.toString(), handles.length, handles, keys),
          "MXNDArraySave(" + file + ")");
    } finally {
      free(mx, handles);
    }
  }

  /** Loads a file with {@code MXNDArrayLoad} and copies every array out. */
  static Loaded load(Path file) {
    Mxnet mx = Mxnet.get();
    IntByReference size = new IntByReference();
    PointerByReference arr = new PointerByReference();
    IntByReference nameSize = new IntByReference();
    PointerByReference names = new PointerByReference();
    mx.check(mx.api().MXNDArrayLoad(file.toString(), size, arr, nameSize, names),
        "MXNDArrayLoad(" + file + ")");
    // copy the names before any other call reuses MXNet's thread-local return buffers
    List<String> nameList = Mxnet.strings(names.getValue(), nameSize.getValue());
    Pointer[] handles = size.getValue() == 0
        ? new Pointer[0] : arr.getValue().getPointerArray(0, size.getValue());
    try {
      List<Array> arrays = new ArrayList<>();
      for (Pointer h : handles) {
        arrays.add(copyOut(mx, h));
      }
      return new Loaded(nameList, arrays);
    } finally {
      free(mx, handles);
    }
  }

  /** {@code MXSetIsNumpyShape} modes. */
  enum NumpyShape {
    /** Legacy shapes (ndim 0 and zero dims mean unknown); V2 records. */
    OFF(0),
    /** Numpy shapes for this thread, as Python's {@code with mx.util.np_shape(True)}. */
    THREAD(1),
    /** Numpy shapes globally, as Python's {@code npx.set_np()}. */
    GLOBAL(2);

    final int code;

    NumpyShape(int code) {
      this.code = code;
    }
  }

  /**
   * Runs {@code body} with MXNet's numpy shape semantics in {@code mode}: 0-d scalars and
   * zero-size dimensions exist, and arrays are saved as V3 records. Restores the previous mode.
   */
  static <T> T withNumpyShape(NumpyShape mode, Supplier<T> body) {
    Mxnet mx = Mxnet.get();
    IntByReference prev = new IntByReference();
    mx.check(mx.api().MXSetIsNumpyShape(mode.code, prev), "MXSetIsNumpyShape(" + mode + ")");
    try {
      return body.get();
    } finally {
      mx.check(mx.api().MXSetIsNumpyShape(prev.getValue(), new IntByReference()),
          "MXSetIsNumpyShape(" + prev.getValue() + ")");
    }
  }

  private static Pointer create(Mxnet mx, Array a) {
    long expected = a.size() * elementBytes(a.typeFlag());
    if (a.data().length != expected) {
      throw new IllegalArgumentException(a + " needs " + expected + " bytes of data");
    }
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXNDArrayCreateEx(a.shape(), a.shape().length, 1, 0, 0, a.typeFlag(), ref),
        "MXNDArrayCreateEx(" + a + ")");
    Pointer h = ref.getValue();
    if (a.size() > 0) {
      Memory src = new Memory(a.data().length);
      src.write(0, a.data(), 0, a.data().length);
      int rc = mx.api().MXNDArraySyncCopyFromCPU(h, src, a.size());
      if (rc != 0) {
        String error = mx.api().MXGetLastError();
        mx.api().MXNDArrayFree(h);
        throw new IllegalStateException(
            "MXNet MXNDArraySyncCopyFromCPU(" + a + ") failed: " + error);
      }
    }
    return h;
  }

  /** Copies out the array behind handle {@code h} (which stays owned by the caller). */
  static Array copyOut(Mxnet mx, Pointer h) {
    IntByReference ndim = new IntByReference();
    PointerByReference dims = new PointerByReference();
    mx.check(mx.api().MXNDArrayGetShapeEx(h, ndim, dims), "MXNDArrayGetShapeEx");
    if (ndim.getValue() < 0) {
      throw new IllegalStateException("MXNet loaded an array of unknown shape (ndim "
          + ndim.getValue() + "), which Kindling never writes");
    }
    int[] shape = ndim.getValue() == 0
        ? new int[0] : dims.getValue().getIntArray(0, ndim.getValue());
    IntByReference dtype = new IntByReference();
    mx.check(mx.api().MXNDArrayGetDType(h, dtype), "MXNDArrayGetDType");
    int flag = dtype.getValue();
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    byte[] data = new byte[Math.toIntExact(n * elementBytes(flag))];
    if (n > 0) {
      Memory dst = new Memory(n * MAX_ELEMENT_BYTES);
      mx.check(mx.api().MXNDArraySyncCopyToCPU(h, dst, n), "MXNDArraySyncCopyToCPU");
      dst.read(0, data, 0, data.length);
    }
    return new Array(shape, flag, data);
  }

  private static void free(Mxnet mx, Pointer[] handles) {
    for (Pointer h : handles) {
      if (h != null) {
        mx.check(mx.api().MXNDArrayFree(h), "MXNDArrayFree");
      }
    }
  }
}
