package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code add_n} (aliases _sparse_add_n, ElementWiseSum, _sparse_ElementWiseSum): the element-wise
 * sum of {@code num_args} inputs {@code arg0, arg1, ...} of one shape and type, added left to
 * right in float32 as MXNet's {@code ElementWiseSum}. The output may share {@code arg0}'s buffer
 * (in-place option {0,0}); every input's gradient is the output gradient.
 */
@AutoService(OpDef.class)
public final class AddN extends OpDef<AddN.Params> {
  static final Param<Integer> NUM_ARGS =
      Param.requiredInt("num_args").checked(v -> v >= 1, ">= 1");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final AddN OP = new AddN();

  /**
   * Parameters of {@code add_n}.
   *
   * @param numArgs {@code num_args}, the number of inputs (>= 1)
   */
  public record Params(int numArgs) {
    /** Checks {@code num_args}. */
    public Params {
      NUM_ARGS.validate(numArgs);
    }
  }

  private static final int CHUNK = 4096;

  /** For the service loader; use {@link #OP}. */
  public AddN() {
    super("add_n", List.of("_sparse_add_n", "ElementWiseSum", "_sparse_ElementWiseSum"),
        Params.class, List.of(NUM_ARGS));
  }

  @Override
  public List<String> inputNames(Params p) {
    List<String> names = new ArrayList<>(p.numArgs());
    for (int i = 0; i < p.numArgs(); i++) {
      names.add("arg" + i);
    }
    return names;
  }

  /** Every input and the output have one shape, taken from whichever is known. */
  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape known = s.out(0);
    for (int i = 0; i < s.numInputs() && known == null; i++) {
      known = s.in(i);
    }
    if (known == null) {
      return;
    }
    for (int i = 0; i < s.numInputs(); i++) {
      s.assignIn(i, known);
    }
    s.assignOut(0, known);
  }

  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public List<int[]> backwardInplaceOptions(Params p) {
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < p.numArgs(); i++) {
      pairs.add(new int[] {0, i});
    }
    return pairs;
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.gradientsOnly();
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? KERNEL : null));
  }

  private static final Kernel KERNEL = new Kernel() {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      int n = out[0].size();
      FloatBuffer[] x = new FloatBuffer[in.length];
      for (int k = 0; k < in.length; k++) {
        x[k] = in[k].floats();
      }
      FloatBuffer y = out[0].floats();
      float[] acc = new float[Math.min(CHUNK, n)];
      float[] v = new float[acc.length];
      for (int start = 0; start < n; start += CHUNK) {
        int m = Math.min(CHUNK, n - start);
        x[0].get(start, acc, 0, m);
        for (int k = 1; k < x.length; k++) {
          x[k].get(start, v, 0, m);
          for (int j = 0; j < m; j++) {
            acc[j] += v[j];
          }
        }
        y.put(start, acc, 0, m);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer dy = a.outGrad()[0].floats();
      int n = a.outGrad()[0].size();
      // in order: for add_n(x, x) the executor asks for write then add on one buffer
      for (int i = 0; i < a.req().length; i++) {
        if (a.wants(i)) {
          FloatKernels.copy(dy, a.inGrad()[i].floats(), n, a.adds(i));
        }
      }
    }
  };

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    double[] y = new double[in[0].length];
    for (double[] x : in) {
      for (int i = 0; i < y.length; i++) {
        y[i] += x[i];
      }
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(1), Shape.of(3, 4)),
        Sample.of(new Params(2), Shape.of(3, 4), Shape.of(3, 4)),
        Sample.of(new Params(3), Shape.of(2, 3, 2), Shape.of(2, 3, 2), Shape.of(2, 3, 2)),
        Sample.of(new Params(5), Shape.of(4, 2), Shape.of(4, 2), Shape.of(4, 2), Shape.of(4, 2),
            Shape.of(4, 2)),
        Sample.of(new Params(2), Shape.of(5000), Shape.of(5000)).noGradientCheck());
  }
}
