package org.kindling.it.mxnet;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.List;
import java.util.Map;

/**
 * MXNet's inference API ({@code c_predict_api.h}): a symbol JSON plus the bytes of a {@code
 * .params} file whose names carry {@code arg:}/{@code aux:} prefixes, bound on the CPU for fixed
 * input shapes. Arguments that are neither inputs nor in the file (labels) are allocated but not
 * filled, which a forward pass at inference does not read. Close to free.
 */
final class MxPredictor extends MxHandle {
  private MxPredictor(Mxnet mx, Pointer handle) {
    super(mx, handle, "predictor", "MXPredFree", h -> mx.api().MXPredFree(h));
  }

  /**
   * {@code MXPredCreatePartialOut}.
   *
   * @param inputShapes the shape of every input, by name
   * @param outputNodes node names whose first output to produce ({@code "fc1"} gives {@code
   *     fc1_output}), or empty for the symbol's own outputs
   */
  static MxPredictor create(String symbolJson, byte[] params, Map<String, int[]> inputShapes,
      List<String> outputNodes) {
    Mxnet mx = Mxnet.get();
    MxShapeArgs in = MxShapeArgs.of(inputShapes);
    String[] outKeys = outputNodes.isEmpty() ? null : outputNodes.toArray(new String[0]);
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXPredCreatePartialOut(symbolJson, params, params.length, 1, 0,
        in.keys().length, in.keys(), in.indPtr(), in.data(), outputNodes.size(), outKeys, ref),
        "MXPredCreatePartialOut(inputs " + inputShapes.keySet() + ", outputs " + outputNodes
            + ")");
    return new MxPredictor(mx, ref.getValue());
  }

  /** Copies {@code data} into input {@code key}. */
  void setInput(String key, float[] data) {
    mx.check(mx.api().MXPredSetInput(handle(), key, data, data.length),
        "MXPredSetInput(" + key + ", " + data.length + " floats)");
  }

  /** Runs the forward pass (at inference). */
  void forward() {
    mx.check(mx.api().MXPredForward(handle()), "MXPredForward");
  }

  /** The shape of output {@code index}. */
  int[] outputShape(int index) {
    PointerByReference data = new PointerByReference();
    IntByReference ndim = new IntByReference();
    mx.check(mx.api().MXPredGetOutputShape(handle(), index, data, ndim),
        "MXPredGetOutputShape(" + index + ")");
    return ndim.getValue() == 0 ? new int[0] : data.getValue().getIntArray(0, ndim.getValue());
  }

  /** The values of output {@code index} in C order. */
  float[] output(int index) {
    long n = 1;
    for (int d : outputShape(index)) {
      n *= d;
    }
    float[] out = new float[Math.toIntExact(n)];
    mx.check(mx.api().MXPredGetOutput(handle(), index, out, out.length),
        "MXPredGetOutput(" + index + ")");
    return out;
  }
}
