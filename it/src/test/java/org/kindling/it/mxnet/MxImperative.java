package org.kindling.it.mxnet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.kindling.tensor.DType;
import org.kindling.tensor.Elements;

/**
 * MXNet's imperative API as {@code mx.nd.<op>(...)} and {@code mx.autograd} use it: dense CPU
 * NDArrays filled from and read back into doubles, operators invoked by name with attribute
 * strings ({@code MXImperativeInvokeEx}), and autograd's recording, variables and backward pass.
 *
 * <p>Every handle this class creates belongs to an {@link Arena}, which frees them all when
 * closed, so that a failed comparison does not leak MXNet memory. The autograd switches are
 * MXNet thread-local state; {@link #withModes} restores them.
 */
final class MxImperative {
  /** mshadow's {@code OpReqType::kWriteTo}. */
  static final int REQ_WRITE = 1;

  private MxImperative() {}

  /** What MXNet computed: an array's shape, type flag and values as doubles. */
  record Values(int[] shape, int typeFlag, double[] values) {
    @Override
    public String toString() {
      return "flag " + typeFlag + " " + Arrays.toString(shape);
    }
  }

  /** Owns MXNet NDArray handles and frees them on {@link #close()}. */
  static final class Arena implements AutoCloseable {
    private final Mxnet mx = Mxnet.get();
    private final List<Pointer> handles = new ArrayList<>();

    /** The library. */
    Mxnet mx() {
      return mx;
    }

    /**
     * A dense CPU array of mshadow type {@code typeFlag} holding {@code values} converted to
     * that type.
     */
    Pointer array(int[] shape, int typeFlag, double[] values) {
      PointerByReference ref = new PointerByReference();
      mx.check(mx.api().MXNDArrayCreateEx(shape, shape.length, 1, 0, 0, typeFlag, ref),
          "MXNDArrayCreateEx(" + Arrays.toString(shape) + ", flag " + typeFlag + ")");
      Pointer h = ref.getValue();
      handles.add(h);
      if (values.length > 0) {
        byte[] bytes = encode(values, typeFlag);
        Memory src = new Memory(bytes.length);
        src.write(0, bytes, 0, bytes.length);
        mx.check(mx.api().MXNDArraySyncCopyFromCPU(h, src, values.length),
            "MXNDArraySyncCopyFromCPU");
      }
      return h;
    }

    /**
     * {@code mx.nd.<opName>(*inputs, **attrs)}: invokes the operator, letting MXNet infer and
     * allocate the outputs.
     *
     * @return the handles of the visible outputs (owned by this arena)
     * @throws IllegalStateException with MXNet's message if its parser, shape or type
     *     inference or kernel refuses
     */
    Pointer[] invoke(String opName, Map<String, String> attrs, Pointer[] inputs) {
      PointerByReference op = new PointerByReference();
      mx.check(mx.api().NNGetOpHandle(opName, op), "NNGetOpHandle(" + opName + ")");
      String[] keys = attrs.keySet().toArray(new String[0]);
      String[] vals = attrs.values().toArray(new String[0]);
      IntByReference numOut = new IntByReference(0);
      PointerByReference outs = new PointerByReference(Pointer.NULL);
      PointerByReference stypes = new PointerByReference();
      mx.check(mx.api().MXImperativeInvokeEx(op.getValue(), inputs.length, inputs, numOut, outs,
          keys.length, keys, vals, stypes), "MXImperativeInvokeEx(" + opName + ", " + attrs + ")");
      // the handle array lives in MXNet's thread-local buffer: copy it before the next call
      int n = numOut.getValue();
      Pointer[] result = n == 0 ? new Pointer[0] : outs.getValue().getPointerArray(0, n);
      handles.addAll(List.of(result));
      return result;
    }

    /**
     * {@code cast_storage(h, stype=stype)}: a copy of {@code h} in storage {@code default},
     * {@code row_sparse} or {@code csr}.
     */
    Pointer castStorage(Pointer h, String stype) {
      return invoke("cast_storage", Map.of("stype", stype), new Pointer[] {h})[0];
    }

    /** Copies an array out (waiting for pending writes), converted to doubles. */
    Values read(Pointer h) {
      IntByReference ndim = new IntByReference();
      PointerByReference dims = new PointerByReference();
      mx.check(mx.api().MXNDArrayGetShapeEx(h, ndim, dims), "MXNDArrayGetShapeEx");
      int nd = ndim.getValue();
      int[] shape = nd <= 0 ? new int[0] : dims.getValue().getIntArray(0, nd);
      IntByReference dtype = new IntByReference();
      mx.check(mx.api().MXNDArrayGetDType(h, dtype), "MXNDArrayGetDType");
      int flag = dtype.getValue();
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      double[] values = new double[Math.toIntExact(n)];
      if (n > 0) {
        int bytes = Math.toIntExact(n * MxNDArrays.elementBytes(flag));
        Memory dst = new Memory(bytes);
        mx.check(mx.api().MXNDArraySyncCopyToCPU(h, dst, n), "MXNDArraySyncCopyToCPU");
        values = decode(dst.getByteArray(0, bytes), flag, (int) n);
      }
      return new Values(shape, flag, values);
    }

