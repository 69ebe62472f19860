package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.GradReq;
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
 * {@code BatchNorm} (alias {@code _npx_batch_norm}): per-channel normalization over every axis
 * but {@code axis}, as MXNet 1.9.1's CPU kernels ({@code src/operator/nn/batch_norm.cc} and the
 * oneDNN path, which agree on everything below).
 *
 * <p>Inputs {@code data} (any shape with a channel axis of length C), {@code gamma},
 * {@code beta}, {@code moving_mean}, {@code moving_var} (all {@code (C,)}); the last two are
 * auxiliary states (mutable inputs). Outputs {@code output} (data's shape), {@code mean} and
 * {@code var} (both {@code (C,)}); only {@code output} is visible unless
 * {@code output_mean_var}.
 *
 * <p>In a training pass without {@code use_global_stats} the output is
 * {@code (x - mean)·invstd·gamma + beta} with the batch mean and {@code invstd = 1/sqrt(var +
 * eps)} of the biased (divide by count) batch variance. Otherwise the moving statistics are
 * used. <b>The hidden output {@code var} holds the inverse standard deviation, not the
 * variance</b> (in inference: {@code 1/sqrt(moving_var + eps)}), and {@code mean} holds the mean
 * used. <b>The moving statistics are not touched by the forward pass</b>: as in MXNet, the
 * training backward pass updates them, {@code moving = moving·momentum + batch·(1 - momentum)},
 * recovering the batch variance as {@code 1/invstd² - eps}. So a training forward without a
 * backward (e.g. outside autograd) leaves them unchanged, exactly as in MXNet.
 *
 * <p>{@code fix_gamma} treats gamma as 1 and gives it a zero gradient. (MXNet's kernel also
 * writes ones into the gamma array during the forward pass; Kindling does not write a
 * non-mutable input, which only matters if the caller reads gamma back.) The gradients of the
 * {@code mean} and {@code var} outputs are ignored, as MXNet documents ("blocked").
 */
@AutoService(OpDef.class)
public final class BatchNorm extends OpDef<BatchNorm.Params> {
  /** MXNet declares {@code eps} as a double with the float default {@code 1e-3f}. */
  static final Param<Double> EPS = Param.doubleParam("eps", (double) 1e-3f);
  static final Param<Float> MOMENTUM = Param.floatParam("momentum", 0.9f);
  static final Param<Boolean> FIX_GAMMA = Param.boolParam("fix_gamma", true);
  static final Param<Boolean> USE_GLOBAL_STATS = Param.boolParam("use_global_stats", false);
  static final Param<Boolean> OUTPUT_MEAN_VAR = Param.boolParam("output_mean_var", false);
  static final Param<Integer> AXIS = Param.intParam("axis", 1);
  static final Param<Boolean> CUDNN_OFF = Param.boolParam("cudnn_off", false);
  static final Param<Float> MIN_CALIB_RANGE = Param.floatParam("min_calib_range", 0f).optional();
  static final Param<Float> MAX_CALIB_RANGE = Param.floatParam("max_calib_range", 0f).optional();

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final BatchNorm OP = new BatchNorm();

  /**
   * Parameters of {@code BatchNorm}.
   *
   * @param eps {@code eps}, added to the variance
   * @param momentum {@code momentum} of the moving averages
   * @param fixGamma {@code fix_gamma}: gamma is taken as 1 and not learned
   * @param useGlobalStats {@code use_global_stats}: normalize with the moving statistics also
   *     in training
   * @param outputMeanVar {@code output_mean_var}: make {@code mean} and {@code var} visible
   * @param axis {@code axis}, the channel axis (negative counts from the end)
   * @param cudnnOff {@code cudnn_off} (no effect on CPU)
   * @param minCalibRange {@code min_calib_range} (quantization only; null for None)
   * @param maxCalibRange {@code max_calib_range} (quantization only; null for None)
   */
  public record Params(double eps, float momentum, boolean fixGamma, boolean useGlobalStats,
      boolean outputMeanVar, int axis, boolean cudnnOff, Float minCalibRange,
      Float maxCalibRange) {
    /** MXNet's defaults. */
    public static Params defaults() {
      return new Params((double) 1e-3f, 0.9f, true, false, false, 1, false, null, null);
    }

    /** A copy with {@code fix_gamma} set. */
    public Params withFixGamma(boolean v) {
      return new Params(eps, momentum, v, useGlobalStats, outputMeanVar, axis, cudnnOff,
          minCalibRange, maxCalibRange);
    }

    /** A copy with {@code use_global_stats} set. */
    public Params withUseGlobalStats(boolean v) {
      return new Params(eps, momentum, fixGamma, v, outputMeanVar, axis, cudnnOff,
          minCalibRange, maxCalibRange);
    }

    /** A copy with {@code output_mean_var} set. */
    public Params withOutputMeanVar(boolean v) {
      return new Params(eps, momentum, fixGamma, useGlobalStats, v, axis, cudnnOff,
          minCalibRange, maxCalibRange);
    }

    /** A copy with {@code axis} set. */
    public Params withAxis(int v) {
      return new Params(eps, momentum, fixGamma, useGlobalStats, outputMeanVar, v, cudnnOff,
          minCalibRange, maxCalibRange);
    }

    /** A copy with {@code eps} and {@code momentum} set. */
    public Params withEpsMomentum(double e, float m) {
      return new Params(e, m, fixGamma, useGlobalStats, outputMeanVar, axis, cudnnOff,
          minCalibRange, maxCalibRange);
    }

    /** A copy with {@code cudnn_off} and the calibration range set. */
    public Params withCalibration(boolean off, Float min, Float max) {
      return new Params(eps, momentum, fixGamma, useGlobalStats, outputMeanVar, axis, off, min,
          max);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public BatchNorm() {
    super("BatchNorm", List.of("_npx_batch_norm"), Params.class,
        List.of(EPS, MOMENTUM, FIX_GAMMA, USE_GLOBAL_STATS, OUTPUT_MEAN_VAR, AXIS, CUDNN_OFF,
            MIN_CALIB_RANGE, MAX_CALIB_RANGE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data", "gamma", "beta", "moving_mean", "moving_var");
  }

  @Override
  public List<String> outputNames(Params p) {
    return List.of("output", "mean", "var");
  }

  @Override
  public int numVisibleOutputs(Params p) {
    return p.outputMeanVar() ? 3 : 1;
  }

  @Override
  public Set<Integer> mutableInputs(Params p) {
    return Set.of(3, 4);
  }

  /** The moving mean starts at zero, the moving variance at one. */
  @Override
  public Map<String, String> inputVariableAttrs(Params p, int input) {
    return switch (input) {
      case 3 -> Map.of("__init__", "[\"zero\", {}]");
      case 4 -> Map.of("__init__", "[\"one\", {}]");
      default -> Map.of();
    };
  }

  /** The data as {@code (outer, C, inner)} around the channel axis. */
  record Dims(int outer, int channels, int inner) {
    int count() {
      return outer * inner;
    }
  }

  static Dims dims(Params p, Shape d) {
    int a = p.axis() < 0 ? p.axis() + d.ndim() : p.axis();
    if (a < 0 || a >= d.ndim()) {
      throw new IllegalArgumentException("BatchNorm: channel axis " + p.axis()
          + " is out of range for data of shape " + d + " (parameter axis)");
    }
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= d.get(i);
    }
    return new Dims(outer, d.get(a), (int) d.sizeFrom(a + 1));
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    Shape c = Shape.of(dims(p, d).channels());
    for (int i = 1; i < 5; i++) {
      s.assignIn(i, c);
    }
    s.assignOut(0, d);
    s.assignOut(1, c);
    s.assignOut(2, c);
  }

  @Override
  public void inferType(Params p, TypeSlots t) {
    DType d = t.in(0) != null ? t.in(0) : t.out(0);
    if (d == null) {
      return;
    }
    if (d != DType.FLOAT32 && d != DType.FLOAT64 && d != DType.FLOAT16
        && d != DType.BFLOAT16) {
      throw new IllegalArgumentException(
          "BatchNorm: data must be a floating-point type, got " + d.numpyName());
    }
    // Half-precision data keeps its parameters and statistics in float32, as MXNet (cuDNN) does.
    DType acc = d == DType.FLOAT16 || d == DType.BFLOAT16 ? DType.FLOAT32 : d;
    t.assignIn(0, d);
    t.assignOut(0, d);
    for (int i = 1; i < 5; i++) {
      t.assignIn(i, acc);
    }
    t.assignOut(1, acc);
    t.assignOut(2, acc);
  }

  /**
   * The output may take the data's buffer: the kernel reads all of the data for the batch
   * statistics before it writes, and each element before writing it. (MXNet does not declare
   * this; Kindling's memory planner uses it only where nothing reads the data later, that is in
   * inference, since the backward pass reads the data.)
   */
  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return new BackwardDeps(true, Set.of(0, 1, 3, 4), Set.of(1, 2));
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) ->
        sig.allFloat32() ? new Cpu(p, dims(p, sig.in(0))) : null));
  }

  /** The default kernel: per-channel sums accumulated in double in the workspace. */
  private record Cpu(Params p, Dims d) implements Kernel {
    @Override
    public long workspaceBytes() {
      return 2L * d.channels() * Double.BYTES;
    }

    private boolean batchStats(OpContext ctx) {
      return ctx.isTrain() && !p.useGlobalStats();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer gamma = in[1].floats();
      FloatBuffer beta = in[2].floats();
      FloatBuffer mean = out[1].floats();
      FloatBuffer inv = out[2].floats();
      int c = d.channels();
      float eps = (float) p.eps();
      if (batchStats(ctx)) {
        DoubleBuffer acc = ctx.workspace().asDoubleBuffer();
        channelSums(x, null, acc, d);
        for (int k = 0; k < c; k++) {
          mean.put(k, (float) (acc.get(k) / d.count()));
        }
        channelSums(x, mean, acc, d);
        for (int k = 0; k < c; k++) {
          double sum = acc.get(k);
          float variance = (float) (sum / d.count());
          // MXNet: a zero variance with eps = 0 gives invstd 0, not infinity
          inv.put(k, sum == 0 && p.eps() == 0 ? 0f : invStd(variance, eps));
        }
      } else {
        FloatBuffer rm = in[3].floats();
        FloatBuffer rv = in[4].floats();
        for (int k = 0; k < c; k++) {
          mean.put(k, rm.get(k));
          inv.put(k, invStd(rv.get(k), eps));
        }
      }
      FloatBuffer y = out[0].floats();
      for (int o = 0; o < d.outer(); o++) {
        for (int k = 0; k < c; k++) {
          float m = mean.get(k);
          float s = inv.get(k);
          float w = p.fixGamma() ? 1f : gamma.get(k);
          float b = beta.get(k);
          int base = (o * c + k) * d.inner();
          for (int i = base, end = base + d.inner(); i < end; i++) {
            y.put(i, ((x.get(i) - m) * s) * w + b);
          }
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer x = a.in()[0].floats();
      FloatBuffer gamma = a.in()[1].floats();
      FloatBuffer rm = a.in()[3].floats();
      FloatBuffer rv = a.in()[4].floats();
      FloatBuffer dy = a.outGrad()[0].floats();
      int c = d.channels();
      float eps = (float) p.eps();
      boolean batch = batchStats(ctx);
      DoubleBuffer ws = ctx.workspace().asDoubleBuffer();
      DoubleBuffer sumDy = ws.slice(0, c);
      DoubleBuffer dot = ws.slice(c, c);
      // the mean and invstd this backward pass uses; in training also the moving-average update
      FloatBuffer mean = batch ? a.out()[1].floats() : rm;
      FloatBuffer savedInv = a.out()[2].floats();
      for (int k = 0; k < c; k++) {
        sumDy.put(k, 0);
        dot.put(k, 0);
      }
      if (batch) {
        float mom = p.momentum();
        for (int k = 0; k < c; k++) {
          float s = savedInv.get(k);
          float variance = (float) (1.0 / (s * s) - p.eps());
          rm.put(k, rm.get(k) * mom + mean.get(k) * (1f - mom));
          rv.put(k, rv.get(k) * mom + variance * (1f - mom));
        }
      }
      for (int o = 0; o < d.outer(); o++) {
        for (int k = 0; k < c; k++) {
          float m = mean.get(k);
          int base = (o * c + k) * d.inner();
          double sg = 0;
          double dp = 0;
          for (int i = base, end = base + d.inner(); i < end; i++) {
            float g = dy.get(i);
            sg += g;
            dp += (x.get(i) - m) * g;
          }
          sumDy.put(k, sumDy.get(k) + sg);
          dot.put(k, dot.get(k) + dp);
        }
      }
      if (a.wants(0)) {
        FloatBuffer dx = a.inGrad()[0].floats();
        boolean add = a.adds(0);
        for (int o = 0; o < d.outer(); o++) {
          for (int k = 0; k < c; k++) {
            float s = batch ? savedInv.get(k) : invStd(rv.get(k), eps);
            float w = p.fixGamma() ? 1f : gamma.get(k);
            float iw = s * w;
            float m = mean.get(k);
            int base = (o * c + k) * d.inner();
            if (batch) {
              // dx = (dy - mean(dy) - (x - mean)·dot·invstd²/count)·invstd·gamma
              float proj = (float) (dot.get(k) * s * s / d.count());
              float gm = (float) (sumDy.get(k) / d.count());
              for (int i = base, end = base + d.inner(); i < end; i++) {
                float g = (dy.get(i) - gm - (x.get(i) - m) * proj) * iw;
                dx.put(i, add ? dx.get(i) + g : g);
              }
            } else {
              for (int i = base, end = base + d.inner(); i < end; i++) {
                float g = dy.get(i) * iw;
                dx.put(i, add ? dx.get(i) + g : g);
              }
            }
          }
        }
      }
      if (a.wants(1)) {
        FloatBuffer dg = a.inGrad()[1].floats();
        for (int k = 0; k < c; k++) {
          if (p.fixGamma()) {
            if (a.req()[1] == GradReq.WRITE) {
              dg.put(k, 0f);
            }
          } else {
            float s = batch ? savedInv.get(k) : invStd(rv.get(k), eps);
            float g = (float) (dot.get(k) * s);
            dg.put(k, a.adds(1) ? dg.get(k) + g : g);
          }
        }
      }
      if (a.wants(2)) {
        FloatBuffer db = a.inGrad()[2].floats();
        for (int k = 0; k < c; k++) {
          float g = (float) sumDy.get(k);
          db.put(k, a.adds(2) ? db.get(k) + g : g);
        }
      }
    }
  }

  /** MXNet's {@code VARIANCE_TO_INVSTD}: {@code 1/sqrt(var + eps)} with eps in float. */
  static float invStd(float variance, float eps) {
    return (float) (1.0 / Math.sqrt(variance + eps));
  }

  /**
   * Per channel, the sum of {@code x} (center null) or of {@code (x - center[c])²}, into
   * {@code acc[0, C)}.
   */
  private static void channelSums(FloatBuffer x, FloatBuffer center, DoubleBuffer acc,
      Dims d) {
    int c = d.channels();
    for (int k = 0; k < c; k++) {
      acc.put(k, 0);
    }
    for (int o = 0; o < d.outer(); o++) {
      for (int k = 0; k < c; k++) {
        int base = (o * c + k) * d.inner();
        double s = 0;
        if (center == null) {
          for (int i = base, end = base + d.inner(); i < end; i++) {
            s += x.get(i);
          }
        } else {
          float m = center.get(k);
          for (int i = base, end = base + d.inner(); i < end; i++) {
            float v = x.get(i) - m;
            s += (double) v * v;
          }
        }
        acc.put(k, acc.get(k) + s);
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Dims d = dims(p, inShapes[0]);
    int c = d.channels();
    double eps = (float) p.eps();
    double[] x = in[0];
    double[] mean = new double[c];
    double[] inv = new double[c];
    boolean batch = train && !p.useGlobalStats();
    for (int k = 0; k < c; k++) {
      if (batch) {
        double s = 0;
        for (int o = 0; o < d.outer(); o++) {
          for (int i = 0; i < d.inner(); i++) {
            s += x[(o * c + k) * d.inner() + i];
          }
        }
        mean[k] = s / d.count();
        double sq = 0;
        for (int o = 0; o < d.outer(); o++) {
          for (int i = 0; i < d.inner(); i++) {
            double v = x[(o * c + k) * d.inner() + i] - mean[k];
            sq += v * v;
          }
        }
        inv[k] = sq == 0 && eps == 0 ? 0 : 1 / Math.sqrt(sq / d.count() + eps);
      } else {
        mean[k] = in[3][k];
        inv[k] = 1 / Math.sqrt(in[4][k] + eps);
      }
    }
    double[] y = new double[x.length];
    for (int o = 0; o < d.outer(); o++) {
      for (int k = 0; k < c; k++) {
        double w = p.fixGamma() ? 1 : in[1][k];
        for (int i = 0; i < d.inner(); i++) {
          int j = (o * c + k) * d.inner() + i;
          y[j] = (x[j] - mean[k]) * inv[k] * w + in[2][k];
        }
      }
    }
    return new double[][] {y, mean, inv};
  }

  @Override
  public List<Sample<Params>> samples() {
    Params d = Params.defaults();
    Params free = d.withFixGamma(false);
    return List.of(
        bn(d, Shape.of(2, 3, 4)),
        bn(free, Shape.of(2, 3, 2, 2)),
        bn(free, Shape.of(4, 3, 2)).training(),
        bn(d.withAxis(-1), Shape.of(3, 2, 4)).training(),
        bn(free.withAxis(2).withUseGlobalStats(true), Shape.of(2, 3, 4)).training(),
        bn(free.withAxis(0), Shape.of(3, 5)),
        // the gradients of the visible mean and var outputs are blocked, as in MXNet
        bn(free.withOutputMeanVar(true), Shape.of(4, 3)).training().noGradientCheck(),
        bn(free.withOutputMeanVar(true).withAxis(0), Shape.of(3, 5)),
        bn(free.withEpsMomentum(1e-5, 0.99f).withCalibration(true, -1f, 1f),
            Shape.of(5, 2, 3)).training());
  }

  private static Sample<Params> bn(Params p, Shape data) {
    Shape c = Shape.of(dims(p, data).channels());
    return Sample.of(p, data, c, c, c, c).domain(3, Domain.FINITE).domain(4, Domain.POSITIVE);
  }
}
