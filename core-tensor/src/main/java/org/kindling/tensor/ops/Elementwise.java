package org.kindling.tensor.ops;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.kernel.FloatKernels.Binary;

/**
 * Element-wise float32 operations. Each one pushes an engine operation that reads its inputs'
 * variables and writes its output's, and returns at once; the result is ready when the engine
 * says so (e.g. {@link NDArray#toFloatArray()} waits).
 *
 * <p>Shape contract: binary operations take two arrays of the same shape (no broadcasting) and
 * return a new array of that shape. Reference: {@link ReferenceKernels}.
 */
public final class Elementwise {
  private Elementwise() {}

  /**
   * {@code a + b}, element-wise.
   *
   * @throws IllegalArgumentException if the shapes differ (both are named) or an array is not
   *     float32
   */
  public static NDArray add(NDArray a, NDArray b) {
    return binary("add", Binary.ADD, a, b);
  }

  /** {@code a - b}, element-wise; same contract as {@link #add}. */
  public static NDArray subtract(NDArray a, NDArray b) {
    return binary("subtract", Binary.SUBTRACT, a, b);
  }

  /** {@code a * b}, element-wise; same contract as {@link #add}. */
  public static NDArray multiply(NDArray a, NDArray b) {
    return binary("multiply", Binary.MULTIPLY, a, b);
  }

  /** {@code a / b}, element-wise (IEEE division); same contract as {@link #add}. */
  public static NDArray divide(NDArray a, NDArray b) {
    return binary("divide", Binary.DIVIDE, a, b);
  }

  /** {@code a + s}: a new array of {@code a}'s shape. */
  public static NDArray addScalar(NDArray a, float s) {
    return affine("addScalar", a, 1f, s);
  }

  /** {@code a * s}: a new array of {@code a}'s shape. */
  public static NDArray multiplyScalar(NDArray a, float s) {
    return affine("multiplyScalar", a, s, 0f);
  }

  /** {@code max(a, 0)} element-wise (NaN stays NaN): a new array of {@code a}'s shape. */
  public static NDArray relu(NDArray a) {
    OpSupport.requireFloat32("relu", "input", a);
    NDArray out = NDArray.zeros(a.shape());
    int n = a.shape().intSize();
    List<Var> writes = List.of(out.var());
    a.engine()
        .push(
            "relu",
            () -> FloatKernels.relu(a.floatBuffer(), out.floatBuffer(), n),
            OpSupport.reads(writes, a),
            writes);
    return out;
  }

  /**
   * In place {@code dst += src} (same shape); an engine write of {@code dst}. {@code src} may
   * be {@code dst} itself.
   *
   * @throws IllegalArgumentException if the shapes differ or an array is not float32
   */
  public static void addTo(NDArray dst, NDArray src) {
    OpSupport.requireFloat32("addTo", "destination", dst);
    OpSupport.requireFloat32("addTo", "source", src);
    OpSupport.requireSameShape("addTo", dst, src);
    Engine e = OpSupport.engineOf("addTo", dst, src);
    int n = dst.shape().intSize();
    List<Var> writes = List.of(dst.var());
    e.push(
        "addTo",
        () -> FloatKernels.binary(Binary.ADD, dst.floatBuffer(), src.floatBuffer(),
            dst.floatBuffer(), n),
        OpSupport.reads(writes, src),
        writes);
  }

  /** In place {@code dst *= s}; an engine write of {@code dst}. */
  public static void scaleInPlace(NDArray dst, float s) {
    OpSupport.requireFloat32("scaleInPlace", "destination", dst);
    int n = dst.shape().intSize();
    dst.engine()
        .push(
            "scaleInPlace",
            () -> FloatKernels.affine(dst.floatBuffer(), s, 0f, dst.floatBuffer(), n),
            List.of(),
            List.of(dst.var()));
  }

  private static NDArray binary(String name, Binary op, NDArray a, NDArray b) {
    OpSupport.requireFloat32(name, "left operand", a);
    OpSupport.requireFloat32(name, "right operand", b);
    OpSupport.requireSameShape(name, a, b);
    Engine e = OpSupport.engineOf(name, a, b);
    NDArray out = NDArray.zeros(a.shape());
    int n = a.shape().intSize();
    List<Var> writes = List.of(out.var());
    e.push(
        name,
        () -> FloatKernels.binary(op, a.floatBuffer(), b.floatBuffer(), out.floatBuffer(), n),
        OpSupport.reads(writes, a, b),
        writes);
    return out;
  }

  private static NDArray affine(String name, NDArray a, float mul, float add) {
    OpSupport.requireFloat32(name, "input", a);
    NDArray out = NDArray.zeros(a.shape());
    int n = a.shape().intSize();
    List<Var> writes = List.of(out.var());
    a.engine()
        .push(
            name,
            () -> FloatKernels.affine(a.floatBuffer(), mul, add, out.floatBuffer(), n),
            OpSupport.reads(writes, a),
            writes);
    return out;
  }
}
