package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpFamily;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * The regression loss heads {@code LinearRegressionOutput}, {@code LogisticRegressionOutput} and
 * {@code MAERegressionOutput}, as MXNet 1.9.1 ({@code src/operator/regression_output-inl.h}).
 *
 * <p>Inputs {@code data} and {@code label}; output of the data's shape: the data itself
 * (linear, MAE) or its sigmoid (logistic). The label's shape is inferred as {@code (N,)} for
 * {@code (N, 1)} data and as the data's shape otherwise; a given label must have the data's
 * first extent and element count. The backward pass ignores the head gradient and writes
 * {@code grad = f(out, label) · grad_scale / m}, where {@code m = label.size / label.shape[0]}
 * is the number of regression outputs per example and {@code f} is {@code out - label} (linear,
 * logistic) or {@code out - label > 0 ? 1 : -1} (MAE; a zero difference gives -1). The label
 * gets no gradient.
 *
 * <p>One deliberate difference: with {@code grad_req='add'} MXNet's kernel scales the
 * accumulated sum, {@code (old + f)·(1 + s)}, instead of adding {@code f·s} (its second
 * {@code op_with_req<mul, kAddTo>} pass adds {@code grad·s} onto {@code grad}); Kindling adds
 * {@code f·s} to the old gradient, as every other operator does for {@code add}.
 *
 * <p>The three heads differ only in their functions ({@link Kind}); they are one family, each
 * with the alias {@code _sparse_<name>}.
 */
public final class RegressionOutput extends OpDef<RegressionOutput.Params> {
  static final Param<Float> GRAD_SCALE = Param.floatParam("grad_scale", 1f);

  /** Whole-number labels: the gradient suite gives them no gradient; any real label works. */
  private static final Domain LABELS = new Domain(-3, 3, true, false);

  /**
   * {@code LinearRegressionOutput}: the squared loss head. Forward returns the data; backward
   * writes {@code (data - label)·grad_scale/m}.
   */
  public static final RegressionOutput LINEAR = new RegressionOutput(Kind.LINEAR);

  /**
   * {@code LogisticRegressionOutput}: the binary cross-entropy head. Forward returns
   * {@code sigmoid(data)}; backward writes {@code (sigmoid(data) - label)·grad_scale/m}.
   */
  public static final RegressionOutput LOGISTIC = new RegressionOutput(Kind.LOGISTIC);

  /**
   * {@code MAERegressionOutput}: the mean absolute error head. Forward returns the data;
   * backward writes {@code (data - label > 0 ? 1 : -1)·grad_scale/m}.
   */
  public static final RegressionOutput MAE = new RegressionOutput(Kind.MAE);

  /** The family, registered as a service. */
  @AutoService(OpFamily.class)
  public static final class Family implements OpFamily {
    /** For the service loader. */
    public Family() {}

    @Override
    public List<OpDef<?>> members() {
      return List.of(LINEAR, LOGISTIC, MAE);
    }
  }

  /**
   * Parameters of the regression outputs.
   *
   * @param gradScale {@code grad_scale}
   */
  public record Params(float gradScale) {
    /** MXNet's default, {@code grad_scale = 1}. */
    public static Params defaults() {
      return new Params(1f);
    }
  }

  /** The three heads' names, forward and gradient functions, and test samples. */
  enum Kind {
    LINEAR("LinearRegressionOutput", List.of(
        Sample.of(Params.defaults(), Shape.of(4, 3), Shape.of(4, 3)).domain(1, LABELS),
        Sample.of(new Params(2f), Shape.of(5, 1), Shape.of(5)).domain(1, LABELS),
        Sample.of(new Params(0.5f), Shape.of(2, 3, 2), Shape.of(2, 6)).domain(1, LABELS))),
    /** Binary labels. */
    LOGISTIC("LogisticRegressionOutput", List.of(
        Sample.of(Params.defaults(), Shape.of(4, 3), Shape.of(4, 3)).domain(1, Domain.index(2)),
        Sample.of(new Params(3f), Shape.of(6, 1), Shape.of(6)).domain(1, Domain.index(2)))),
    MAE("MAERegressionOutput", List.of(
        Sample.of(Params.defaults(), Shape.of(4, 3), Shape.of(4, 3)).domain(1, LABELS),
        Sample.of(new Params(0.5f), Shape.of(5, 1), Shape.of(5)).domain(1, LABELS)));

