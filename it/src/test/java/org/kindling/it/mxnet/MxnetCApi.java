package org.kindling.it.mxnet;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of MXNet 1.9.1's C API ({@code include/mxnet/c_api.h}, {@code c_predict_api.h}) that
 * the oracle tests call, mapped for JNA. {@code uint32_t} maps to {@code int}, {@code size_t} to
 * {@code long} (LP64), handles to {@link Pointer}, {@code const char**} inputs to {@code
 * String[]} (UTF-8, see {@link Mxnet}). Every function returns 0 on success and -1 on failure,
 * with the message in {@link #MXGetLastError()}; out-parameters that point into MXNet's
 * thread-local buffers stay valid only until the next call on the same thread.
 */
interface MxnetCApi extends Library {
  int MXGetVersion(IntByReference out);

  String MXGetLastError();

  /** {@code isNpShape}: 0 off, 1 on for this thread, 2 on globally. */
  int MXSetIsNumpyShape(int isNpShape, IntByReference prev);

  // ------------------------------------------------------------------ NDArray

  int MXNDArrayCreateEx(int[] shape, int ndim, int devType, int devId, int delayAlloc, int dtype,
      PointerByReference out);

  /** {@code size} counts elements, not bytes. */
  int MXNDArraySyncCopyFromCPU(Pointer handle, Pointer data, long size);

  /** {@code size} counts elements, not bytes. */
  int MXNDArraySyncCopyToCPU(Pointer handle, Pointer data, long size);

  int MXNDArrayGetShapeEx(Pointer handle, IntByReference outDim, PointerByReference outData);

  int MXNDArrayGetDType(Pointer handle, IntByReference outDtype);

  /** {@code keys} null for a list file. */
  int MXNDArraySave(String fname, int numArgs, Pointer[] args, String[] keys);

  int MXNDArrayLoad(String fname, IntByReference outSize, PointerByReference outArr,
      IntByReference outNameSize, PointerByReference outNames);

  int MXNDArrayFree(Pointer handle);

  /**
   * Waits for every pending operation; rethrows (as -1) the first error an asynchronous
   * operation raised since the last call, and clears them all.
   */
  int MXNDArrayWaitAll();

  // ------------------------------------------------------------------ imperative and autograd

  /**
   * Runs operator {@code creator} on {@code inputs} with the attribute strings {@code keys}/{@code
   * vals} parsed by the operator's own parser. With {@code outputs} pointing to null, MXNet
   * allocates the outputs, sets {@code numOutputs} to the number of <em>visible</em> outputs and
   * {@code outputs} to an array of their handles in its thread-local buffer; the caller owns (and
   * frees) those handles. {@code outStypes} receives the outputs' storage types likewise.
   */
  int MXImperativeInvokeEx(Pointer creator, int numInputs, Pointer[] inputs,
      IntByReference numOutputs, PointerByReference outputs, int numParams, String[] keys,
      String[] vals, PointerByReference outStypes);

  /** Thread-local; {@code prev} receives the previous state (0 or 1). */
  int MXAutogradSetIsRecording(int isRecording, IntByReference prev);

  /** Thread-local; also what a non-recorded {@code MXImperativeInvokeEx} runs in. */
  int MXAutogradSetIsTraining(int isTraining, IntByReference prev);

  /** {@code reqs}: 0 null, 1 write, 2 in-place (as write), 3 add (MXNet's {@code OpReqType}). */
  int MXAutogradMarkVariables(int numVar, Pointer[] vars, int[] reqs, Pointer[] grads);

  /**
   * Backward from {@code outputs} with head gradients {@code ograds} (null entries, or a null
   * array: ones). With {@code numVariables == 0} the gradients go to the arrays given to {@link
   * #MXAutogradMarkVariables} and the two last out-parameters are not touched (may be null).
   */
  int MXAutogradBackwardEx(int numOutput, Pointer[] outputs, Pointer[] ograds, int numVariables,
      Pointer[] vars, int retainGraph, int createGraph, int isTrain,
      PointerByReference gradHandles, PointerByReference gradStypes);

  // ------------------------------------------------------------------ RecordIO

  int MXRecordIOWriterCreate(String uri, PointerByReference out);

  int MXRecordIOWriterWriteRecord(Pointer handle, Pointer buf, long size);

  int MXRecordIOWriterTell(Pointer handle, LongByReference pos);

  int MXRecordIOWriterFree(Pointer handle);

  int MXRecordIOReaderCreate(String uri, PointerByReference out);

  /** At the end of the file {@code buf} is set to null. */
  int MXRecordIOReaderReadRecord(Pointer handle, PointerByReference buf, LongByReference size);

  int MXRecordIOReaderSeek(Pointer handle, long pos);

  int MXRecordIOReaderFree(Pointer handle);

  // ------------------------------------------------------------------ data iterators

  int MXListDataIters(IntByReference outSize, PointerByReference outArray);

  int MXDataIterGetIterInfo(Pointer creator, PointerByReference name,
      PointerByReference description, IntByReference numArgs, PointerByReference argNames,
      PointerByReference argTypeInfos, PointerByReference argDescriptions);

  int MXDataIterCreateIter(Pointer creator, int numParam, String[] keys, String[] vals,
      PointerByReference out);

  int MXDataIterNext(Pointer handle, IntByReference out);

  int MXDataIterGetData(Pointer handle, PointerByReference out);

  int MXDataIterGetLabel(Pointer handle, PointerByReference out);

  int MXDataIterGetPadNum(Pointer handle, IntByReference pad);

  int MXDataIterBeforeFirst(Pointer handle);

  int MXDataIterFree(Pointer handle);

  // ------------------------------------------------------------------ Symbol

  int MXSymbolCreateFromJSON(String json, PointerByReference out);

  int MXSymbolCreateFromFile(String fname, PointerByReference out);

  int MXSymbolSaveToJSON(Pointer symbol, PointerByReference outJson);

  /** {@code get_internals()}: every visible output of every node, in DFS order. */
  int MXSymbolGetInternals(Pointer symbol, PointerByReference out);

  int MXSymbolCreateVariable(String name, PointerByReference out);

  /**
   * Every operator name. As a side effect it registers the legacy {@code OperatorProperty}
   * operators (e.g. {@code MakeLoss}) with NNVM, which {@link #NNGetOpHandle} cannot find
   * before (Python's {@code import mxnet} makes this call).
   */
  int MXListAllOpNames(IntByReference outSize, PointerByReference outArray);

  /**
   * An operator's documentation: its name, description, and its arguments (inputs, typed
   * {@code NDArray-or-Symbol}, and parameters) with their type strings such as {@code "float,
   * optional, default=0.001"} or {@code "int (non-negative), required"}.
   */
  int MXSymbolGetAtomicSymbolInfo(Pointer creator, PointerByReference name,
      PointerByReference description, IntByReference numArgs, PointerByReference argNames,
      PointerByReference argTypeInfos, PointerByReference argDescriptions,
      PointerByReference keyVarNumArgs, PointerByReference returnType);

  /** The op handle ({@code nnvm::Op*}), which is also MXNet's {@code AtomicSymbolCreator}. */
  int NNGetOpHandle(String opName, PointerByReference out);

  int MXSymbolCreateAtomicSymbol(Pointer creator, int numParam, String[] keys, String[] vals,
      PointerByReference out);

  /** Composes {@code symbol} in place with {@code args} by input name ({@code keys}). */
  int MXSymbolCompose(Pointer symbol, String name, int numArgs, String[] keys, Pointer[] args);

  int MXSymbolListArguments(Pointer symbol, IntByReference outSize, PointerByReference outArray);

  int MXSymbolListOutputs(Pointer symbol, IntByReference outSize, PointerByReference outArray);

  int MXSymbolListAuxiliaryStates(Pointer symbol, IntByReference outSize,
      PointerByReference outArray);

  /**
   * Shapes of {@code numArgs} named arguments as CSR ({@code argIndPtr} of length numArgs+1
   * into {@code argShapeData}); returns arrays of ndims and of dim pointers for the arguments,
   * outputs and auxiliary states.
   */
  int MXSymbolInferShapeEx(Pointer symbol, int numArgs, String[] keys, int[] argIndPtr,
      int[] argShapeData, IntByReference inShapeSize, PointerByReference inShapeNdim,
      PointerByReference inShapeData, IntByReference outShapeSize,
      PointerByReference outShapeNdim, PointerByReference outShapeData,
      IntByReference auxShapeSize, PointerByReference auxShapeNdim,
      PointerByReference auxShapeData, IntByReference complete);

  int MXSymbolFree(Pointer symbol);

  // ------------------------------------------------------------------ KVStore

  int MXKVStoreCreate(String type, PointerByReference out);

  int MXKVStoreFree(Pointer handle);

  /** {@code compression_params} as key/value strings ({@code type}, {@code threshold}). */
  int MXKVStoreSetGradientCompression(Pointer handle, int numParams, String[] keys,
      String[] vals);

  int MXKVStoreInitEx(Pointer handle, int num, String[] keys, Pointer[] vals);

  /** {@code keys[i]} with {@code vals[i]}: a key given twice pushes two arrays of it. */
  int MXKVStorePushEx(Pointer handle, int num, String[] keys, Pointer[] vals, int priority);

  int MXKVStorePullEx(Pointer handle, int num, String[] keys, Pointer[] vals, int priority);

  /** {@code init} of {@code vkeys} with {@code vals}, then {@code pull} of {@code okeys}. */
  int MXKVStoreBroadcastEx(Pointer handle, int vnum, String[] vkeys, int onum, String[] okeys,
      Pointer[] vals, Pointer[] outs, int priority);

  /** {@code MXKVStoreUpdater}: int keys (not called for a store with string keys). */
  interface IntKeyUpdater extends Callback {
    void invoke(int key, Pointer recv, Pointer local, Pointer handle);
  }

  /**
   * {@code MXKVStoreStrUpdater}: the pushed sum and the stored value of a key, as new handles
   * the updater must free ({@code c_api.h}: "It's this updater's responsibility to delete recv
   * and local").
   */
  interface StrKeyUpdater extends Callback {
    void invoke(String key, Pointer recv, Pointer local, Pointer handle);
  }

  int MXKVStoreSetUpdaterEx(Pointer handle, IntKeyUpdater updater, StrKeyUpdater strUpdater,
      Pointer updaterHandle);

  // ------------------------------------------------------------------ predictor

  int MXPredCreatePartialOut(String symbolJson, byte[] paramBytes, int paramSize, int devType,
      int devId, int numInputNodes, String[] inputKeys, int[] inputShapeIndptr,
      int[] inputShapeData, int numOutputNodes, String[] outputKeys, PointerByReference out);

  int MXPredGetOutputShape(Pointer handle, int index, PointerByReference shapeData,
      IntByReference shapeNdim);

  int MXPredSetInput(Pointer handle, String key, float[] data, int size);

  int MXPredForward(Pointer handle);

  int MXPredGetOutput(Pointer handle, int index, float[] data, int size);

  int MXPredFree(Pointer handle);
}
