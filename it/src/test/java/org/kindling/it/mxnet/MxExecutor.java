package org.kindling.it.mxnet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MXNet executor bound on the CPU ({@code MXExecutorBindEX}) to arrays it creates from given
 * float32 values: the symbol's arguments in {@code list_arguments} order, a gradient array for
 * each argument with a write request, and the auxiliary states. The arrays are float32, or
 * float64 holding the same values exactly: MXNet then runs the whole graph in double precision
 * (its CPU kernels accumulate in the data type), a reference by which to judge float32 rounding.
 * {@link #forward} and {@link #backward} run MXNet's graph executor, as {@code mx.mod.Module}
 * does in training. Results are read as doubles (exactly, for float32). Close to free every
 * handle.
 */
final class MxExecutor implements AutoCloseable {
  /** A float32 array's shape and values in C order. */
  record Values(int[] shape, float[] data) {}

  /** An array MXNet computed: its shape and values in C order, as doubles. */
  record Result(int[] shape, double[] data) {}

  /** mshadow's type flags of the two precisions. */
  private static final int FLOAT32 = 0;
  private static final int FLOAT64 = 1;

  private final Mxnet mx;
  private final MxnetExecutorApi ex;
  private final Pointer symbol;
  private final List<String> argNames;
  private final List<String> auxNames;
  private final Pointer[] args;
  private final Pointer[] grads;
  private final Pointer[] aux;
  private final int typeFlag;
  private Pointer handle;
  private boolean closed;

  /**
   * Loads {@code json} and binds it.
   *
   * @param args a value for every argument
   * @param withGrad the arguments that get a gradient (request write); the others none
   * @param aux a value for every auxiliary state
   * @param float64 whether every array is float64 (else float32)
   */
  MxExecutor(String json, Map<String, Values> args, List<String> withGrad,
      Map<String, Values> aux, boolean float64) {
    this.typeFlag = float64 ? FLOAT64 : FLOAT32;
    this.mx = Mxnet.get();
    this.ex = MxnetExecutorApi.get();
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXSymbolCreateFromJSON(json, ref), "MXSymbolCreateFromJSON");
    this.symbol = ref.getValue();
    try (MxSymbol names = MxSymbol.fromJson(json)) {
      this.argNames = names.listArguments();
      this.auxNames = names.listAuxiliaryStates();
    }
    this.args = new Pointer[argNames.size()];
    this.grads = new Pointer[argNames.size()];
    int[] reqs = new int[argNames.size()];
    this.aux = new Pointer[auxNames.size()];
    try {
      for (int i = 0; i < argNames.size(); i++) {
        Values v = require(args, argNames.get(i), "argument");
        this.args[i] = create(v);
        if (withGrad.contains(argNames.get(i))) {
          grads[i] = create(new Values(v.shape(), new float[v.data().length]));
          reqs[i] = 1;
        }
      }
      for (int i = 0; i < auxNames.size(); i++) {
        this.aux[i] = create(require(aux, auxNames.get(i), "auxiliary state"));
      }
      PointerByReference out = new PointerByReference();
      mx.check(ex.MXExecutorBindEX(symbol, 1, 0, 0, null, null, null, argNames.size(),
          this.args, grads, reqs, auxNames.size(), auxNames.isEmpty() ? null : this.aux, null,
          out), "MXExecutorBindEX");
      handle = out.getValue();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Values require(Map<String, Values> m, String name, String what) {
    Values v = m.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no value for " + what + " " + name);
    }
    return v;
  }

  private Pointer create(Values v) {
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXNDArrayCreateEx(v.shape(), v.shape().length, 1, 0, 0, typeFlag, ref),
        "MXNDArrayCreateEx");
    Pointer h = ref.getValue();
    int n = v.data().length;
    if (n > 0) {
      Memory m = new Memory((long) MxNDArrays.elementBytes(typeFlag) * n);
      if (typeFlag == FLOAT32) {
        m.write(0, v.data(), 0, n);
      } else {
        double[] wide = new double[n];
        for (int i = 0; i < n; i++) {
          wide[i] = v.data()[i];
        }
        m.write(0, wide, 0, n);
      }
      mx.check(mx.api().MXNDArraySyncCopyFromCPU(h, m, n), "MXNDArraySyncCopyFromCPU");
    }
    return h;
  }

  private Result read(Pointer h) {
    IntByReference ndim = new IntByReference();
    PointerByReference dims = new PointerByReference();
    mx.check(mx.api().MXNDArrayGetShapeEx(h, ndim, dims), "MXNDArrayGetShapeEx");
    int[] shape = ndim.getValue() <= 0 ? new int[0]
        : dims.getValue().getIntArray(0, ndim.getValue());
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] out = new double[Math.toIntExact(n)];
    if (n > 0) {
      Memory m = new Memory(MxNDArrays.elementBytes(typeFlag) * n);
      mx.check(mx.api().MXNDArraySyncCopyToCPU(h, m, n), "MXNDArraySyncCopyToCPU");
      if (typeFlag == FLOAT32) {
        float[] f = m.getFloatArray(0, out.length);
        for (int i = 0; i < f.length; i++) {
          out[i] = f[i];
        }
      } else {
        m.read(0, out, 0, out.length);
      }
    }
    return new Result(shape, out);
  }

  /**
   * Overwrites argument {@code name} with {@code values} (C order, as many as its size), as a
   * training loop does for each batch and after each update; float32 executors only.
   */
  void set(String name, float[] values) {
    int i = argNames.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no argument " + name + " in " + argNames);
    }
    if (typeFlag != FLOAT32) {
      throw new IllegalStateException("set() needs a float32 executor");
    }
    Memory m = new Memory(4L * values.length);
    m.write(0, values, 0, values.length);
    mx.check(mx.api().MXNDArraySyncCopyFromCPU(args[i], m, values.length),
        "MXNDArraySyncCopyFromCPU(" + name + ")");
  }

  /** The gradient of argument {@code name} as float32 values (a float32 executor's bits). */
  float[] gradient(String name) {
    int i = argNames.indexOf(name);
    if (i < 0 || grads[i] == null) {
      throw new IllegalArgumentException("no gradient of " + name);
    }
    double[] d = read(grads[i]).data();
    float[] f = new float[d.length];
    for (int j = 0; j < d.length; j++) {
      f[j] = (float) d[j];
    }
    return f;
  }

  /** {@code forward(is_train)}. */
  void forward(boolean isTrain) {
    mx.check(ex.MXExecutorForward(handle, isTrain ? 1 : 0), "MXExecutorForward");
  }

  /** {@code backward()} for loss heads (no head gradients), in training. */
  void backward() {
    mx.check(ex.MXExecutorBackwardEx(handle, 0, null, 1), "MXExecutorBackwardEx");
  }

  /** The outputs' values, in {@code list_outputs} order. */
  List<Result> outputs() {
    IntByReference n = new IntByReference();
    PointerByReference arr = new PointerByReference();
    mx.check(ex.MXExecutorOutputs(handle, n, arr), "MXExecutorOutputs");
    Pointer[] hs = n.getValue() == 0 ? new Pointer[0]
        : arr.getValue().getPointerArray(0, n.getValue());
    List<Result> out = new ArrayList<>();
    try {
      for (Pointer h : hs) {
        out.add(read(h));
      }
    } finally {
      for (Pointer h : hs) {
        mx.check(mx.api().MXNDArrayFree(h), "MXNDArrayFree");
      }
    }
    return out;
  }

  /** The gradients of the arguments that have one, by name. */
  Map<String, Result> gradients() {
    Map<String, Result> out = new LinkedHashMap<>();
    for (int i = 0; i < argNames.size(); i++) {
      if (grads[i] != null) {
        out.put(argNames.get(i), read(grads[i]));
      }
    }
    return out;
  }

  /** The auxiliary states' current values, by name. */
  Map<String, Result> auxiliaryStates() {
    Map<String, Result> out = new LinkedHashMap<>();
    for (int i = 0; i < auxNames.size(); i++) {
      out.put(auxNames.get(i), read(aux[i]));
    }
    return out;
  }

  /** Frees the executor, the arrays and the symbol; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (handle != null) {
      mx.check(ex.MXExecutorFree(handle), "MXExecutorFree");
      handle = null;
    }
    freeAll(args);
    freeAll(grads);
    freeAll(aux);
    mx.check(mx.api().MXSymbolFree(symbol), "MXSymbolFree");
  }

  private void freeAll(Pointer[] hs) {
    if (hs == null) {
      return;
    }
    for (int i = 0; i < hs.length; i++) {
      if (hs[i] != null) {
        mx.check(mx.api().MXNDArrayFree(hs[i]), "MXNDArrayFree");
        hs[i] = null;
      }
    }
  }
}
