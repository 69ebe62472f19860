package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;

/**
 * {@code MakeLoss}: makes its input a loss head, as MXNet 1.9.1's legacy operator
 * ({@code src/operator/make_loss-inl.h}). Forward is the identity; backward ignores the head
 * gradient and writes the constant {@code grad_scale / v} to every element, with v = 1
 * ({@code normalization='null'}), the first extent of the data flattened to 2-D, i.e. the
 * product of all axes but the last ({@code 'batch'}; 1 for 1-D data — MXNet's
 * {@code FlatTo2D}, so for {@code (N, C, D)} data it is N·C, not N), or the number of elements
 * greater than {@code valid_thresh}, at least 1 ({@code 'valid'}).
 */
@AutoService(OpDef.class)
public final class MakeLoss extends IdentityForward<MakeLoss.Params> {
  static final Param<Float> GRAD_SCALE = Param.floatParam("grad_scale", 1f);
  static final Param<Float> VALID_THRESH = Param.floatParam("valid_thresh", 0f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final MakeLoss OP = new MakeLoss();

  /**
   * Parameters of {@code MakeLoss}.
   *
   * @param gradScale {@code grad_scale}
   * @param validThresh {@code valid_thresh}: elements above it count as valid
   * @param normalization {@code normalization}
   */
  public record Params(float gradScale, float validThresh, Normalization normalization) {
    /** Checks the normalization is set. */
    public Params {
      Normalization.PARAM.validate(normalization);
    }

    /** MXNet's defaults. */
    public static Params defaults() {
      return new Params(1f, 0f, Normalization.NULL);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public MakeLoss() {
    super("MakeLoss", List.of(), Params.class,
        List.of(GRAD_SCALE, VALID_THRESH, Normalization.PARAM));
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return new BackwardDeps(false,
        p.normalization() == Normalization.VALID ? Set.of(0) : Set.of(), Set.of());
  }

  /** MXNet's {@code FlatTo2D} first extent: the product of every axis but the last. */
  private static int flatRows(Shape s) {
    return s.ndim() == 0 ? 1 : (int) (s.size() / Math.max(1, s.get(s.ndim() - 1)));
  }

  @Override
  void inputGradient(Params p, int n, BackwardArgs a) {
    float value = switch (p.normalization()) {
      case NULL -> p.gradScale();
      case BATCH -> p.gradScale() / flatRows(a.inGrad()[0].shape());
      case VALID -> {
        TensorView x = a.in()[0];
        int valid = 0;
        for (int i = 0; i < n; i++) {
          if (p.validThresh() < x.getDouble(i)) {
            valid++;
          }
        }
        yield p.gradScale() / Math.max(1, valid);
      }
    };
    IdentityForward.fillGradient(a, n, value);
  }

  /** {@code Σ data · grad_scale / v}: its gradient is the constant the backward pass writes. */
  @Override
  public double referenceLoss(Params p, Shape[] inShapes, double[][] in) {
    double[] x = in[0];
    double v = switch (p.normalization()) {
      case NULL -> 1;
      case BATCH -> flatRows(inShapes[0]);
      case VALID -> {
        int valid = 0;
        for (double e : x) {
          if ((float) e > p.validThresh()) {
            valid++;
          }
        }
        yield Math.max(1, valid);
      }
    };
    double sum = 0;
    for (double e : x) {
      sum += e;
    }
    return sum * p.gradScale() / v;
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.defaults(), Shape.of(3, 4)),
        Sample.of(new Params(2f, 0f, Normalization.BATCH), Shape.of(4, 3)),
        Sample.of(new Params(1f, 0f, Normalization.BATCH), Shape.of(2, 3, 2)),
        Sample.of(new Params(0.5f, 0.5f, Normalization.VALID), Shape.of(3, 5)),
        Sample.of(new Params(1f, 0f, Normalization.BATCH), Shape.of(6)));
  }
}
