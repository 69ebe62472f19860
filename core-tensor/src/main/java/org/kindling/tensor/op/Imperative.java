package org.kindling.tensor.op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.storage.Chunk;
import org.kindling.tensor.storage.Storage;

/**
 * Runs one operator on NDArrays right away, as MXNet's {@code Imperative::Invoke}: infers the
 * output shapes and types, allocates the outputs from the pool, chooses the kernel (cached per
 * operator instance and signature), and pushes one engine operation that reads the inputs and
 * writes the outputs and any mutable inputs. Returns at once; the outputs are ready when the
 * engine says so. NDArray math ({@code Elementwise}, {@code Linalg}, ...) and graph nodes run the
 * same operators and kernels.
 */
public final class Imperative {
  /** Kernels by operator instance and signature; small and bounded, as MXNet's op caches. */
  private static final int CACHE_SIZE = 512;

  private static final Map<Key, Kernel> KERNELS = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Kernel> e) {
          return size() > CACHE_SIZE;
        }
      });

  private record Key(OpInstance<?> op, KernelSignature signature, boolean train) {}

  private Imperative() {}

  /**
   * Applies {@code op} with {@code params} to {@code inputs} (inference mode) and returns its
   * visible outputs as new arrays.
   *
   * @throws IllegalArgumentException naming the operator for a wrong number of inputs,
   *     inconsistent shapes or types, or a type no kernel computes
   */
  public static <P extends Record> List<NDArray> invoke(OpDef<P> op, P params,
      NDArray... inputs) {
    return invoke(OpInstance.of(op, params), false, inputs);
  }

  /** As {@link #invoke(OpDef, Record, NDArray...)}, for one visible output. */
  public static <P extends Record> NDArray call(OpDef<P> op, P params, NDArray... inputs) {
    List<NDArray> out = invoke(OpInstance.of(op, params), false, inputs);
    if (out.size() != 1) {
      throw new IllegalArgumentException(op.name() + " has " + out.size() + " outputs");
    }
    return out.get(0);
  }

  /**
   * Applies an operator instance; {@code train} selects training behaviour (Dropout masks,
   * BatchNorm batch statistics and moving-average updates).
   */
  public static List<NDArray> invoke(OpInstance<?> op, boolean train, NDArray... inputs) {
    Shape[] outShapes = new Shape[op.numOutputs()];
    DType[] outTypes = new DType[op.numOutputs()];
    infer(op, inputs, outShapes, outTypes);
    NDArray[] outs = new NDArray[outShapes.length];
    for (int k = 0; k < outs.length; k++) {
      outs[k] = NDArray.empty(outShapes[k], outTypes[k]);
    }
    run(op, train, inputs, outs);
    int visible = op.numVisibleOutputs();
    for (int k = visible; k < outs.length; k++) {
      outs[k].close(); // hidden outputs (workspaces, masks) are not returned
    }
    return List.of(Arrays.copyOf(outs, visible));
  }

  /**
   * Applies an operator writing into existing arrays (MXNet's {@code out=}): one per output,
   * hidden outputs included, of the inferred shapes and types. An output may be an input where
   * the operator declares an in-place option.
   */
  public static void invokeInto(OpInstance<?> op, boolean train, NDArray[] inputs,
      NDArray[] outputs) {
    Shape[] outShapes = new Shape[op.numOutputs()];
    DType[] outTypes = new DType[op.numOutputs()];
    infer(op, inputs, outShapes, outTypes);
    if (outputs.length != outShapes.length) {
      throw new IllegalArgumentException(op.name() + " writes " + outShapes.length
          + " outputs but " + outputs.length + " arrays were given");
    }
    for (int k = 0; k < outputs.length; k++) {
      if (!outputs[k].shape().equals(outShapes[k]) || outputs[k].dtype() != outTypes[k]) {
        throw new IllegalArgumentException(op.name() + " output " + k + " is "
            + outTypes[k].numpyName() + outShapes[k] + " but the given array is "
            + outputs[k].dtype().numpyName() + outputs[k].shape());
      }
    }
    run(op, train, inputs, outputs);
  }

  private static void infer(OpInstance<?> op, NDArray[] inputs, Shape[] outShapes,
      DType[] outTypes) {
    List<String> names = op.inputNames();
    if (inputs.length != names.size()) {
      throw new IllegalArgumentException(op.name() + " takes " + names.size() + " inputs "
          + names + " but got " + inputs.length);
    }
    Shape[] inShapes = new Shape[inputs.length];
    DType[] inTypes = new DType[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == null) {
        throw new IllegalArgumentException(op.name() + ": input '" + names.get(i) + "' is null");
      }
      inShapes[i] = inputs[i].shape();
      inTypes[i] = inputs[i].dtype();
    }
    Shape[] given = inShapes.clone();
    DType[] givenTypes = inTypes.clone();
    try {
      op.inferShape(new ShapeSlots(inShapes, outShapes, names, op.outputNames()));
      op.inferType(new TypeSlots(inTypes, outTypes, names, op.outputNames()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op.name() + ": " + e.getMessage() + " (inputs "
          + describe(names, given, givenTypes) + ")", e);
    }
    for (int k = 0; k < outShapes.length; k++) {
      if (outShapes[k] == null || outTypes[k] == null) {
        throw new IllegalArgumentException(op.name() + ": cannot infer output '"
            + op.outputNames().get(k) + "' from inputs " + describe(names, given, givenTypes));
      }
    }
  }

  private static String describe(List<String> names, Shape[] shapes, DType[] types) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shapes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(names.get(i)).append('=')
          .append(types[i].numpyName()).append(shapes[i]);
    }
    return sb.toString();
  }

  private static void run(OpInstance<?> op, boolean train, NDArray[] inputs, NDArray[] outs) {
    Engine engine = inputs.length > 0 ? inputs[0].engine() : outs[0].engine();
    Shape[] inShapes = new Shape[inputs.length];
    DType[] inTypes = new DType[inputs.length];
    TensorView[] in = new TensorView[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i].engine() != engine) {
        throw new IllegalArgumentException(op.name() + ": input " + i + " belongs to another engine");
      }
      inShapes[i] = inputs[i].shape();
      inTypes[i] = inputs[i].dtype();
      in[i] = inputs[i].view();
    }
    Shape[] outShapes = new Shape[outs.length];
    DType[] outTypes = new DType[outs.length];
    TensorView[] out = new TensorView[outs.length];
    for (int k = 0; k < outs.length; k++) {
      outShapes[k] = outs[k].shape();
      outTypes[k] = outs[k].dtype();
      out[k] = outs[k].view();
    }
    KernelSignature sig = new KernelSignature(inShapes, inTypes, outShapes, outTypes);
    Key key = new Key(op, sig, train);
    Kernel kernel = KERNELS.get(key);
    if (kernel == null) {
      kernel = op.selectKernel(sig);
      KERNELS.put(key, kernel);
    }
    Set<Var> writeSet = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Var> writes = new ArrayList<>();
    for (NDArray o : outs) {
      if (writeSet.add(o.var())) {
        writes.add(o.var());
      }
    }
    for (int i : op.mutableInputs()) {
      if (writeSet.add(inputs[i].var())) {
        writes.add(inputs[i].var());
      }
    }
    List<Var> reads = new ArrayList<>();
    for (NDArray a : inputs) {
      if (writeSet.add(a.var())) { // once each, and never a variable that is also written
        reads.add(a.var());
      }
    }
    long ws = kernel.workspaceBytes();
    long seed = Randoms.nextSeed();
    Kernel k = kernel;
    engine.push(op.name(), () -> {
      if (ws == 0) {
        k.forward(OpContext.of(train, seed), in, out);
        return;
      }
      Chunk scratch = Storage.get().acquire(ws);
      try {
        k.forward(new OpContext(train, scratch.buffer(), Randoms.generator(seed)), in, out);
      } finally {
        scratch.release();
      }
    }, reads, writes);
  }
}
