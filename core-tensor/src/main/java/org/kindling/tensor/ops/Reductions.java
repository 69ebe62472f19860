package org.kindling.tensor.ops;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Var;

/**
 * Float32 reductions. Sums accumulate in double and round once at the end. Reference:
 * {@link ReferenceKernels#sum(float[])} and {@link ReferenceKernels#sum(float[], int[], int)}.
 */
public final class Reductions {
  private Reductions() {}

  /**
   * The sum of all elements, as a double. Pushes an engine operation that reads {@code a} and
   * blocks until it has run, so it sees every write pushed to {@code a} before the call.
   *
   * @throws org.kindling.tensor.engine.EngineException if an operation that wrote {@code a}
   *     failed
   */
  public static double sum(NDArray a) {
    OpSupport.requireFloat32("sum", "input", a);
    Engine e = a.engine();
    double[] result = new double[1];
    // A private variable to wait on: waiting on a's own variable would not wait for a read.
    Var done = e.newVar("sum-result");
    int n = a.shape().intSize();
    e.push("sum", () -> result[0] = FloatKernels.sum(a.floatBuffer(), n), List.of(a.var()),
        List.of(done));
    e.waitToRead(done);
    return result[0];
  }

  /**
   * The sum over {@code axis} (negative counts from the end), as a new array whose shape is
   * {@code a}'s without that axis (numpy {@code sum(axis)}, keepdims false); a 1-D input gives
   * a scalar.
   *
   * @throws IllegalArgumentException if the axis is out of range for {@code a}'s shape
   */
  public static NDArray sum(NDArray a, int axis) {
    OpSupport.requireFloat32("sum", "input", a);
    Shape s = a.shape();
    if (s.ndim() == 0) {
      throw new IllegalArgumentException("sum: cannot reduce axis " + axis + " of a scalar");
    }
    int ax = s.normalizeAxis(axis);
    int[] dims = s.dims();
    int[] outDims = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != ax) {
        outDims[j++] = dims[i];
      }
    }
    int outer = (int) prefix(dims, ax);
    int len = dims[ax];
    int inner = (int) s.sizeFrom(ax + 1);
    NDArray out = NDArray.zeros(Shape.of(outDims));
    List<Var> writes = List.of(out.var());
    a.engine()
        .push(
            "sum(axis=" + ax + ")",
            () -> FloatKernels.sumAxis(a.floatBuffer(), outer, len, inner, out.floatBuffer()),
            OpSupport.reads(writes, a),
            writes);
    return out;
  }

  private static long prefix(int[] dims, int axis) {
    long p = 1;
    for (int i = 0; i < axis; i++) {
      p *= dims[i];
    }
    return p;
  }
}
