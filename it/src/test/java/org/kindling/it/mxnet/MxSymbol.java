package org.kindling.it.mxnet;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An MXNet symbol handle: loaded from JSON, or composed through the C API the way MXNet's Python
 * and Scala front-ends compose ({@code MXSymbolCreateAtomicSymbol} with the parameters as
 * strings, then {@code MXSymbolCompose} with the inputs by name). Close to free the handle.
 */
final class MxSymbol extends MxHandle {
  private MxSymbol(Mxnet mx, Pointer handle) {
    super(mx, handle, "symbol", "MXSymbolFree", h -> mx.api().MXSymbolFree(h));
  }

  /**
   * Shapes from {@code MXSymbolInferShapeEx}, in {@code list_arguments}, {@code list_outputs}
   * and {@code list_auxiliary_states} order.
   *
   * @param complete whether MXNet could infer every shape
   */
  record Shapes(List<int[]> arguments, List<int[]> outputs, List<int[]> auxiliaryStates,
      boolean complete) {}

  /** {@code MXSymbolCreateFromJSON} (MXNet's loader, with its upgrade passes for old files). */
  static MxSymbol fromJson(String json) {
    Mxnet mx = Mxnet.get();
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXSymbolCreateFromJSON(json, ref), "MXSymbolCreateFromJSON");
    return new MxSymbol(mx, ref.getValue());
  }

  /** {@code MXSymbolCreateFromFile} ({@code mx.sym.load}): the same loader, reading a file. */
  static MxSymbol fromFile(Path file) {
    Mxnet mx = Mxnet.get();
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXSymbolCreateFromFile(file.toString(), ref),
        "MXSymbolCreateFromFile(" + file + ")");
    return new MxSymbol(mx, ref.getValue());
  }

  /** {@code mx.sym.Variable(name)}. */
  static MxSymbol variable(String name) {
    Mxnet mx = Mxnet.get();
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXSymbolCreateVariable(name, ref), "MXSymbolCreateVariable(" + name + ")");
    return new MxSymbol(mx, ref.getValue());
  }

  /**
   * {@code mx.sym.<op>(name=nodeName, **inputs, **params)}: an operator node whose inputs not
   * given are created by MXNet as variables {@code <nodeName>_<input>}.
   *
   * @param params parameter values as the Python front-end passes them ({@code str(value)})
   * @param inputs input symbols by input name; they stay owned by the caller
   */
  static MxSymbol op(String opName, String nodeName, Map<String, String> params,
      Map<String, MxSymbol> inputs) {
    return compose(opName, nodeName, params, inputs.keySet().toArray(new String[0]),
        inputs.values().stream().map(MxSymbol::handle).toArray(Pointer[]::new));
  }

  /**
   * {@code mx.sym.<op>(*inputs, name=nodeName, **params)}: inputs by position, for operators
   * that name their inputs in their documentation only (MXNet's optimizer updates), whose
   * keyword composition MXNet refuses.
   */
  static MxSymbol op(String opName, String nodeName, Map<String, String> params,
      List<MxSymbol> inputs) {
    return compose(opName, nodeName, params, null,
        inputs.stream().map(MxSymbol::handle).toArray(Pointer[]::new));
  }

  private static MxSymbol compose(String opName, String nodeName, Map<String, String> params,
      String[] inKeys, Pointer[] inHandles) {
    Mxnet mx = Mxnet.get();
    PointerByReference op = new PointerByReference();
    mx.check(mx.api().NNGetOpHandle(opName, op), "NNGetOpHandle(" + opName + ")");
    String[] keys = params.keySet().toArray(new String[0]);
    String[] vals = params.values().toArray(new String[0]);
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXSymbolCreateAtomicSymbol(op.getValue(), keys.length, keys, vals, ref),
        "MXSymbolCreateAtomicSymbol(" + opName + ", " + params + ")");
    MxSymbol s = new MxSymbol(mx, ref.getValue());
    try {
      mx.check(mx.api().MXSymbolCompose(s.handle(), nodeName, inHandles.length, inKeys, inHandles),
          "MXSymbolCompose(" + nodeName + ", " + (inKeys == null ? inHandles.length
              + " positional inputs" : List.of(inKeys)) + ")");
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** {@code MXSymbolSaveToJSON}: MXNet's own JSON text of this symbol. */
  String toJson() {
    PointerByReference out = new PointerByReference();
    mx.check(mx.api().MXSymbolSaveToJSON(handle(), out), "MXSymbolSaveToJSON");
    return out.getValue().getString(0, StandardCharsets.UTF_8.name());
  }

  /** {@code get_internals()}, a new handle the caller closes. */
  MxSymbol internals() {
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXSymbolGetInternals(handle(), ref), "MXSymbolGetInternals");
    return new MxSymbol(mx, ref.getValue());
  }

  /** {@code list_arguments()}. */
  List<String> listArguments() {
    IntByReference n = new IntByReference();
    PointerByReference arr = new PointerByReference();
    mx.check(mx.api().MXSymbolListArguments(handle(), n, arr), "MXSymbolListArguments");
    return Mxnet.strings(arr.getValue(), n.getValue());
  }

  /** {@code list_outputs()}. */
  List<String> listOutputs() {
    IntByReference n = new IntByReference();
    PointerByReference arr = new PointerByReference();
    mx.check(mx.api().MXSymbolListOutputs(handle(), n, arr), "MXSymbolListOutputs");
    return Mxnet.strings(arr.getValue(), n.getValue());
  }

  /** {@code list_auxiliary_states()}. */
  List<String> listAuxiliaryStates() {
    IntByReference n = new IntByReference();
    PointerByReference arr = new PointerByReference();
    mx.check(mx.api().MXSymbolListAuxiliaryStates(handle(), n, arr),
        "MXSymbolListAuxiliaryStates");
    return Mxnet.strings(arr.getValue(), n.getValue());
  }

  /** {@code infer_shape(**known)} with named argument shapes. */
  Shapes inferShape(Map<String, int[]> known) {
    MxShapeArgs in = MxShapeArgs.of(known);
    IntByReference inSize = new IntByReference();
    IntByReference outSize = new IntByReference();
    IntByReference auxSize = new IntByReference();
    PointerByReference inNdim = new PointerByReference();
    PointerByReference outNdim = new PointerByReference();
    PointerByReference auxNdim = new PointerByReference();
    PointerByReference inData = new PointerByReference();
    PointerByReference outData = new PointerByReference();
    PointerByReference auxData = new PointerByReference();
    IntByReference complete = new IntByReference();
    mx.check(mx.api().MXSymbolInferShapeEx(handle(), in.keys().length, in.keys(), in.indPtr(),
        in.data(), inSize, inNdim, inData, outSize, outNdim, outData, auxSize, auxNdim, auxData,
        complete),
        "MXSymbolInferShapeEx(" + in.keys().length + " shapes)");
    return new Shapes(
        shapes(inSize.getValue(), inNdim.getValue(), inData.getValue()),
        shapes(outSize.getValue(), outNdim.getValue(), outData.getValue()),
        shapes(auxSize.getValue(), auxNdim.getValue(), auxData.getValue()),
        complete.getValue() != 0);
  }

  /** {@code n} shapes from an ndim array and an array of dim pointers (null if unknown). */
  private static List<int[]> shapes(int n, Pointer ndims, Pointer dims) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int nd = ndims.getInt(4L * i);
      out.add(nd < 0 ? null : nd == 0 ? new int[0]
          : dims.getPointer((long) Native.POINTER_SIZE * i).getIntArray(0, nd));
    }
    return out;
  }
}
