package org.kindling.it.mxnet;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The executor part of MXNet 1.9.1's C API ({@code include/mxnet/c_api.h}) for JNA, in a file
 * of its own beside {@link MxnetCApi}, mapped the same way ({@code uint32_t} to {@code int},
 * handles to {@link Pointer}). {@link #get()} maps it onto the {@code libmxnet.so} that {@link
 * Mxnet#get()} loaded. Every function returns 0 on success, -1 with the message in {@code
 * MXGetLastError()} on failure.
 */
interface MxnetExecutorApi extends Library {
  /**
   * Binds {@code len} arguments (in {@code list_arguments} order), their gradient arrays (null
   * where the request is null), requests (0 null, 1 write, 2 in place, 3 add) and the auxiliary
   * states, on device {@code devType} (1 = CPU).
   */
  int MXExecutorBindEX(Pointer symbol, int devType, int devId, int numMapKeys, String[] mapKeys,
      int[] mapDevTypes, int[] mapDevIds, int len, Pointer[] inArgs, Pointer[] argGradStore,
      int[] gradReqType, int auxStatesLen, Pointer[] auxStates, Pointer sharedExec,
      PointerByReference out);

  int MXExecutorForward(Pointer executor, int isTrain);

  /** {@code len} 0 and {@code headGrads} null for loss heads. */
  int MXExecutorBackwardEx(Pointer executor, int len, Pointer[] headGrads, int isTrain);

  /** New NDArray handles of the outputs, which the caller frees. */
  int MXExecutorOutputs(Pointer executor, IntByReference outSize, PointerByReference out);

  int MXExecutorFree(Pointer executor);

  int MXNDArrayWaitAll();

  /** The interface on the library {@link Mxnet#get()} loaded. */
  static MxnetExecutorApi get() {
    return Holder.API;
  }

  /** Lazy holder: maps the functions on first use. */
  final class Holder {
    private static final MxnetExecutorApi API = Native.load(
        Mxnet.get().library().toString(), MxnetExecutorApi.class,
        Map.of(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name()));

    private Holder() {}
  }
}
