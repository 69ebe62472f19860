package org.kindling.tensor.ops;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.shape.BroadcastTo;
import org.kindling.tensor.op.shape.Concat;
import org.kindling.tensor.op.shape.OneHot;
import org.kindling.tensor.op.shape.Reshape;
import org.kindling.tensor.op.shape.SliceChannel;
import org.kindling.tensor.op.shape.Stack;
import org.kindling.tensor.op.shape.Take;
import org.kindling.tensor.op.shape.Transpose;

/**
 * Shape changes and data movement on NDArrays, as MXNet's {@code mx.nd} functions. {@link
 * #reshape} returns a view (no copy, as MXNet's); the others run their registered operator and
 * return new arrays.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * A view of {@code a} reshaped with MXNet's special values: 0 copies a dimension, -1 infers
   * one, -2 copies the rest, -3 merges two, -4 splits one into the next two values.
   *
   * @throws IllegalArgumentException if the spec does not fit {@code a}'s shape
   */
  public static NDArray reshape(NDArray a, int... spec) {
    return a.reshape(Reshape.outputShape(Reshape.Params.of(spec), a.shape()));
  }

  /** The axes permuted (reversed when none are given). */
  public static NDArray transpose(NDArray a, int... axes) {
    return Imperative.call(Transpose.OP, Transpose.Params.of(axes), a);
  }

  /** {@code a} broadcast to {@code shape} (0 keeps a dimension). */
  public static NDArray broadcastTo(NDArray a, int... shape) {
    return Imperative.call(BroadcastTo.OP, BroadcastTo.Params.of(shape), a);
  }

  /** The arrays joined along {@code dim}; all other dimensions must agree. */
  public static NDArray concat(int dim, NDArray... arrays) {
    return Imperative.call(Concat.OP, new Concat.Params(arrays.length, dim), arrays);
  }

  /** The arrays (of one shape) stacked along a new axis {@code axis}. */
  public static NDArray stack(int axis, NDArray... arrays) {
    return Imperative.call(Stack.OP, new Stack.Params(axis, arrays.length), arrays);
  }

  /** {@code a} split into {@code parts} equal pieces along {@code axis} (MXNet's split). */
  public static List<NDArray> split(NDArray a, int parts, int axis) {
    return Imperative.invoke(OpInstance.of(SliceChannel.OP,
        new SliceChannel.Params(parts, axis, false)), false, a);
  }

  /** Rows of {@code a} (axis 0) picked by {@code indices} of any numeric type (clipped). */
  public static NDArray take(NDArray a, NDArray indices) {
    return Imperative.call(Take.OP, Take.Params.defaults(), a, indices);
  }

  /** One-hot float32 rows of length {@code depth} for {@code indices} of any numeric type. */
  public static NDArray oneHot(NDArray indices, int depth) {
    return Imperative.call(OneHot.OP, OneHot.Params.of(depth), indices);
  }
}
