package org.kindling.tensor.op;

import java.util.Arrays;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/**
 * The shapes and types a kernel is created for: a bound graph node or an imperative call. Backends
 * decide from it whether they can run the operator, and prepare per-shape state (packed weights,
 * primitives) once.
 *
 * @param inShapes input shapes
 * @param inTypes input types
 * @param outShapes output shapes, hidden outputs included
 * @param outTypes output types
 */
public record KernelSignature(Shape[] inShapes, DType[] inTypes, Shape[] outShapes,
    DType[] outTypes) {
  /** Copies the arrays. */
  public KernelSignature {
    inShapes = inShapes.clone();
    inTypes = inTypes.clone();
    outShapes = outShapes.clone();
    outTypes = outTypes.clone();
  }

  /** Input {@code i}'s shape. */
  public Shape in(int i) {
    return inShapes[i];
  }

  /** Output {@code k}'s shape. */
  public Shape out(int k) {
    return outShapes[k];
  }

  /** True if every input and output is float32. */
  public boolean allFloat32() {
    for (DType t : inTypes) {
      if (t != DType.FLOAT32) {
        return false;
      }
    }
    for (DType t : outTypes) {
      if (t != DType.FLOAT32) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelSignature k && Arrays.equals(inShapes, k.inShapes)
        && Arrays.equals(inTypes, k.inTypes) && Arrays.equals(outShapes, k.outShapes)
        && Arrays.equals(outTypes, k.outTypes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inShapes) * 31 + Arrays.hashCode(inTypes);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("in ");
    for (int i = 0; i < inShapes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(inTypes[i].numpyName()).append(inShapes[i]);
    }
    return sb.toString();
  }
}
