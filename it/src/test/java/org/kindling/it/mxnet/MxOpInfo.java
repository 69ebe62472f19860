package org.kindling.it.mxnet;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * What MXNet declares about an operator ({@code MXSymbolGetAtomicSymbolInfo}, the source of
 * Python's generated docstrings): its inputs and its parameters, in declaration order.
 *
 * @param name the operator's canonical name
 * @param inputs input names (arguments typed {@code NDArray-or-Symbol})
 * @param variadicInputs true if the inputs are a variable-length list ({@code
 *     NDArray-or-Symbol[]}, e.g. {@code add_n}'s {@code args})
 * @param params the parameters with MXNet's type strings
 */
record MxOpInfo(String name, List<String> inputs, boolean variadicInputs, List<ParamInfo> params) {

  /**
   * One declared parameter.
   *
   * @param name e.g. {@code num_hidden}
   * @param type MXNet's type string, e.g. {@code "float, optional, default=0.001"}
   */
  record ParamInfo(String name, String type) {
    /** True if MXNet requires a value. */
    boolean required() {
      return type.contains("required");
    }

    /** The default as MXNet prints it, without quotes; null for required parameters. */
    String defaultValue() {
      int at = type.lastIndexOf("default=");
      if (at < 0) {
        return null;
      }
      String v = type.substring(at + "default=".length()).strip();
      if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'")
          || v.startsWith("\"") && v.endsWith("\""))) {
        v = v.substring(1, v.length() - 1);
      }
      return v;
    }
  }

  /** Queries MXNet for the operator {@code opName} (a name or an alias). */
  static MxOpInfo of(String opName) {
    Mxnet mx = Mxnet.get();
    PointerByReference op = new PointerByReference();
    mx.check(mx.api().NNGetOpHandle(opName, op), "NNGetOpHandle(" + opName + ")");
    PointerByReference name = new PointerByReference();
    PointerByReference description = new PointerByReference();
    IntByReference numArgs = new IntByReference();
    PointerByReference argNames = new PointerByReference();
    PointerByReference argTypes = new PointerByReference();
    PointerByReference argDescriptions = new PointerByReference();
    PointerByReference keyVarNumArgs = new PointerByReference();
    PointerByReference returnType = new PointerByReference();
    mx.check(mx.api().MXSymbolGetAtomicSymbolInfo(op.getValue(), name, description, numArgs,
        argNames, argTypes, argDescriptions, keyVarNumArgs, returnType),
        "MXSymbolGetAtomicSymbolInfo(" + opName + ")");
    // copy out of MXNet's thread-local buffers before any other call
    int n = numArgs.getValue();
    List<String> names = Mxnet.strings(argNames.getValue(), n);
    List<String> types = Mxnet.strings(argTypes.getValue(), n);
    String canonical = name.getValue().getString(0, "UTF-8");
    List<String> inputs = new ArrayList<>();
    List<ParamInfo> params = new ArrayList<>();
    boolean variadic = false;
    for (int i = 0; i < n; i++) {
      String t = types.get(i);
      if (t.startsWith("NDArray-or-Symbol") || t.startsWith("Symbol") || t.startsWith("NDArray")) {
        inputs.add(names.get(i));
        variadic |= t.contains("[]");
      } else {
        params.add(new ParamInfo(names.get(i), t));
      }
    }
    return new MxOpInfo(canonical, List.copyOf(inputs), variadic, List.copyOf(params));
  }
}
