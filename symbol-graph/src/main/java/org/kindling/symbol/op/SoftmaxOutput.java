package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

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
public final class SoftmaxOutput extends Operator<SoftmaxOutput.Params> {
  /** MXNet's {@code normalization} values. */
  public enum Normalization implements MxEnum {
    NULL,
    BATCH,
    VALID
  }

  static final Param<Float> GRAD_SCALE = Param.floatParam("grad_scale", 1f);
  static final Param<Float> IGNORE_LABEL = Param.floatParam("ignore_label", -1f);
  static final Param<Boolean> MULTI_OUTPUT = Param.boolParam("multi_output", false);
  static final Param<Boolean> USE_IGNORE = Param.boolParam("use_ignore", false);
  static final Param<Boolean> PRESERVE_SHAPE = Param.boolParam("preserve_shape", false);
  static final Param<Normalization> NORMALIZATION =
      Param.enumParam("normalization", Normalization.class, Normalization.NULL);
  static final Param<Boolean> OUT_GRAD = Param.boolParam("out_grad", false);
  static final Param<Float> SMOOTH_ALPHA = Param.floatParam("smooth_alpha", 0f);

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
    public Params {
      NORMALIZATION.validate(normalization);
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

  SoftmaxOutput() {
    super(
        "SoftmaxOutput",
        List.of("Softmax"),
        List.of(GRAD_SCALE, IGNORE_LABEL, MULTI_OUTPUT, USE_IGNORE, PRESERVE_SHAPE,
            NORMALIZATION, OUT_GRAD, SMOOTH_ALPHA));
  }

  @Override
  protected Params fromValues(ParamValues v) {
    return new Params(v.get(GRAD_SCALE), v.get(IGNORE_LABEL), v.get(MULTI_OUTPUT),
        v.get(USE_IGNORE), v.get(PRESERVE_SHAPE), v.get(NORMALIZATION), v.get(OUT_GRAD),
        v.get(SMOOTH_ALPHA));
  }

  @Override
  public Map<String, String> toAttrs(Params p) {
    TreeMap<String, String> m = new TreeMap<>();
    putIfSet(m, GRAD_SCALE, p.gradScale());
    putIfSet(m, IGNORE_LABEL, p.ignoreLabel());
    putIfSet(m, MULTI_OUTPUT, p.multiOutput());
    putIfSet(m, USE_IGNORE, p.useIgnore());
    putIfSet(m, PRESERVE_SHAPE, p.preserveShape());
    putIfSet(m, NORMALIZATION, p.normalization());
    putIfSet(m, OUT_GRAD, p.outGrad());
    putIfSet(m, SMOOTH_ALPHA, p.smoothAlpha());
    return m;
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data", "label");
  }

  @Override
  public boolean backwardNeedsOutputGrad(Params p) {
    return p.outGrad();
  }

  /** The softmax layout of a data shape: rows, classes, and the stride between classes. */
  private record Layout(int rows, int k, int inner) {}

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
  public void forward(Params p, ForwardContext ctx) {
    Layout l = layout(p, ctx.inShape(0));
    Kernels.softmax(ctx.in(0), ctx.out(0), l.rows(), l.k(), l.inner());
  }

  @Override
  public void backward(Params p, BackwardContext ctx) {
    if (ctx.wants(1) && !ctx.adds(1)) {
      Kernels.zero(ctx.inGrad(1), ctx.inShape(1).intSize()); // labels get no gradient
    }
    if (!ctx.wants(0)) {
      return;
    }
    Shape d = ctx.inShape(0);
    FloatBuffer out = ctx.out(0);
    FloatBuffer label = ctx.in(1);
    FloatBuffer grad = ctx.inGrad(0);
    FloatBuffer og = p.outGrad() ? ctx.outGrad(0) : null;
    boolean add = ctx.adds(0);
    int size = d.intSize();
    if (ctx.inShape(1).equals(d)) {
      // A probability target: MXNet applies neither normalization nor ignore here.
      for (int i = 0; i < size; i++) {
        float g = (out.get(i) - label.get(i)) * p.gradScale();
        if (og != null) {
          g *= og.get(i);
        }
        grad.put(i, add ? grad.get(i) + g : g);
      }
      return;
    }
    Layout l = layout(p, d);
    int numLabels = ctx.inShape(1).intSize();
    if (numLabels != l.rows() * l.inner()) {
      throw new IllegalArgumentException(
          "SoftmaxOutput: label " + ctx.inShape(1) + " holds " + numLabels
              + " labels but data " + d + " has " + l.rows() * l.inner()
              + " softmax rows; this combination is not supported");
    }
    float scale = scale(p, l, label, numLabels);
    int ignore = (int) p.ignoreLabel();
    float smooth = l.k() > 1 ? p.smoothAlpha() / (l.k() - 1) : 0f;
    float onTarget = 1f - p.smoothAlpha();
    for (int r = 0; r < l.rows(); r++) {
      for (int j = 0; j < l.inner(); j++) {
        float lv = label.get(r * l.inner() + j);
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

  /** MXNet's gradient scale: grad_scale over the normalizer (and the spatial size if multi). */
  private static float scale(Params p, Layout l, FloatBuffer label, int numLabels) {
    int valid;
    switch (p.normalization()) {
      case BATCH:
        valid = l.rows();
        break;
      case VALID:
        valid = numLabels;
        int ignore = (int) p.ignoreLabel();
        for (int i = 0; i < numLabels; i++) {
          if ((int) label.get(i) == ignore) {
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
  public double[][] referenceForward(Params p, Shape[] inShapes, double[][] in) {
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
}
