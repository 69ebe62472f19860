package org.kindling.it.mxnet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An MXNet 1.9.1 in-process KVStore ({@code MXKVStoreCreate}) over float32 arrays on CPU
 * contexts {@code cpu(0)}, {@code cpu(1)}, ...: enough to push one array per device, as MXNet's
 * {@code device} store does for several GPUs, and pull the result.
 */
final class MxKVStore extends MxHandle {
  private final List<Pointer> arrays = new ArrayList<>();
  /** The updater's callbacks, kept reachable while MXNet holds them. */
  private MxnetCApi.StrKeyUpdater updater;
  private MxnetCApi.IntKeyUpdater intKeys;

  private MxKVStore(Mxnet mx, Pointer handle) {
    super(mx, handle, "kvstore", "MXKVStoreFree", h -> mx.api().MXKVStoreFree(h));
  }

  /** {@code mx.kv.create(type)}. */
  static MxKVStore create(String type) {
    Mxnet mx = Mxnet.get();
    PointerByReference out = new PointerByReference();
    mx.check(mx.api().MXKVStoreCreate(type, out), "MXKVStoreCreate(" + type + ")");
    return new MxKVStore(mx, out.getValue());
  }

  /** {@code kv.set_gradient_compression(params)}. */
  void setGradientCompression(Map<String, String> params) {
    String[] keys = params.keySet().toArray(new String[0]);
    String[] vals = params.values().toArray(new String[0]);
    mx.check(mx.api().MXKVStoreSetGradientCompression(handle(), keys.length, keys, vals),
        "MXKVStoreSetGradientCompression(" + params + ")");
  }

  /** {@code kv.init(key, value)} with the value on {@code cpu(0)}. */
  void init(String key, float[] value) {
    mx.check(mx.api().MXKVStoreInitEx(handle(), 1, new String[] {key},
        new Pointer[] {array(value, 0)}), "MXKVStoreInitEx(" + key + ")");
  }

  /** {@code kv.push(key, [values[0] on cpu(0), values[1] on cpu(1), ...])}. */
  void push(String key, float[]... values) {
    String[] keys = new String[values.length];
    Pointer[] vals = new Pointer[values.length];
    for (int d = 0; d < values.length; d++) {
      keys[d] = key;
      vals[d] = array(values[d], d);
    }
    mx.check(mx.api().MXKVStorePushEx(handle(), values.length, keys, vals, 0),
        "MXKVStorePushEx(" + key + ")");
  }

  /**
   * {@code kv.push(keys, values)} in MXNet's flat form: {@code values[i]} (on {@code cpu(i %
   * 2)}) is an array of key {@code keys[i]}.
   */
  void push(String[] keys, float[][] values) {
    Pointer[] vals = new Pointer[values.length];
    for (int i = 0; i < values.length; i++) {
      vals[i] = array(values[i], i % 2);
    }
    mx.check(mx.api().MXKVStorePushEx(handle(), keys.length, keys, vals, 0),
        "MXKVStorePushEx(" + String.join(",", keys) + ")");
  }

  /**
   * {@code kv.broadcast(keys, values, out)} in the flat form: {@code keys[i]} with {@code
   * values[i]}; returns the outputs of {@code outKeys[j]}, each of {@code outSizes[j]} elements.
   */
  float[][] broadcast(String[] keys, float[][] values, String[] outKeys, int[] outSizes) {
    Pointer[] vals = new Pointer[values.length];
    for (int i = 0; i < values.length; i++) {
      vals[i] = array(values[i], 0);
    }
    Pointer[] outs = new Pointer[outKeys.length];
    for (int j = 0; j < outKeys.length; j++) {
      outs[j] = array(new float[outSizes[j]], 0);
    }
    mx.check(mx.api().MXKVStoreBroadcastEx(handle(), keys.length, keys, outKeys.length, outKeys,
        vals, outs, 0), "MXKVStoreBroadcastEx(" + String.join(",", keys) + ")");
    float[][] result = new float[outKeys.length][];
    for (int j = 0; j < outKeys.length; j++) {
      result[j] = read(outs[j], outSizes[j]);
    }
    return result;
  }

  /**
   * {@code kv._set_updater(updater)} with {@code stored += scale * input}, made by copies
   * through the CPU (the oracle's engine is synchronous); records the keys it is called with.
   */
  void setScaledSumUpdater(float scale, List<String> calls) {
    updater = (key, recv, local, h) -> {
      calls.add(key);
      try {
        int n = size(recv);
        float[] in = read(recv, n);
        float[] st = read(local, n);
        for (int i = 0; i < n; i++) {
          st[i] += scale * in[i];
        }
        Memory m = new Memory(4L * n);
        m.write(0, st, 0, n);
        mx.check(mx.api().MXNDArraySyncCopyFromCPU(local, m, n), "MXNDArraySyncCopyFromCPU");
      } finally {
        mx.check(mx.api().MXNDArrayFree(recv), "MXNDArrayFree");
        mx.check(mx.api().MXNDArrayFree(local), "MXNDArrayFree");
      }
    };
    intKeys = (key, recv, local, h) -> {
      throw new IllegalStateException("an int-key update in a store of string keys");
    };
    mx.check(mx.api().MXKVStoreSetUpdaterEx(handle(), intKeys, updater, null),
        "MXKVStoreSetUpdaterEx");
  }

  /** The number of elements of a 1-d array. */
  private int size(Pointer array) {
    IntByReference ndim = new IntByReference();
    PointerByReference dims = new PointerByReference();
    mx.check(mx.api().MXNDArrayGetShapeEx(array, ndim, dims), "MXNDArrayGetShapeEx");
    return dims.getValue().getInt(0);
  }

  private float[] read(Pointer array, int n) {
    Memory m = new Memory(4L * n);
    mx.check(mx.api().MXNDArraySyncCopyToCPU(array, m, n), "MXNDArraySyncCopyToCPU");
    return m.getFloatArray(0, n);
  }

  /** {@code kv.pull(key, out)} into an array of {@code n} elements on {@code cpu(0)}. */
  float[] pull(String key, int n) {
    Pointer out = array(new float[n], 0);
    mx.check(mx.api().MXKVStorePullEx(handle(), 1, new String[] {key}, new Pointer[] {out}, 0),
        "MXKVStorePullEx(" + key + ")");
    Memory m = new Memory(4L * n);
    mx.check(mx.api().MXNDArraySyncCopyToCPU(out, m, n), "MXNDArraySyncCopyToCPU");
    return m.getFloatArray(0, n);
  }

  /** A 1-d float32 array on {@code cpu(device)}, freed by {@link #freeArrays()}. */
  private Pointer array(float[] data, int device) {
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXNDArrayCreateEx(new int[] {data.length}, 1, 1, device, 0, 0, ref),
        "MXNDArrayCreateEx(cpu(" + device + "))");
    Pointer h = ref.getValue();
    arrays.add(h);
    Memory src = new Memory(4L * data.length);
    src.write(0, data, 0, data.length);
    mx.check(mx.api().MXNDArraySyncCopyFromCPU(h, src, data.length), "MXNDArraySyncCopyFromCPU");
    return h;
  }

  /** Frees the arrays this wrapper created (after the store is freed or waited for). */
  void freeArrays() {
    mx.check(mx.api().MXNDArrayWaitAll(), "MXNDArrayWaitAll");
    for (Pointer h : arrays) {
      mx.check(mx.api().MXNDArrayFree(h), "MXNDArrayFree");
    }
    arrays.clear();
  }
}
