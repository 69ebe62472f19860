package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code SoftmaxOutput} (alias {@code Softmax}): softmax forward, cross-entropy gradient
 * backward, as MXNet 1.9.1.
 *
 * <p>Forward: softmax over {@code (N, prod(rest))}; with {@code multi_output} over axis 1 of
 * {@code (N, C, rest...)}; with {@code preserve_shape} over the last axis ({@code multi_output}
 * wins if both are set, as in MXNet). Label shape is the
 * data shape without its last axis ({@code (N,)} for {@code (N, C)} data), or for
 * {@code multi_output} {@code (N, prod(rest))}; a label shaped like the data is a probability
 * target.
 *
 * <p>Backward ignores the head gradient unless {@code out_grad}: {@code grad = (p −
 * onehot(label))·grad_scale / v} with v = 1 ({@code null}), N ({@code batch}), or the number of
 * labels ≠ {@code ignore_label} ({@code valid}); {@code use_ignore} zeroes ignored rows;
 * {@code smooth_alpha} moves {@code alpha} of the target mass evenly to the other classes. A
 * label outside {@code [0, classes)} that is not ignored is an error, not a silent zero row.
 */
@AutoService(OpDef.class)
public final class SoftmaxOutput extends OpDef<SoftmaxOutput.Params> {
  static final Param<Float> GRAD_SCALE = Param.floatParam("grad_scale", 1f);
  static final Param<Float> IGNORE_LABEL = Param.floatParam("ignore_label", -1f);
  static final Param<Boolean> MULTI_OUTPUT = Param.boolParam("multi_output", false);
  static final Param<Boolean> USE_IGNORE = Param.boolParam("use_ignore", false);
  static final Param<Boolean> PRESERVE_SHAPE = Param.boolParam("preserve_shape", false);
  static final Param<Boolean> OUT_GRAD = Param.boolParam("out_grad", false);
  static final Param<Float> SMOOTH_ALPHA = Param.floatParam("smooth_alpha", 0f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SoftmaxOutput OP = new SoftmaxOutput();

  /**
   * Parameters of {@code SoftmaxOutput}, with MXNet's names in snake case.
   *
   * @param gradScale {@code grad_scale}
   * @param ignoreLabel {@code ignore_label}
   * @param multiOutput {@code multi_output}
   * @param useIgnore {@code use_ignore}
   * @param preserveShape {@code preserve_shape}
   * @param normalization {@code normalization}
   * @param outGrad {@code out_grad}
   * @param smoothAlpha {@code smooth_alpha}
   */
  public record Params(
      float gradScale,
      float ignoreLabel,
      boolean multiOutput,
      boolean useIgnore,
      boolean preserveShape,
      Normalization normalization,
      boolean outGrad,
      float smoothAlpha) {
    /** Checks the normalization is set. */
    public Params {
      Normalization.PARAM.validate(normalization);
    }

    /** MXNet's defaults. */
    public static Params defaults() {
      return new Params(1f, -1f, false, false, false, Normalization.NULL, false, 0f);
    }

    /** A copy with {@code grad_scale} set. */
    public Params withGradScale(float v) {
      return new Params(v, ignoreLabel, multiOutput, useIgnore, preserveShape, normalization,
          outGrad, smoothAlpha);
    }

    /** A copy with {@code use_ignore = True} and {@code ignore_label} set. */
    public Params withIgnoreLabel(float label) {
      return new Params(gradScale, label, multiOutput, true, preserveShape, normalization,
          outGrad, smoothAlpha);
    }

    /** A copy with {@code normalization} set. */
    public Params withNormalization(Normalization v) {
      return new Params(gradScale, ignoreLabel, multiOutput, useIgnore, preserveShape, v,
          outGrad, smoothAlpha);
    }

    /** A copy with {@code multi_output} set. */
    public Params withMultiOutput(boolean v) {
      return new Params(gradScale, ignoreLabel, v, useIgnore, preserveShape, normalization,
          outGrad, smoothAlpha);
    }

    /** A copy with {@code preserve_shape} set. */
    public Params withPreserveShape(boolean v) {
      return new Params(gradScale, ignoreLabel, multiOutput, useIgnore, v, normalization,
          outGrad, smoothAlpha);
    }

    /** A copy with {@code out_grad} set. */
    public Params withOutGrad(boolean v) {
      return new Params(gradScale, ignoreLabel, multiOutput, useIgnore, preserveShape,
          normalization, v, smoothAlpha);
    }

    /** A copy with {@code smooth_alpha} set. */
    public Params withSmoothAlpha(float v) {
      return new Params(gradScale, ignoreLabel, multiOutput, useIgnore, preserveShape,
          normalization, outGrad, v);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SoftmaxOutput() {
    super("SoftmaxOutput", List.of("Softmax"), Params.class,
        List.of(GRAD_SCALE, IGNORE_LABEL, MULTI_OUTPUT, USE_IGNORE, PRESERVE_SHAPE,
            Normalization.PARAM, OUT_GRAD, SMOOTH_ALPHA));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data", "label");
  }

  @Override
  public void inferType(Params p, TypeSlots t) {
    // labels may be of any numeric type; the data type is the output type
    if (t.in(0) != null) {
      t.assignOut(0, t.in(0));
    }
    if (t.in(1) == null) {
      t.assignIn(1, t.in(0) != null ? t.in(0) : DType.FLOAT32);
    }
  }

  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return new BackwardDeps(p.outGrad(), Set.of(1), Set.of(0));
  }

  /** The softmax layout of a data shape: rows, classes, and the stride between classes. */
  private record Layout(int rows, int k, int inner) {}

  private static void requireBatchAxis(Shape d) {
    if (d.ndim() == 0) {
      throw new IllegalArgumentException("data must have at least one dimension, got " + d);
    }
  }

  private static Layout layout(Params p, Shape d) {
    requireBatchAxis(d);
    int size = d.intSize();
    if (p.multiOutput()) {
      if (d.ndim() < 2) {
        throw new IllegalArgumentException("multi_output needs data of 2+ dimensions, got " + d);
      }
      int n = d.get(0);
      int k = d.get(1);
      return new Layout(n, k, n * k == 0 ? 0 : size / n / k);
    }
    if (p.preserveShape()) {
      int k = d.get(d.ndim() - 1);
      return new Layout(k == 0 ? 0 : size / k, k, 1);
    }
    int n = d.get(0);
    return new Layout(n, n == 0 ? 0 : size / n, 1);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    requireBatchAxis(d);
    Shape label = s.in(1);
    if (!d.equals(label)) {
      int[] dims = d.dims();
      if (p.multiOutput()) {
        Layout l = layout(p, d);
        Shape l1 = Shape.of(l.rows(), l.inner());
        int[] l2 = new int[dims.length - 1];
        l2[0] = dims[0];
        System.arraycopy(dims, 2, l2, 1, dims.length - 2);
        int[] l3 = dims.clone();
        l3[1] = 1;
        if (label == null) {
          s.assignIn(1, l1);
        } else if (!label.equals(l1) && !label.equals(Shape.of(l2))
            && !label.equals(Shape.of(l3))) {
          throw new IllegalArgumentException(
              "label shape " + label + " does not fit multi_output data " + d + "; expecting "
                  + l1 + " or " + Shape.of(l2));
        }
      } else {
        int[] ld = new int[dims.length - 1];
        System.arraycopy(dims, 0, ld, 0, ld.length);
        s.assignIn(1, Shape.of(ld));
      }
    }
    s.assignOut(0, d);
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) ->
        sig.inTypes()[0] == DType.FLOAT32 ? new Cpu(p, sig.in(0), sig.in(1)) : null));
  }

  /** The default kernel. */
  private record Cpu(Params p, Shape d, Shape labelShape) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      Layout l = layout(p, d);
      FloatKernels.softmax(in[0].floats(), out[0].floats(), l.rows(), l.k(), l.inner());
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(1) && !a.adds(1)) {
        for (int i = 0, n = labelShape.intSize(); i < n; i++) {
          a.inGrad()[1].setDouble(i, 0); // labels get no gradient
        }
      }
      if (!a.wants(0)) {
        return;
      }
      FloatBuffer out = a.out()[0].floats();
      TensorView label = a.in()[1];
      FloatBuffer grad = a.inGrad()[0].floats();
      FloatBuffer og = p.outGrad() ? a.outGrad()[0].floats() : null;
      boolean add = a.adds(0);
      int size = d.intSize();
      if (labelShape.equals(d)) {
        // A probability target: MXNet applies neither normalization nor ignore here.
        for (int i = 0; i < size; i++) {
          float g = (out.get(i) - (float) label.getDouble(i)) * p.gradScale();
          if (og != null) {
            g *= og.get(i);
          }
          grad.put(i, add ? grad.get(i) + g : g);
        }
        return;
      }
      Layout l = layout(p, d);
      int numLabels = labelShape.intSize();
      if (numLabels != l.rows() * l.inner()) {
        throw new IllegalArgumentException(
            "SoftmaxOutput: label " + labelShape + " holds " + numLabels
                + " labels but data " + d + " has " + l.rows() * l.inner()
                + " softmax rows; this combination is not supported");
      }
      float scale = scale(p, l, label, numLabels);
      int ignore = (int) p.ignoreLabel();
      float smooth = l.k() > 1 ? p.smoothAlpha() / (l.k() - 1) : 0f;
      float onTarget = 1f - p.smoothAlpha();
      for (int r = 0; r < l.rows(); r++) {
        for (int j = 0; j < l.inner(); j++) {
          double lv = label.getDouble(r * l.inner() + j);
          int target = (int) lv;
          boolean ignored = p.useIgnore() && target == ignore;
          if (!ignored && (target < 0 || target >= l.k())) {
            throw new IllegalArgumentException(
                "SoftmaxOutput: label " + lv + " at position " + (r * l.inner() + j)
                    + " is outside [0, " + l.k() + ")");
          }
          int base = r * l.k() * l.inner() + j;
          for (int c = 0; c < l.k(); c++) {
            int i = base + c * l.inner();
            float g;
            if (ignored) {
              g = 0f;
            } else if (c == target) {
              g = out.get(i) - onTarget;
            } else {
              g = out.get(i) - smooth;
            }
            g *= scale;
            if (og != null) {
              g *= og.get(i);
            }
            grad.put(i, add ? grad.get(i) + g : g);
          }
        }
      }
    }
  }

  /** MXNet's gradient scale: grad_scale over the normalizer (and the spatial size if multi). */
  private static float scale(Params p, Layout l, TensorView label, int numLabels) {
    int valid;
    switch (p.normalization()) {
      case BATCH:
        valid = l.rows();
        break;
      case VALID:
        valid = numLabels;
        int ignore = (int) p.ignoreLabel();
        for (int i = 0; i < numLabels; i++) {
          if ((int) label.getDouble(i) == ignore) {
            valid--;
          }
        }
        valid = valid == 0 ? 1 : valid;
        break;
      default:
        valid = 1;
    }
    if (p.multiOutput()) {
      float spatial = p.normalization() == Normalization.VALID ? 1f : (float) l.inner();
      return p.gradScale() / spatial / valid;
    }
    return p.gradScale() / valid;
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Layout l = layout(p, inShapes[0]);
    double[] x = in[0];
    double[] y = new double[x.length];
    for (int r = 0; r < l.rows(); r++) {
      for (int j = 0; j < l.inner(); j++) {
        int base = r * l.k() * l.inner() + j;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < l.k(); c++) {
          max = Math.max(max, x[base + c * l.inner()]);
        }
        double sum = 0;
        for (int c = 0; c < l.k(); c++) {
          sum += Math.exp(x[base + c * l.inner()] - max);
        }
        for (int c = 0; c < l.k(); c++) {
          y[base + c * l.inner()] = Math.exp(x[base + c * l.inner()] - max) / sum;
        }
      }
    }
    return new double[][] {y};
  }

  /**
   * Cross-entropy of the softmax against the (smoothed) one-hot labels, scaled as the gradient
   * is: the loss whose gradient {@code (p - target) * scale} the backward pass computes.
   */
  @Override
  public double referenceLoss(Params p, Shape[] inShapes, double[][] in) {
    Layout l = layout(p, inShapes[0]);
    double[] prob = reference(p, inShapes, in, true)[0];
    TensorView label = TensorView.of(java.nio.ByteBuffer.allocateDirect(in[1].length * 8),
        DType.FLOAT64, Shape.of(in[1].length));
    for (int i = 0; i < in[1].length; i++) {
      label.setDouble(i, in[1][i]);
    }
    double scale = scale(p, l, label, in[1].length);
    double smooth = l.k() > 1 ? p.smoothAlpha() / (l.k() - 1) : 0;
    double loss = 0;
    for (int r = 0; r < l.rows(); r++) {
      for (int j = 0; j < l.inner(); j++) {
        int target = (int) in[1][r * l.inner() + j];
        if (p.useIgnore() && target == (int) p.ignoreLabel()) {
          continue;
        }
        for (int c = 0; c < l.k(); c++) {
          double t = c == target ? 1 - p.smoothAlpha() : smooth;
          loss -= t * Math.log(prob[(r * l.k() + c) * l.inner() + j]);
        }
      }
    }
    return loss * scale;
  }

  @Override
  public List<Sample<Params>> samples() {
    Params d = Params.defaults();
    return List.of(
        Sample.of(d, Shape.of(6, 10), Shape.of(6)).domain(1, Domain.index(10)),
        Sample.of(d.withMultiOutput(true), Shape.of(2, 3, 5), Shape.of(2, 5))
            .domain(1, Domain.index(3)),
        Sample.of(d.withPreserveShape(true), Shape.of(2, 3, 5), Shape.of(2, 3))
            .domain(1, Domain.index(5)),
        Sample.of(d.withNormalization(Normalization.BATCH).withGradScale(2f), Shape.of(4, 3),
            Shape.of(4)).domain(1, Domain.index(3)),
        Sample.of(d.withIgnoreLabel(1f).withNormalization(Normalization.VALID), Shape.of(6, 3),
            Shape.of(6)).domain(1, Domain.index(3)),
        Sample.of(d.withSmoothAlpha(0.1f), Shape.of(3, 4), Shape.of(3))
            .domain(1, Domain.index(4)),
        Sample.of(d.withMultiOutput(true).withNormalization(Normalization.VALID), Shape.of(2, 3, 4),
            Shape.of(2, 4)).domain(1, Domain.index(3)));
  }
}
