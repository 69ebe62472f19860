package org.kindling.it.mxnet;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of MXNet's registered C++ data iterators ({@code MXDataIterCreateIter}, as Python's {@code
 * mx.io.ImageRecordIter(**kwargs)}), read to the end of one epoch.
 */
final class MxDataIter {
  private MxDataIter() {}

  /**
   * One batch as MXNet returned it.
   *
   * @param data the data array's float32 values
   * @param dataShape its shape
   * @param label the label array's float32 values
   * @param pad {@code MXDataIterGetPadNum}
   */
  record Batch(float[] data, int[] dataShape, float[] label, int pad) {}

  /** Every batch of one epoch of iterator {@code name} made with {@code kwargs}. */
  static List<Batch> epoch(String name, Map<String, String> kwargs) {
    return epochs(name, kwargs, 1).get(0);
  }

  /**
   * Every batch of {@code count} epochs of one iterator {@code name} made with {@code kwargs},
   * {@code MXDataIterBeforeFirst} (Python's {@code reset()}) between them.
   */
  static List<List<Batch>> epochs(String name, Map<String, String> kwargs, int count) {
    Mxnet mx = Mxnet.get();
    Pointer creator = creator(mx, name);
    Map<String, String> kw = new LinkedHashMap<>(kwargs);
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXDataIterCreateIter(creator, kw.size(),
        kw.keySet().toArray(new String[0]), kw.values().toArray(new String[0]), ref),
        "MXDataIterCreateIter(" + name + ", " + kw + ")");
    Pointer it = ref.getValue();
    try {
      List<List<Batch>> all = new ArrayList<>();
      List<Batch> out = new ArrayList<>();
      IntByReference has = new IntByReference();
      while (true) {
        mx.check(mx.api().MXDataIterNext(it, has), "MXDataIterNext");
        if (has.getValue() == 0) {
          all.add(out);
          if (all.size() == count) {
            return all;
          }
          mx.check(mx.api().MXDataIterBeforeFirst(it), "MXDataIterBeforeFirst");
          out = new ArrayList<>();
          continue;
        }
        MxNDArrays.Array data = take(mx, it, true);
        MxNDArrays.Array label = take(mx, it, false);
        IntByReference pad = new IntByReference();
        mx.check(mx.api().MXDataIterGetPadNum(it, pad), "MXDataIterGetPadNum");
        out.add(new Batch(floats(data), data.shape(), floats(label), pad.getValue()));
      }
    } finally {
      mx.check(mx.api().MXDataIterFree(it), "MXDataIterFree");
    }
  }

  private static MxNDArrays.Array take(Mxnet mx, Pointer it, boolean data) {
    PointerByReference h = new PointerByReference();
    mx.check(data ? mx.api().MXDataIterGetData(it, h) : mx.api().MXDataIterGetLabel(it, h),
        data ? "MXDataIterGetData" : "MXDataIterGetLabel");
    try {
      return MxNDArrays.copyOut(mx, h.getValue());
    } finally {
      // the C API hands out a new NDArray handle per call, which the caller frees
      mx.check(mx.api().MXNDArrayFree(h.getValue()), "MXNDArrayFree");
    }
  }

  private static float[] floats(MxNDArrays.Array a) {
    if (a.typeFlag() != 0) {
      throw new IllegalStateException("expected float32, got " + a);
    }
    float[] f = new float[Math.toIntExact(a.size())];
    ByteBuffer.wrap(a.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  private static Pointer creator(Mxnet mx, String name) {
    IntByReference n = new IntByReference();
    PointerByReference arr = new PointerByReference();
    mx.check(mx.api().MXListDataIters(n, arr), "MXListDataIters");
    Pointer[] creators = arr.getValue().getPointerArray(0, n.getValue());
    List<String> names = new ArrayList<>();
    for (Pointer c : creators) {
      PointerByReference nm = new PointerByReference();
      PointerByReference desc = new PointerByReference();
      IntByReference nargs = new IntByReference();
      PointerByReference an = new PointerByReference();
      PointerByReference at = new PointerByReference();
      PointerByReference ad = new PointerByReference();
      mx.check(mx.api().MXDataIterGetIterInfo(c, nm, desc, nargs, an, at, ad),
          "MXDataIterGetIterInfo");
      String s = nm.getValue().getString(0);
      if (s.equals(name)) {
        return c;
      }
      names.add(s);
    }
    throw new IllegalArgumentException("MXNet has no data iterator " + name + "; it has "
        + names);
  }
}
