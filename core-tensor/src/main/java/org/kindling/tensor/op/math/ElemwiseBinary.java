package org.kindling.tensor.op.math;

import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.kernel.FloatKernels.Binary;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * The {@code elemwise_*} family: {@code lhs (op) rhs} for two inputs of one shape, no
 * broadcasting (MXNet's {@code ElemwiseBinaryOp}). Shapes are inferred in every direction; the
 * output may share either input's buffer.
 */
abstract class ElemwiseBinary extends OpDef<NoParams> {
  private final Binary op;

  ElemwiseBinary(String name, List<String> aliases, Binary op) {
    super(name, aliases, NoParams.class, List.of());
    this.op = op;
  }

  @Override
  public final List<String> inputNames(NoParams p) {
    return List.of("lhs", "rhs");
  }

  @Override
  public final void inferShape(NoParams p, ShapeSlots s) {
    Shape known = s.in(0) != null ? s.in(0) : s.in(1) != null ? s.in(1) : s.out(0);
    if (known == null) {
      return;
    }
    s.assignIn(0, known);
    s.assignIn(1, known);
    s.assignOut(0, known);
  }

  @Override
  public final List<int[]> inplaceOptions(NoParams p) {
    return List.of(new int[] {0, 0}, new int[] {1, 0});
  }

  @Override
  public final BackwardDeps backwardDeps(NoParams p) {
    return op == Binary.ADD || op == Binary.SUBTRACT
        ? BackwardDeps.gradientsOnly() : BackwardDeps.inputs(0, 1);
  }

  @Override
  public final List<KernelFactory<NoParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? kernel : null));
  }

  private final Kernel kernel = new Kernel() {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatKernels.binary(op, in[0].floats(), in[1].floats(), out[0].floats(), out[0].size());
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer dy = a.outGrad()[0].floats();
      int n = a.outGrad()[0].size();
      // Input order matters: for add(x, x) the executor asks for write then add on one buffer.
      for (int i = 0; i < 2; i++) {
        if (!a.wants(i)) {
          continue;
        }
        FloatBuffer dx = a.inGrad()[i].floats();
        boolean add = a.adds(i);
        if (op == Binary.ADD || (op == Binary.SUBTRACT && i == 0)) {
          FloatKernels.copy(dy, dx, n, add);
          continue;
        }
        FloatBuffer l = op == Binary.SUBTRACT ? null : a.in()[0].floats();
        FloatBuffer r = op == Binary.SUBTRACT ? null : a.in()[1].floats();
        for (int j = 0; j < n; j++) {
          float g = switch (op) {
            case SUBTRACT -> -dy.get(j);
            case MULTIPLY -> dy.get(j) * (i == 0 ? r.get(j) : l.get(j));
            case DIVIDE -> i == 0 ? dy.get(j) / r.get(j)
                : -dy.get(j) * l.get(j) / (r.get(j) * r.get(j));
            default -> throw new IllegalStateException(op.toString());
          };
          dx.put(j, add ? dx.get(j) + g : g);
        }
      }
    }
  };

  @Override
  public final double[][] reference(NoParams p, Shape[] inShapes, double[][] in,
      boolean train) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      double a = in[0][i];
      double b = in[1][i];
      y[i] = switch (op) {
        case ADD -> a + b;
        case SUBTRACT -> a - b;
        case MULTIPLY -> a * b;
        case DIVIDE -> a / b;
      };
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)),
        Sample.of(NoParams.NONE, Shape.of(5000), Shape.of(5000)));
  }
}