    private final String opName;
    private final List<Sample<Params>> samples;

    Kind(String opName, List<Sample<Params>> samples) {
      this.opName = opName;
      this.samples = samples;
    }
  }

  private final Kind kind;

  private RegressionOutput(Kind kind) {
    super(kind.opName, List.of("_sparse_" + kind.opName), Params.class, List.of(GRAD_SCALE));
    this.kind = kind;
  }

  /** MXNet registers the three without a parameter parser, so unknown keys pass. */
  @Override
  public boolean rejectsUnknownAttrs() {
    return false;
  }

  @Override
  public final List<String> inputNames(Params p) {
    return List.of("data", "label");
  }

  @Override
  public final void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    if (d.ndim() == 0) {
      throw new IllegalArgumentException(name() + ": data must have at least one axis");
    }
    Shape l = s.in(1);
    if (l == null) {
      s.assignIn(1, d.ndim() == 2 && d.get(1) == 1 ? Shape.of(d.get(0)) : d);
    } else if (l.ndim() == 0 || l.get(0) != d.get(0) || l.size() != d.size()) {
      throw new IllegalArgumentException(name() + ": label shape " + l + " does not fit data "
          + "shape " + d + "; the label needs the data's first extent and element count");
    }
    s.assignOut(0, d);
  }

  @Override
  public final List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final BackwardDeps backwardDeps(Params p) {
    return new BackwardDeps(false, Set.of(1), Set.of(0));
  }

  /** {@code grad_scale / m}, computed in float as MXNet does. */
  static float scale(Params p, Shape label) {
    float m = label.get(0) == 0 ? 1f : (float) (label.size() / label.get(0));
    return p.gradScale() / m;
  }

  @Override
  public final List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> !sig.allFloat32() ? null
        : new Cpu(kind, scale(p, sig.in(1)), sig.in(0).intSize())));
  }

  /** The default kernel. */
  private record Cpu(Kind kind, float scale, int n) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      if (kind == Kind.LOGISTIC) {
        for (int i = 0; i < n; i++) {
          y.put(i, 1f / (1f + (float) Math.exp(-x.get(i))));
        }
      } else {
        y.put(0, x, 0, n);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      a.zeroUnlessAdding(1); // labels get no gradient
      if (!a.wants(0)) {
        return;
      }
      FloatBuffer y = a.out()[0].floats();
      FloatBuffer label = a.in()[1].floats();
      FloatBuffer dx = a.inGrad()[0].floats();
      boolean add = a.adds(0);
      for (int i = 0; i < n; i++) {
        float diff = y.get(i) - label.get(i);
        float f = kind == Kind.MAE ? (diff > 0f ? 1f : -1f) : diff;
        float g = f * scale;
        dx.put(i, add ? dx.get(i) + g : g);
      }
    }
  }

  @Override
  public final double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    double[] y = in[0].clone();
    if (kind == Kind.LOGISTIC) {
      for (int i = 0; i < y.length; i++) {
        y[i] = 1 / (1 + Math.exp(-y[i]));
      }
    }
    return new double[][] {y};
  }

  /**
   * The loss whose data gradient the backward pass computes, times {@code grad_scale / m}:
   * {@code Σ (x - l)²/2} (linear), the binary cross-entropy {@code Σ log(1 + e^x) - l·x}
   * (logistic), {@code Σ |x - l|} (MAE).
   */
  @Override
  public final double referenceLoss(Params p, Shape[] inShapes, double[][] in) {
    double s = 0;
    for (int i = 0; i < in[0].length; i++) {
      double x = in[0][i];
      double l = in[1][i];
      s += switch (kind) {
        case LINEAR -> (x - l) * (x - l) / 2;
        case LOGISTIC -> (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) - l * x;
        case MAE -> Math.abs(x - l);
      };
    }
    return s * scale(p, inShapes[1]);
  }

  @Override
  public List<Sample<Params>> samples() {
    return kind.samples;
  }
}