    /** {@code attach_grad} with {@code grad_req='write'}, for each pair. */
    void markVariables(Pointer[] vars, Pointer[] grads) {
      int[] reqs = new int[vars.length];
      Arrays.fill(reqs, REQ_WRITE);
      mx.check(mx.api().MXAutogradMarkVariables(vars.length, vars, reqs, grads),
          "MXAutogradMarkVariables(" + vars.length + ")");
    }

    /**
     * {@code mx.autograd.backward(outputs, head_grads, train_mode=train)}: the gradients go to
     * the arrays given to {@link #markVariables}.
     */
    void backward(Pointer[] outputs, Pointer[] headGrads, boolean train) {
      mx.check(mx.api().MXAutogradBackwardEx(outputs.length, outputs, headGrads, 0, null, 0, 0,
          train ? 1 : 0, null, null), "MXAutogradBackwardEx(" + outputs.length + " heads)");
    }

    /**
     * Frees every handle of this arena. Waits for MXNet's pending operations first and drops
     * their errors: a kernel's error is raised where its output is read (already reported by
     * then), and with the threaded engine it would otherwise surface again at a later,
     * unrelated synchronization point.
     */
    @Override
    public void close() {
      mx.api().MXNDArrayWaitAll();
      RuntimeException first = null;
      for (Pointer h : handles) {
        int rc = mx.api().MXNDArrayFree(h);
        if (rc != 0 && first == null) {
          first = new IllegalStateException("MXNDArrayFree failed: " + mx.api().MXGetLastError());
        }
      }
      handles.clear();
      if (first != null) {
        throw first;
      }
    }
  }

  /**
   * Runs {@code body} with autograd recording and training mode set as given (both MXNet
   * thread-local), then restores the previous modes.
   */
  static <T> T withModes(boolean recording, boolean training, Supplier<T> body) {
    Mxnet mx = Mxnet.get();
    IntByReference prevRec = new IntByReference();
    IntByReference prevTrain = new IntByReference();
    mx.check(mx.api().MXAutogradSetIsTraining(training ? 1 : 0, prevTrain),
        "MXAutogradSetIsTraining");
    try {
      mx.check(mx.api().MXAutogradSetIsRecording(recording ? 1 : 0, prevRec),
          "MXAutogradSetIsRecording");
      try {
        return body.get();
      } finally {
        mx.check(mx.api().MXAutogradSetIsRecording(prevRec.getValue(), new IntByReference()),
            "MXAutogradSetIsRecording(restore)");
      }
    } finally {
      mx.check(mx.api().MXAutogradSetIsTraining(prevTrain.getValue(), new IntByReference()),
          "MXAutogradSetIsTraining(restore)");
    }
  }

  // ------------------------------------------------------------------ element conversion

  /**
   * Values as little-endian elements of mshadow type {@code flag}. The common types are encoded
   * here, independently of Kindling; the two 16-bit float types use Kindling's {@link Elements}
   * (Java 17 has no half-precision conversion), which {@code ParamsFileMatchesMxnetIT} checks
   * against MXNet separately.
   */
  static byte[] encode(double[] v, int flag) {
    ByteBuffer b = ByteBuffer.allocate(v.length * MxNDArrays.elementBytes(flag))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      switch (flag) {
        case 0 -> b.putFloat((float) x);
        case 1 -> b.putDouble(x);
        case 3 -> b.put((byte) (long) x);
        case 4 -> b.putInt((int) (long) x);
        case 5 -> b.put((byte) (long) x);
        case 6 -> b.putLong((long) x);
        case 7 -> b.put((byte) (x != 0 ? 1 : 0));
        case 2, 12 -> {
          ByteBuffer one = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
          Elements.set(one, DType.fromFlag(flag), 0, x);
          b.put(one.get(0)).put(one.get(1));
        }
        default -> throw new IllegalArgumentException("no conversion for type flag " + flag);
      }
    }
    return b.array();
  }

  /** The inverse of {@link #encode}. */
  static double[] decode(byte[] bytes, int flag, int n) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (flag) {
        case 0 -> b.getFloat();
        case 1 -> b.getDouble();
        case 3 -> b.get() & 0xFF;
        case 4 -> b.getInt();
        case 5 -> b.get();
        case 6 -> b.getLong();
        case 7 -> b.get() != 0 ? 1 : 0;
        case 2, 12 -> {
          ByteBuffer one = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
          one.put(0, b.get()).put(1, b.get());
          yield Elements.get(one, DType.fromFlag(flag), 0);
        }
        default -> throw new IllegalArgumentException("no conversion for type flag " + flag);
      };
    }
    return v;
  }
}
