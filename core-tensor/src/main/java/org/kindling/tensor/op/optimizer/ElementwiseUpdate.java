package org.kindling.tensor.op.optimizer;

import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * An update operator whose inputs are all of the weight's shape ({@code weight, grad, states...})
 * and whose one output is the new weight, as MXNet's {@code ElemwiseShape<n, 1>} update
 * operators: the states are mutable inputs (MXNet's {@code FMutateInputs}) updated in place, the
 * weight may be its own output, and there is no gradient. A subclass gives the arithmetic twice:
 * in float over a chunk ({@link #update}, as MXNet's kernel computes it) and in double for one
 * element ({@link #referenceAt}, the oracle).
 *
 * @param <P> the parameter record
 */
abstract class ElementwiseUpdate<P extends Record> extends OpDef<P> {
  private final List<String> inputs;
  private final Set<Integer> mutable;

  /**
   * @param inputs MXNet's input names, weight first
   * @param mutable the indices of the inputs the operator writes
   */
  ElementwiseUpdate(String name, List<String> aliases, Class<P> paramsType, List<Param<?>> params,
      List<String> inputs, Set<Integer> mutable) {
    super(name, aliases, paramsType, params);
    this.inputs = List.copyOf(inputs);
    this.mutable = Set.copyOf(mutable);
  }

  @Override
  public final List<String> inputNames(P p) {
    return inputs;
  }

  @Override
  public final Set<Integer> mutableInputs(P p) {
    return mutable;
  }

  /** Every input and the output have one shape, taken from whichever is known. */
  @Override
  public void inferShape(P p, ShapeSlots s) {
    Shape w = s.out(0);
    for (int i = 0; i < s.numInputs() && w == null; i++) {
      w = s.in(i);
    }
    if (w != null) {
      for (int i = 0; i < s.numInputs(); i++) {
        s.assignIn(i, w);
      }
      s.assignOut(0, w);
    }
  }

  @Override
  public final List<int[]> inplaceOptions(P p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final Gradient gradient(P p) {
    return Gradient.NONE;
  }

  /** True if the kernel computes these types; float32 throughout by default. */
  boolean computes(KernelSignature sig) {
    return sig.allFloat32();
  }

  @Override
  public final List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> computes(sig) ? new Cpu<>(this, p) : null));
  }

  /**
   * The update of one chunk, in float.
   *
   * @param x the chunk of each input in order, then of the output (last)
   * @param len the number of elements in the chunk
   */
  abstract void update(P p, float[][] x, int len);

  /**
   * The update of element {@code i}, in double: writes the new states into {@code in} and
   * returns the new weight.
   */
  abstract double referenceAt(P p, double[][] in, int i);

  @Override
  public final double[][] reference(P p, Shape[] inShapes, double[][] in, boolean train) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = referenceAt(p, in, i);
    }
    return new double[][] {y};
  }

  /** Runs {@link #update} over the arrays, writing back the states and the output. */
  private record Cpu<P extends Record>(ElementwiseUpdate<P> op, P p) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      UpdateLoop.runUpdate(in, out[0], op.mutable, (x, len) -> op.update(p, x, len));
    }
  }
}
